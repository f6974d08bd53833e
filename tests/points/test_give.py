"""/give: points move from member to member through the ledger, within the server's limits (a daily cap, account
age, time on the server), never to oneself or a bot; refusals change nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.kit.points import PointsDesk


async def _give(desk: PointsDesk, giver, receiver, amount: int):
    return await desk.d.slash("give", user=giver, guild=desk.server, options={"member": receiver}, amount=amount)


async def test_a_gift_moves_points_through_both_ledgers(desk: PointsDesk) -> None:
    g = desk.g
    await desk.grant(g.member, 100)
    result = await _give(desk, g.member, g.moderator, 30)
    assert result.ephemeral and result.text == f"🎁 You gave **30 points** to <@{g.moderator.id}>. You have 70 " \
                                               "points left."
    assert await desk.ledger(g.member) == [(100, "staff"), (-30, "give")]
    assert await desk.ledger(g.moderator) == [(30, "give")]
    actors = await desk.db.fetch("SELECT DISTINCT actor_id, reference FROM points_ledger WHERE kind = 'give'")
    assert [r["actor_id"] for r in actors] == [g.member.id] and actors[0]["reference"] == f"interaction:{result.id}"
    assert await desk.broken_accounts() == []


async def test_the_daily_cap_counts_the_servers_day(desk: PointsDesk) -> None:
    g, clock = desk.g, desk.hearth.clock
    await desk.setting("system", "timezone", "Europe/Paris")
    await desk.setting("points", "give_daily_cap", 50)
    start = clock.now()
    clock.set(datetime(start.year, start.month, start.day, 20, tzinfo=UTC) + timedelta(days=1))  # 21:00 in Paris
    await desk.grant(g.member, 200)
    assert (await _give(desk, g.member, g.moderator, 40)).text.startswith("🎁")
    refused = await _give(desk, g.member, g.moderator, 20)
    assert refused.text == "You can give up to 50 points a day; you have 10 points left today."
    assert (await _give(desk, g.member, g.moderator, 10)).text.startswith("🎁")
    clock.advance(hours=3, minutes=30)  # 23:30 UTC, 00:30 in Paris: a new day there
    assert (await _give(desk, g.member, g.moderator, 50)).text.startswith("🎁")
    assert await desk.balance(g.moderator) == 100


async def test_fresh_accounts_and_newcomers_cannot_give(desk: PointsDesk) -> None:
    g, clock = desk.g, desk.hearth.clock
    await desk.grant(g.member, 100)
    joined = clock.now() - timedelta(days=30)
    clock.set(joined + timedelta(days=2))  # the account and the membership are two days old
    refused = await _give(desk, g.member, g.moderator, 5)
    assert refused.text == "Your Discord account must be at least 7d old to give points."
    await desk.setting("points", "give_min_account_age", 86400)
    await desk.setting("points", "give_min_membership", 3 * 86400)
    refused = await _give(desk, g.member, g.moderator, 5)
    assert refused.text == "You must have been on this server for at least 3d to give points."
    await desk.setting("points", "give_min_membership", 86400)
    assert (await _give(desk, g.member, g.moderator, 5)).text.startswith("🎁")


async def test_refusals_change_nothing(desk: PointsDesk) -> None:
    d, g = desk.d, desk.g
    helper = desk.server.add_member("helper-bot", bot=True)
    await d.settle()
    await desk.grant(g.member, 20)
    answers = [
        (await _give(desk, g.member, g.member, 5)).text,
        (await _give(desk, g.member, helper, 5)).text,
        (await _give(desk, g.member, g.moderator, 21)).text,
    ]
    await desk.setting("points", "give_daily_cap", 0)
    answers.append((await _give(desk, g.member, g.moderator, 5)).text)
    await desk.setting("points", "give_daily_cap", 500)
    await desk.setting("points", "enabled", False)
    answers.append((await _give(desk, g.member, g.moderator, 5)).text)
    assert answers == [
        "You can't give points to yourself.\nExample: `/give member:@friend amount:10`",
        "Bots don't collect points.",
        "You have only 20 points.",
        "Giving points to other members is turned off on this server.",
        "Points are turned off on this server.",
    ]
    assert await desk.ledger(g.member) == [(20, "staff")]
    assert await desk.db.fetchval("SELECT count(*) FROM points_balances") == 1
