"""The ledger: a balance is the sum of its ledger rows after any mix of operations, two purchases at once never
overspend, a replayed interaction spends once, a balance never goes negative, guilds never see each other."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from cogs.points import repo
from tests.kit.points import PointsDesk

BUY_ROUTE = "/guilds/{guild_id}/members/{user_id}/roles/{role_id}"
POINTS_PACKAGE = Path(__file__).resolve().parents[2] / "cogs" / "points"


def test_only_the_ledger_statement_writes_balances() -> None:
    """The invariant has one keeper: `repo.post` (its UPDATE of existing accounts and INSERT of new ones). The
    erasure deletes balances only after closing them to zero through `post`."""
    writes = re.compile(r"\b(?:INSERT\s+INTO|UPDATE)\s+points_balances\b", re.IGNORECASE)
    found = {path.name: len(writes.findall(path.read_text())) for path in POINTS_PACKAGE.glob("*.py")}
    assert {name: count for name, count in found.items() if count} == {"repo.py": 2}


async def test_every_balance_is_the_sum_of_its_ledger_after_a_mix_of_operations(desk: PointsDesk) -> None:
    d, g = desk.d, desk.g
    await desk.sell("Shout-out", 30)
    await desk.sell("VIP", 50, "role", role=desk.vip)
    await desk.grant(g.member, 200)
    await desk.grant(g.moderator, 40)
    for n in range(3):  # activity: one point per minute
        await d.say(g.general, g.member, f"hello {n}")
        desk.hearth.clock.advance(minutes=1)
    await d.slash("give", user=g.member, guild=desk.server, options={"member": g.moderator}, amount=25)
    await d.slash("points take", user=g.owner, guild=desk.server, options={"member": g.moderator}, amount=5,
                  reason="Spam")
    assert (await desk.buy(g.member, "VIP")).text.startswith("✅")
    bought = await desk.buy_at_once((g.moderator, "Shout-out"), (g.moderator, "Shout-out"))
    assert [r.text[:1] for r in bought] == ["✅", "✅"]  # 60 points: enough for two at 30
    await d.click(desk.requests_in_log()[0], "Refuse and refund", user=g.owner)
    await desk.cog.flush()
    assert await desk.broken_accounts() == []
    assert await desk.balance(g.member) == 200 + 3 - 25 - 50
    assert await desk.balance(g.moderator) == 40 + 25 - 5 - 60 + 30
    assert [kind for _, kind in await desk.ledger(g.moderator)] == ["staff", "give", "staff", "buy", "buy", "refund"]


async def test_two_purchases_at_once_never_overspend(desk: PointsDesk) -> None:
    g = desk.g
    await desk.sell("VIP", 60, "role", role=desk.vip)
    await desk.sell("Shout-out", 60)
    await desk.grant(g.member, 100)
    results = await desk.buy_at_once((g.member, "VIP"), (g.member, "Shout-out"))
    texts = sorted(r.text for r in results)
    assert texts[0].startswith("**") and "costs 60 points; you have 40 points" in texts[0], texts
    assert texts[1].startswith("✅ You bought"), texts
    assert await desk.balance(g.member) == 40
    assert [kind for _, kind in await desk.ledger(g.member)] == ["staff", "buy"]
    assert await desk.broken_accounts() == []


async def test_a_replayed_interaction_is_charged_once(desk: PointsDesk) -> None:
    d, g = desk.d, desk.g
    await desk.sell("Shout-out", 30)
    await desk.grant(g.member, 100)
    first = await desk.buy(g.member, "Shout-out", note="for my birthday")
    assert first.text.startswith("✅")
    d.world.emit("INTERACTION_CREATE", first.payload, desk.server.id)  # Discord delivers it a second time
    await d.settle()
    assert await desk.balance(g.member) == 70
    assert await desk.ledger(g.member) == [(100, "staff"), (-30, "buy")]
    assert await desk.db.fetchval("SELECT count(*) FROM points_redeems") == 1
    assert len(desk.requests_in_log()) == 1
    assert await desk.broken_accounts() == []


async def test_the_ledger_refuses_a_reference_twice_and_a_negative_balance(desk: PointsDesk) -> None:
    g, now = desk.g, desk.hearth.clock.now()
    gid = desk.server.id
    credit = repo.Entry(gid, g.member.id, 10, "staff", "interaction:1", "Seed", g.owner.id)
    assert (await repo.post(desk.db, [credit], now)).done(credit)
    again = await repo.post(desk.db, [credit], now)
    assert not again.done(credit) and again.balances == {}
    with pytest.raises(repo.NotEnoughPoints):
        await repo.post(desk.db, [repo.Entry(gid, g.member.id, -11, "buy", "interaction:2")], now)
    activity = [repo.Entry(gid, g.member.id, 2, "activity", "activity:2026-06-01")]
    await repo.post(desk.db, activity, now)
    await repo.post(desk.db, activity, now + timedelta(minutes=5))  # the day's row grows
    assert await desk.ledger(g.member) == [(10, "staff"), (4, "activity")]
    assert await desk.balance(g.member) == 14
    assert await desk.broken_accounts() == []


async def test_a_role_discord_refuses_is_refunded_through_the_ledger(desk: PointsDesk) -> None:
    d, g = desk.d, desk.g
    await desk.sell("VIP", 50, "role", role=desk.vip)
    await desk.grant(g.member, 80)
    d.fail("PUT", BUY_ROUTE, status=403, json={"code": 50013, "message": "Missing Permissions"})
    result = await desk.buy(g.member, "VIP")
    assert "couldn't give you **VIP**" in result.text and "50 points came back" in result.text
    assert desk.vip.id not in desk.server.members[g.member.id].roles
    assert await desk.ledger(g.member) == [(80, "staff"), (-50, "buy"), (50, "refund")]
    assert await desk.balance(g.member) == 80
    assert await desk.broken_accounts() == []


async def test_history_is_paged_and_private(desk: PointsDesk) -> None:
    d, g = desk.d, desk.g
    for n in range(12):
        await desk.grant(g.member, n + 1, reason=f"Round {n + 1}")
    page = await d.slash("points history", user=g.member, guild=desk.server)
    assert page.ephemeral and "Round 12" in page.embeds[0]["description"]
    assert "Round 2\n" not in page.embeds[0]["description"] and page.embeds[0]["footer"]["text"] == "Page 1 of 2"
    second = await d.click(page, "Next", user=g.member)
    assert "Round 2 " in second.embeds[0]["description"] and "Round 1 " in second.embeds[0]["description"]
    refused = await d.slash("points history", user=g.moderator, guild=desk.server, options={"member": g.member})
    assert refused.text == "Only admins (Manage Server) can see another member's points history."
    staff = await d.slash("points history", user=g.admin, guild=desk.server, options={"member": g.member})
    assert "Round 12" in staff.embeds[0]["description"]


async def test_another_guilds_points_are_never_seen_or_spent(desk: PointsDesk) -> None:
    d, g = desk.d, desk.g
    other = d.add_guild("Elsewhere", owner="olga")
    bob_there = other.add_member("bob", user=g.member.user)
    other.add_text_channel("lobby")
    await d.settle()
    await desk.grant(g.member, 70)
    await desk.sell("Shout-out", 50)
    there = await d.slash("balance", user=bob_there, guild=other)
    assert there.text == "💰 You have **0 points**."
    refused = await d.slash("buy", user=bob_there, guild=other, item="Shout-out")
    assert "no item called **Shout-out**" in refused.text
    assert await desk.balance(g.member) == 70
    here = await d.slash("balance", user=g.member, guild=desk.server)
    assert here.text == "💰 You have **70 points**."
