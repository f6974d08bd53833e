"""GDPR: a member's balances, ledger rows and shop requests are exported (what is still buffered too); on erasure
their balances and requests go, and their ledger rows stay for the guild's accounts, anonymised and closed to zero."""

from __future__ import annotations

from cogs.points.gdpr import TABLES
from core.gdpr import erase_everything, export_everything
from tests.kit.points import PointsDesk


async def _history(desk: PointsDesk) -> None:
    """The member: 100 granted, a request bought (30, approved by the admin), 20 given to the moderator, and a
    message whose point is still buffered."""
    d, g = desk.d, desk.g
    await desk.sell("Custom emoji", 30)
    await desk.grant(g.member, 100)
    await desk.buy(g.member, "Custom emoji")
    await d.click(desk.requests_in_log()[0], "Approve", user=g.admin)
    await d.slash("give", user=g.member, guild=desk.server, options={"member": g.moderator}, amount=20)
    await d.say(g.general, g.member, "still buffered when the request comes")


async def test_export_holds_every_points_row_of_the_member(desk: PointsDesk) -> None:
    g = desk.g
    await _history(desk)
    data, missing = await export_everything(desk.hearth.bot, desk.db, g.member.id)
    assert missing == []
    mine = data["points"]
    assert set(mine) == set(TABLES)
    assert [row["balance"] for row in mine["points_balances"]] == [51]
    own = [row for row in mine["points_ledger"] if "kind" in row]
    assert sorted(row["kind"] for row in own) == ["activity", "buy", "give", "staff"]
    # The moderator's row of the gift is theirs: only its id and the member's part in it.
    gift = await desk.db.fetchval("SELECT id FROM points_ledger WHERE user_id = $1", g.moderator.id)
    assert [row for row in mine["points_ledger"] if "kind" not in row] == [{"id": gift, "role": "actor_id"}]
    assert [row["status"] for row in mine["points_redeems"]] == ["approved"]
    staff = (await export_everything(desk.hearth.bot, desk.db, g.admin.id))[0]["points"]
    assert staff["points_redeems"] == [{"id": mine["points_redeems"][0]["id"], "role": "decided_by"}]


async def test_erasure_keeps_the_guilds_accounts_anonymised(desk: PointsDesk) -> None:
    g = desk.g
    await _history(desk)
    erasure = await erase_everything(desk.hearth.bot, desk.db, g.member.id)
    assert erasure.committed and erasure.not_erased == []
    assert erasure.report.deleted["points_balances"] == 1 and erasure.report.deleted["points_redeems"] == 1
    for table, columns in TABLES.items():
        for column in columns:
            assert await desk.db.fetchval(f"SELECT count(*) FROM {table} WHERE {column} = $1", g.member.id) == 0
    kept = await desk.db.fetch("SELECT amount, kind FROM points_ledger WHERE user_id IS NULL ORDER BY id")
    assert [(r["amount"], r["kind"]) for r in kept] == [(100, "staff"), (-30, "buy"), (-20, "give"), (1, "activity"),
                                                       (-51, "erasure")]
    # The moderator's gift stays theirs, its giver forgotten; the guild's ledger still sums to what members hold.
    assert await desk.db.fetchval("SELECT actor_id FROM points_ledger WHERE user_id = $1", g.moderator.id) is None
    assert await desk.balance(g.moderator) == 20
    assert await desk.broken_accounts() == []
    await desk.cog.flush()  # nothing buffered comes back
    assert await desk.db.fetchval("SELECT count(*) FROM points_balances WHERE user_id = $1", g.member.id) == 0


async def test_an_erased_admins_role_items_wait_for_a_new_setter(desk: PointsDesk) -> None:
    d, g = desk.d, desk.g
    manager = desk.server.add_member("meg", permissions=["manage_guild", "manage_roles"])
    await d.settle()
    await desk.sell("VIP", 10, "role", role=desk.vip, by=manager)
    await desk.grant(g.member, 50)
    await erase_everything(desk.hearth.bot, desk.db, manager.id)
    refused = await desk.buy(g.member, "VIP")
    assert refused.text.startswith("I can't give you the **VIP** role right now: it was set up by someone who may")
    assert await desk.balance(g.member) == 50
    assert await desk.db.fetchval("SELECT role_set_by FROM points_shop_items") is None
