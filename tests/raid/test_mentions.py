"""The mention brake across members: many mentions from different members in a short window (a wave of new accounts
each pinging a few people) alert staff and time out the mentioners who joined recently; ordinary mentions and
staff's cost no database round trip."""

from __future__ import annotations

from datetime import timedelta

from tests.kit.raid import Raid
from tests.standin.models import Member


async def _wave_desk(raid: Raid) -> tuple[Member, list[Member]]:
    await raid.configure(mention_brake=True, mention_threshold=15, mention_members=3, mention_window=30)
    now = raid.hearth.clock.now()
    regular = await raid.join("regular", age=timedelta(days=900), avatar="abc", joined_at=now - timedelta(days=200))
    newcomers = [await raid.join(f"pinger{n}", joined_at=now, after=60) for n in range(5)]
    return regular, newcomers


def _pings(raid: Raid) -> str:
    return f"hey {raid.owner.mention} {raid.g.admin.mention} {raid.member.mention}"


async def test_a_wave_of_new_accounts_pinging_is_braked(raid: Raid) -> None:
    regular, newcomers = await _wave_desk(raid)
    await raid.d.say(raid.g.general, regular, _pings(raid))
    for pinger in newcomers[:4]:
        raid.hearth.clock.advance(seconds=2)
        await raid.d.say(raid.g.general, pinger, _pings(raid))
    incident = await raid.incident()
    assert (incident.kind, incident.on, incident.raised_level, incident.invites_paused) == ("mentions", True, None,
                                                                                            False)
    members = {m.user_id: m for m in await raid.members(incident.id)}
    assert set(members) == {regular.id, *(p.id for p in newcomers[:4])}
    assert members[regular.id].timed_out_until is None and members[regular.id].mentions == 3
    assert all(raid.timed_out(p) for p in newcomers[:4]) and not raid.timed_out(regular)
    alert = raid.alert()
    assert alert.embeds[0]["title"].startswith("🚨 Mention wave detected")
    assert "**15 mentions** from **5 members**" in alert.embeds[0]["description"]
    assert "Mentioners (5)" in [f["name"] for f in alert.embeds[0]["fields"]] and not alert.pings
    assert [(c["type"], c["automod_rule"]) for c in await raid.cases()] == [("timeout", "Raid protection")] * 4
    # While the wave is on, a new account that pings is caught at once; the regular member is not.
    await raid.d.say(raid.g.general, newcomers[4], f"{raid.owner.mention}")
    await raid.d.say(raid.g.general, regular, f"{raid.owner.mention} again")
    assert raid.timed_out(newcomers[4]) and not raid.timed_out(regular)
    assert len(await raid.members(incident.id)) == 6
    result = await raid.d.click(alert, "Undo all of this", user=raid.owner)
    assert "5 timeouts lifted" in result.text and not any(raid.timed_out(p) for p in newcomers)


async def test_ordinary_and_staff_mentions_do_not_brake_nor_query(raid: Raid) -> None:
    regular, newcomers = await _wave_desk(raid)
    await raid.d.say(raid.g.general, regular, f"hi {raid.owner.mention}")  # warms the guild's caches
    trips = raid.raid_pool_trips()
    settings = raid.settings_cached()
    for _ in range(5):
        await raid.d.say(raid.g.general, raid.g.moderator, _pings(raid))  # staff: not counted
    for pinger in newcomers:
        raid.hearth.clock.advance(seconds=20)  # spread out: never 15 mentions within 30 s
        await raid.d.say(raid.g.general, pinger, _pings(raid))
        await raid.d.say(raid.g.general, pinger, "no ping here")
    assert await raid.db.fetchval("SELECT count(*) FROM raid_incidents") == 0 and raid.alert_messages() == []
    assert raid.raid_pool_trips() == trips and raid.settings_cached() is settings


async def test_the_mention_brake_is_off_by_default(raid: Raid) -> None:
    now = raid.hearth.clock.now()
    pingers = [await raid.join(f"p{n}", joined_at=now, after=60) for n in range(6)]
    for pinger in pingers:
        await raid.d.say(raid.g.general, pinger, _pings(raid))
    assert await raid.db.fetchval("SELECT count(*) FROM raid_incidents") == 0
