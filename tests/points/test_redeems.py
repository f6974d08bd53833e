"""The redeem queue: a custom reward waits in the staff log with Approve / Refuse buttons (working after a restart);
approving keeps the points, refusing refunds them through the ledger; a request is decided once, by staff only."""

from __future__ import annotations

import asyncio

from tests.custom_ids import custom_ids
from tests.kit.points import PointsDesk
from tests.standin.models import walk_components


async def _requested(desk: PointsDesk, note: str | None = None):
    """The member bought a 30-point custom reward (100 points before): its request in the staff log."""
    await desk.sell("Custom emoji", 30, description="An emoji of your choice")
    await desk.grant(desk.member, 100)
    bought = await desk.buy(desk.member, "Custom emoji", **({"note": note} if note else {}))
    assert "is with the staff" in bought.text, bought.text
    [request] = desk.requests_in_log()
    return request


async def test_a_request_waits_for_the_staff_and_approval_keeps_the_points(desk: PointsDesk) -> None:
    d, g = desk.d, desk.g
    request = await _requested(desk, note="a dancing cat @everyone")
    redeem_id = await desk.db.fetchval("SELECT id FROM points_redeems")
    assert custom_ids(request) == [f"hearth:redeem:approve:{redeem_id}", f"hearth:redeem:refuse:{redeem_id}"]
    fields = {f["name"]: f["value"] for f in request.embeds[0]["fields"]}
    assert fields == {"Member": f"<@{g.member.id}>", "Paid": "30 points", "Note": "a dancing cat @everyone",
                      "Status": "⏳ Waiting for staff"}
    assert request.pings.everyone is False and request.pings.users == []
    await desk.hearth.restart()  # the buttons outlive the bot
    approved = await d.click(request, "Approve", user=g.admin)
    shown = approved.message
    assert {f["name"]: f["value"] for f in shown.embeds[0]["fields"]}["Status"] == f"✅ Approved by <@{g.admin.id}>"
    assert all(button.get("disabled") for button in shown.buttons())
    row = await desk.db.fetchrow("SELECT status, decided_by FROM points_redeems")
    assert tuple(row) == ("approved", g.admin.id)
    assert d.dms_to(g.member)[-1].content.startswith("✅ Your request #")
    assert await desk.balance(g.member) == 70


async def test_refusal_refunds_through_the_ledger_once(desk: PointsDesk) -> None:
    d, g = desk.d, desk.g
    request = await _requested(desk)
    clicks = [await d.click(request, "Refuse and refund", user=who, settle=False) for who in (g.admin, g.owner)]
    await asyncio.gather(*(c.wait(lambda r: r.responded) for c in clicks))
    await d.settle()
    [winner] = [c for c in clicks if c.response_type == 7]  # the log message updated
    [late] = [c for c in clicks if c is not winner]
    assert late.ephemeral and late.text == f"Request #{await desk.db.fetchval('SELECT id FROM points_redeems')} " \
                                           f"was already decided: ↩️ Refused and refunded by <@{winner.user_id}>."
    assert await desk.ledger(g.member) == [(100, "staff"), (-30, "buy"), (30, "refund")]
    assert await desk.balance(g.member) == 100
    assert "your 30 points came back" in d.dms_to(g.member)[-1].content
    assert await desk.broken_accounts() == []


async def test_only_staff_decide(desk: PointsDesk) -> None:
    d, g = desk.d, desk.g
    helpers = desk.server.add_role("Shop helpers", [])
    helper = desk.server.add_member("hana", roles=[helpers])
    await d.settle()
    request = await _requested(desk)
    refused = await d.click(request, "Refuse and refund", user=g.member)  # the buyer, refunding themselves
    assert refused.ephemeral and refused.text == ("Only staff (Manage Server or the points staff role) can decide "
                                                  "shop requests.")
    assert (await d.click(request, "Approve", user=helper)).text.startswith("Only staff")
    await desk.setting("points", "staff_role", helpers.id)
    await d.click(request, "Approve", user=helper)
    assert await desk.db.fetchval("SELECT status FROM points_redeems") == "approved"
    assert await desk.balance(g.member) == 70


async def test_without_a_staff_channel_nothing_is_charged(desk: PointsDesk) -> None:
    d, g = desk.d, desk.g
    await desk.sell("Custom emoji", 30)
    await desk.grant(g.member, 100)
    await desk.hearth.bot.guild_settings.reset(desk.server.id, "points", "log_channel", changed_by=g.owner.id)
    refused = await desk.buy(g.member, "Custom emoji")
    assert refused.text.startswith("Custom rewards can't be bought right now: the staff have no channel")
    await desk.setting("points", "log_channel", desk.logs.id)
    desk.server.set_overwrite(desk.logs, desk.server.bot_role, deny=["send_messages"])
    await d.settle()
    failed = await desk.buy(g.member, "Custom emoji")
    assert failed.text.startswith("⚠️ Your request could not reach the staff (I couldn't post in the log channel")
    assert failed.text.endswith("Your 30 points came back.")
    assert await desk.ledger(g.member) == [(100, "staff"), (-30, "buy"), (30, "refund")]
    assert await desk.db.fetchval("SELECT status FROM points_redeems") == "refused"
    assert desk.requests_in_log() == []


async def test_a_crafted_request_number_is_answered(desk: PointsDesk) -> None:
    d, g = desk.d, desk.g
    request = await _requested(desk)
    for component in walk_components(request.components):  # a client sending ids the bot never posted
        if "custom_id" in component:
            component["custom_id"] = component["custom_id"].rsplit(":", 1)[0] + ":99999999999"
    answer = await d.click(request, "Approve", user=g.admin)
    assert answer.ephemeral and answer.text == "This request no longer exists (its member's data may have been erased)."
    assert await desk.db.fetchval("SELECT status FROM points_redeems") == "pending"
