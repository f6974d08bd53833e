"""The join-rate detector and its brake: a raid of young accounts raises the verification level, pauses invites,
times the joiners out (each a case), and alerts staff with the joiners listed; an ordinary join rate does nothing
and costs no database round trip; permissions the bot lacks are named in the alert."""

from __future__ import annotations

from datetime import timedelta

from tests.kit.raid import Raid


async def test_a_raid_raises_the_level_pauses_invites_and_times_out_the_joiners(raid: Raid) -> None:
    raiders = await raid.raid(20)
    incident = await raid.incident()
    assert (incident.kind, incident.on, incident.previous_level, incident.raised_level) == ("joins", True, 0, 3)
    assert incident.invites_paused and incident.problems == []
    assert raid.server.verification_level == 3 and raid.server.invites_paused
    assert all(raid.timed_out(member) for member in raiders)
    members = await raid.members(incident.id)
    assert [m.user_id for m in members] == [r.id for r in raiders]
    assert all(m.timed_out_until is not None and m.default_avatar and m.weight == 2.5 for m in members)
    cases = await raid.cases()
    timeouts = [c for c in cases if c["type"] == "timeout"]
    assert [(c["automod_rule"], c["moderator_id"]) for c in timeouts] == [("Raid protection", None)] * 20
    assert sorted(c["target_id"] for c in timeouts) == sorted(r.id for r in raiders)
    assert {m.timeout_case for m in members} == {c["number"] for c in timeouts}
    [brake] = [c for c in cases if c["type"] != "timeout"]  # the level and invites: one case about the server
    assert (brake["type"], brake["target_id"], brake["automod_rule"]) == ("server_brake", None, "Raid protection")


async def test_the_alert_lists_the_joiners_with_the_undo_button(raid: Raid) -> None:
    raiders = await raid.raid(20)
    alert = raid.alert()
    embed = alert.embeds[0]
    assert embed["title"].startswith("🚨 Raid detected")
    assert "16 accounts" in embed["description"] and "threshold is 40" in embed["description"]
    joiners = raid.field(alert, "Joiners (16)")
    assert all(f"<@{r.id}>" in joiners for r in raiders[:10]) and "and 6 more" in joiners
    listing = alert.attachments[0].data.decode()
    assert all(str(r.id) in listing for r in raiders[:16]) and alert.attachments[0].filename.endswith(".tsv")
    brake = raid.field(alert, "Brake")
    assert "None → **High**" in brake and "Invites: **paused**" in brake and "Timeouts: **16** members" in brake
    assert [b["label"] for b in alert.buttons()] == ["Undo all of this"]
    assert not alert.pings and alert.allowed_mentions == {"parse": []}


async def test_those_who_join_while_the_raid_is_on_are_caught(raid: Raid) -> None:
    await raid.raid(16)
    late = await raid.join("late", after=120)
    incident = await raid.incident()
    assert late.id in [m.user_id for m in await raid.members(incident.id)]
    assert raid.timed_out(late) and len(await raid.member_cases()) == 17


async def test_an_ordinary_join_rate_does_nothing_and_costs_no_query(raid: Raid) -> None:
    await raid.join("warm", age=timedelta(days=400), avatar="abc", after=600)  # the guild's caches are loaded
    trips = raid.raid_pool_trips()
    settings = raid.settings_cached()
    for n in range(20):
        await raid.join(f"regular{n}", age=timedelta(days=400 + n), avatar="abc", after=180)
    for n in range(6):  # a few young accounts among them, still below the threshold
        await raid.join(f"newbie{n}", after=30)
    assert await raid.db.fetchval("SELECT count(*) FROM raid_incidents") == 0
    assert raid.server.verification_level == 0 and not raid.server.invites_paused and raid.alert_messages() == []
    assert raid.raid_pool_trips() == trips and raid.settings_cached() is settings  # memory only


async def test_permissions_the_bot_lacks_are_named_in_the_alert(raid: Raid) -> None:
    server = raid.server
    server.set_role_permissions(server.bot_role, ["view_channel", "send_messages", "embed_links", "attach_files",
                                                  "read_message_history", "view_audit_log"])
    await raid.d.settle()
    raiders = await raid.raid(16)
    incident = await raid.incident()
    assert incident.raised_level is None and not incident.invites_paused  # nothing to undo: nothing was changed
    assert server.verification_level == 0 and not server.invites_paused
    assert not any(raid.timed_out(member) for member in raiders) and await raid.cases() == []
    problems = raid.field(raid.alert(), "⚠️ Not done")
    assert "**Manage Server**" in problems and "raise the verification level to High" in problems
    assert "pause invites" in problems and "**Timeout Members**" in problems and "time out 16 members" in problems
    assert "Alert only" in raid.field(raid.alert(), "Brake")


async def test_a_refusal_from_discord_is_reported_and_not_recorded_as_done(raid: Raid) -> None:
    raid.d.fail("PATCH", "/guilds/{guild_id}", status=403, times=None,
                json={"message": "Missing Permissions", "code": 50013})
    async with raid.d.expect_errors(required=False):
        await raid.raid(16)
    incident = await raid.incident()
    assert incident.raised_level is None and not incident.invites_paused
    assert incident.problems[:2] == [
        "I'm missing the **Manage Server** permission, so I couldn't set the verification level to High. "
        "Grant it to my role.",
        "I'm missing the **Manage Server** permission, so I couldn't pause invites. Grant it to my role."]
    assert len(await raid.cases()) == 16  # the timeouts went ahead


async def test_a_burst_arriving_at_once_opens_one_incident_and_times_each_joiner_out_once(raid: Raid) -> None:
    now = raid.hearth.clock.now()
    raiders = [await raid.d.member_join(raid.server, f"burst{n}", created_at=now - timedelta(hours=2), settle=False)
               for n in range(30)]
    await raid.d.settle()
    assert await raid.db.fetchval("SELECT count(*) FROM raid_incidents") == 1
    incident = await raid.incident()
    assert len(await raid.members(incident.id)) == 30 and all(raid.timed_out(member) for member in raiders)
    timeouts = [r for r in raid.d.requests("PATCH", "/guilds/{guild_id}/members/{user_id}")
                if "communication_disabled_until" in (r.json or {})]
    assert sorted(int(r.params["user_id"]) for r in timeouts) == sorted(r.id for r in raiders)
    assert len(await raid.member_cases()) == 30 and len(raid.alert_messages()) == 1
