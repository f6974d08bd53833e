"""Autoroles (on join, members and bots apart, after a delay through the timers service, after onboarding and after
verification) and sticky roles (given back on return, never a dangerous one, never one role safety refuses)."""

from __future__ import annotations

from datetime import timedelta

from tests.kit.onboarding import Onboarding
from tests.kit.roles import RolesDesk
from tests.kit.verification import start, upload, verification_desk
from tests.llm_standin import LLMStandIn

AUTOROLE_JOBS = "SELECT count(*) FROM timers WHERE kind = 'roles_autorole'"


async def test_autoroles_on_join_members_and_bots_apart(desk: RolesDesk) -> None:
    added = await desk.roles("autorole add", role=desk.gamer)
    assert added.text == f"✅ New members get <@&{desk.gamer.id}> when they join."
    await desk.roles("autorole add", role=desk.artist, **{"for": "bots"})
    person = await desk.d.member_join(desk.server, "pat")
    robot = await desk.d.member_join(desk.server, "robo", bot=True)
    assert desk.has(person, desk.gamer) and not desk.has(person, desk.artist)
    assert desk.has(robot, desk.artist) and not desk.has(robot, desk.gamer)
    assert {r.reason for r in desk.role_changes("PUT")} == {"Autoroles"}
    listing = await desk.roles("autorole list")
    assert listing.text == (f"New members get <@&{desk.gamer.id}> when they join.\n"
                            f"New bots get <@&{desk.artist.id}> when they join.")
    await desk.roles("autorole remove", role=desk.gamer)
    later = await desk.d.member_join(desk.server, "quinn")
    assert not desk.has(later, desk.gamer)


async def test_autorole_after_a_delay(desk: RolesDesk) -> None:
    hearth = desk.hearth
    added = await desk.roles("autorole add", role=desk.gamer, delay="10m")
    assert added.text == f"✅ New members get <@&{desk.gamer.id}> when they join, 10m later."
    begin = hearth.clock.now()
    person = await desk.d.member_join(desk.server, "pat")
    leaver = await desk.d.member_join(desk.server, "lou")
    assert not desk.has(person, desk.gamer) and await desk.db.fetchval(AUTOROLE_JOBS) == 2
    await desk.d.member_leave(desk.server, leaver)  # gone before the delay: nothing left to do for them
    assert await desk.db.fetchval(AUTOROLE_JOBS) == 1
    await hearth.restart()
    await hearth.move_clock(begin + timedelta(minutes=9))
    assert not desk.has(person, desk.gamer)
    await hearth.move_clock(begin + timedelta(minutes=10, seconds=1))
    assert desk.has(person, desk.gamer) and await desk.db.fetchval(AUTOROLE_JOBS) == 0
    assert len(desk.role_changes("PUT")) == 1


async def test_autorole_after_onboarding(desk: RolesDesk) -> None:
    g = desk.server
    ob = Onboarding(desk.hearth, g.add_text_channel("welcome"), g.add_text_channel("staff"), g.add_role("Newcomer"),
                    g.add_role("Member"))
    await desk.d.settle()
    await ob.set("mode", "rules")
    await ob.rule("Be kind")
    added = await desk.roles("autorole add", role=desk.gamer, after="onboarding")
    assert added.text == f"✅ New members get <@&{desk.gamer.id}> once they passed onboarding."
    person = await desk.d.member_join(g, "hugo")
    intro = ob.dm(person)
    await desk.d.click(intro, "Start", user=person)
    assert not desk.has(person, desk.gamer)
    await desk.d.click(intro, "I accept", user=person)
    assert ob.title(intro) == "🎉 Onboarding complete" and desk.has(person, desk.gamer)
    await desk.d.member_leave(g, person)  # coming back having completed it: given again
    back = await desk.d.member_join(g, person.user)
    assert desk.has(back, desk.gamer)


async def test_autorole_after_verification(desk: RolesDesk, llm: LLMStandIn) -> None:
    verification = await verification_desk(desk.hearth, llm)
    await desk.roles("autorole add", role=desk.gamer, after="verification", by=desk.owner)
    _, channel = await start(verification)
    assert not desk.has(desk.member, desk.gamer)
    llm.reply_json({"can_verify": True, "needs_manual_review": False, "reason": "A receipt.",
                    "payment_date": "2026-01-01"})
    await upload(verification, channel)
    assert desk.has(desk.member, verification.verified_role) and desk.has(desk.member, desk.gamer)


async def test_autorole_configuration_is_checked(desk: RolesDesk) -> None:
    boss = desk.server.add_role("Boss")
    await desk.d.settle()
    above = await desk.refused("autorole add", role=boss)
    assert above.text.startswith("@Boss is not below your highest role")
    bots = await desk.refused("autorole add", role=desk.gamer, after="verification", **{"for": "bots"})
    assert bots.text.startswith("Bots don't go through verification or onboarding")
    bad = await desk.refused("autorole add", role=desk.gamer, delay="later")
    assert bad.text.startswith("`later` is not a duration")
    refused = await desk.d.slash("roles autorole add", user=desk.member, check_permissions=False,
                                 options={"role": desk.gamer})
    assert refused.text == "You need the **Manage Roles** permission to use this command."
    assert await desk.db.fetchval("SELECT count(*) FROM role_autoroles") == 0


async def test_autorole_refused_at_grant(desk: RolesDesk) -> None:
    await desk.roles("autorole add", role=desk.gamer)
    desk.server.set_role_permissions(desk.server.role("rita perms"), [])
    await desk.d.settle()
    person = await desk.d.member_join(desk.server, "pat")
    assert not desk.has(person, desk.gamer) and desk.role_changes("PUT") == []
    assert any(line.startswith(f"⛔ I did not give <@&{desk.gamer.id}> (configured in the autoroles (members, after "
                               "joining))") for line in desk.log_lines())


async def test_sticky_roles_come_back_on_rejoin(desk: RolesDesk) -> None:
    added = await desk.roles("sticky add", role=desk.gamer)
    assert added.text == f"✅ Members who leave with <@&{desk.gamer.id}> get it back when they return."
    person = await desk.d.member_join(desk.server, "pat")
    desk.server.set_roles(person, [desk.gamer, desk.artist], by=desk.owner)
    await desk.d.settle()
    await desk.d.member_leave(desk.server, person)
    saved = await desk.db.fetchrow("SELECT role_ids FROM role_sticky_members WHERE user_id = $1", person.id)
    assert saved["role_ids"] == [desk.gamer.id]
    back = await desk.d.member_join(desk.server, person.user)
    assert desk.has(back, desk.gamer) and not desk.has(back, desk.artist)  # only the sticky one
    assert await desk.db.fetchval("SELECT count(*) FROM role_sticky_members") == 0
    stranger = await desk.d.member_join(desk.server, "stranger")
    assert not desk.has(stranger, desk.gamer)


async def test_a_dangerous_role_is_never_restored(desk: RolesDesk) -> None:
    mods = desk.server.add_role("Mods", ["kick_members"])
    await desk.d.settle()
    refused = await desk.refused("sticky add", role=mods, by=desk.owner)  # not even the owner
    assert refused.text.startswith(f"<@&{mods.id}> carries dangerous permissions (Kick Members): sticky roles never")
    await desk.roles("sticky add", role=desk.gamer)
    person = await desk.d.member_join(desk.server, "pat")
    desk.server.set_roles(person, [desk.gamer], by=desk.owner)
    await desk.d.settle()
    await desk.d.member_leave(desk.server, person)
    desk.server.set_role_permissions(desk.gamer, ["ban_members"])  # became dangerous while they were away
    back = await desk.d.member_join(desk.server, person.user)
    assert not desk.has(back, desk.gamer) and desk.role_changes("PUT") == []
    assert any(line.startswith(f"⛔ I did not give <@&{desk.gamer.id}> back to returning members: it carries "
                               "dangerous permissions (Ban Members)") for line in desk.log_lines())


async def test_sticky_role_refused_by_role_safety(desk: RolesDesk) -> None:
    await desk.roles("sticky add", role=desk.gamer)
    person = await desk.d.member_join(desk.server, "pat")
    desk.server.set_roles(person, [desk.gamer], by=desk.owner)
    await desk.d.settle()
    await desk.d.member_leave(desk.server, person)
    await desk.d.member_leave(desk.server, desk.manager)  # who made it sticky left
    back = await desk.d.member_join(desk.server, person.user)
    assert not desk.has(back, desk.gamer)
    assert any("who set it, is no longer on the server" in line for line in desk.log_lines())


async def test_leavers_sticky_roles_expire(desk: RolesDesk) -> None:
    hearth = desk.hearth
    await desk.roles("sticky add", role=desk.gamer)
    person = await desk.d.member_join(desk.server, "pat")
    desk.server.set_roles(person, [desk.gamer], by=desk.owner)
    await desk.d.settle()
    await desk.d.member_leave(desk.server, person)
    await desk.setting("roles", "sticky_days", 30)
    await hearth.move_clock(hearth.clock.now() + timedelta(days=29))
    assert await desk.db.fetchval("SELECT count(*) FROM role_sticky_members") == 1
    await hearth.move_clock(hearth.clock.now() + timedelta(days=2))
    assert await desk.db.fetchval("SELECT count(*) FROM role_sticky_members") == 0


async def test_joins_cost_no_database_round_trip(desk: RolesDesk) -> None:
    """Autoroles on join come from the cached configuration; only sticky roles (a member's own) need a read."""
    await desk.roles("autorole add", role=desk.gamer)
    await desk.d.member_join(desk.server, "warm")  # loads the guild's configuration once
    pool = desk.hearth.bot.db.pools["roles"]
    before = pool.acquisitions
    for name in ("a", "b", "c"):
        joined = await desk.d.member_join(desk.server, name)
        assert desk.has(joined, desk.gamer)
        await desk.d.member_leave(desk.server, joined)
    assert pool.acquisitions == before
