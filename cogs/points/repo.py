"""Every SQL statement of the points feature (functions taking a `core.db.Executor`, `$n` parameters).

**The ledger invariant lives in `post`, and only there**: a member's balance is the sum of their ledger rows. `post`
writes the ledger rows and adds exactly what it wrote to the balances, in one statement (so in one transaction),
for one entry or for a flush of thousands. No other statement changes `points_balances.balance`:

- a ledger row is unique per account and reference (a spend's interaction id, `challenge:12`, `refund:7` …): an
  entry whose reference is already in the account is not written and does not count (idempotent); only activity
  (`activity:<day>`) adds to the day's existing row instead;
- a balance that would go below zero violates the table's CHECK: the statement (and the caller's transaction)
  fails as `NotEnoughPoints`, so two purchases at once can never overspend (the second waits on the row lock of
  the first and then sees its result).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from core.db import Executor
from utils.options import ROW_ID_MAX

NOT_NEGATIVE = "points_balances_not_negative"
ACTIVITY = "activity"


class NotEnoughPoints(Exception):
    """A debit would have taken a balance below zero: nothing of the statement was written."""


@dataclass(frozen=True)
class Entry:
    """One change of one member's balance, as its ledger row says it."""

    guild_id: int
    user_id: int
    amount: int  # positive: earned or received; negative: spent or taken
    kind: str  # activity, level, challenge, staff, give, buy, refund, erasure
    reference: str  # unique per account: what the change is for (an interaction id, `challenge:12` …)
    reason: str = ""
    actor_id: int | None = None  # who made the change (staff, the giver), None for the bot itself


@dataclass(frozen=True)
class Posted:
    """What `post` wrote: the (guild, user, reference) of each entry applied, and the balances afterwards."""

    applied: frozenset[tuple[int, int, str]]
    balances: dict[tuple[int, int], int]

    def done(self, entry: Entry) -> bool:
        """Whether `entry` was applied (False: its reference was already in the account)."""
        return (entry.guild_id, entry.user_id, entry.reference) in self.applied


_POST = """
    WITH input AS (
        SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[],
                             $7::bigint[]) AS t(guild_id, user_id, amount, kind, reference, reason, actor_id)
    ), written AS (
        INSERT INTO points_ledger AS l (guild_id, user_id, amount, kind, reference, reason, actor_id, created_at)
        SELECT guild_id, user_id, amount, kind, reference, reason, actor_id, $8 FROM input
        ON CONFLICT (guild_id, user_id, reference) DO UPDATE SET amount = l.amount + EXCLUDED.amount
            WHERE l.kind = 'activity' AND EXCLUDED.kind = 'activity'
        RETURNING l.guild_id, l.user_id, l.reference
    ), applied AS (
        SELECT i.guild_id, i.user_id, sum(i.amount)::bigint AS amount
        FROM input i JOIN written w USING (guild_id, user_id, reference)
        GROUP BY i.guild_id, i.user_id
    ), locked AS (
        -- Existing accounts, locked in one order (guild, user) by every writer: no deadlock between a flush and
        -- gifts or purchases touching the same accounts.
        SELECT b.guild_id, b.user_id FROM points_balances b JOIN applied a USING (guild_id, user_id)
        ORDER BY b.guild_id, b.user_id FOR UPDATE OF b
    ), updated AS (
        UPDATE points_balances b SET balance = b.balance + a.amount, updated_at = $8
        FROM applied a JOIN locked k USING (guild_id, user_id)
        WHERE b.guild_id = a.guild_id AND b.user_id = a.user_id
        RETURNING b.guild_id, b.user_id, b.balance
    ), created AS (
        -- New accounts (a concurrent writer may have created one meanwhile: then it is added to).
        INSERT INTO points_balances AS b (guild_id, user_id, balance, updated_at)
        SELECT a.guild_id, a.user_id, a.amount, $8 FROM applied a
        WHERE NOT EXISTS (SELECT 1 FROM locked k WHERE k.guild_id = a.guild_id AND k.user_id = a.user_id)
        ORDER BY a.guild_id, a.user_id
        ON CONFLICT (guild_id, user_id) DO UPDATE
            SET balance = b.balance + EXCLUDED.balance, updated_at = EXCLUDED.updated_at
        RETURNING b.guild_id, b.user_id, b.balance
    )
    SELECT guild_id, user_id, reference, NULL::bigint AS balance FROM written
    UNION ALL SELECT guild_id, user_id, NULL, balance FROM updated
    UNION ALL SELECT guild_id, user_id, NULL, balance FROM created
"""

async def post(conn: Executor, entries: Sequence[Entry], now: datetime) -> Posted:
    """Write `entries` to the ledger and their sum to the balances, in one statement (see the module).

    Raises `NotEnoughPoints` when a balance would go negative; the caller's transaction is then aborted (roll it
    back). Entries must be distinct per (guild, user, reference)."""
    if not entries:
        return Posted(frozenset(), {})
    columns = list(zip(*((e.guild_id, e.user_id, e.amount, e.kind, e.reference, e.reason, e.actor_id)
                         for e in entries), strict=True))
    try:
        rows = await conn.fetch(_POST, *columns, now)
    except asyncpg.CheckViolationError as exc:
        if exc.constraint_name == NOT_NEGATIVE:
            raise NotEnoughPoints from exc
        raise
    applied = frozenset((r["guild_id"], r["user_id"], r["reference"]) for r in rows if r["reference"] is not None)
    balances = {(r["guild_id"], r["user_id"]): r["balance"] for r in rows if r["reference"] is None}
    return Posted(applied, balances)


async def balance(ex: Executor, guild_id: int, user_id: int, *, lock: bool = False) -> int:
    """The member's balance (0 without a row); `lock` holds the row until the caller's transaction ends, so the
    member's spends and gifts run one at a time (their daily cap and balance checks see each other)."""
    sql = "SELECT balance FROM points_balances WHERE guild_id = $1 AND user_id = $2"
    return await ex.fetchval(sql + (" FOR UPDATE" if lock else ""), guild_id, user_id) or 0


async def lock_accounts(conn: Executor, guild_id: int, user_ids: Sequence[int]) -> dict[int, int]:
    """Lock the members' balance rows in the one order every writer uses (see `_POST`), for the caller's
    transaction: the balances of those who have one."""
    rows = await conn.fetch("SELECT user_id, balance FROM points_balances WHERE guild_id = $1 AND user_id = ANY($2) "
                            "ORDER BY guild_id, user_id FOR UPDATE", guild_id, sorted(set(user_ids)))
    return {r["user_id"]: r["balance"] for r in rows}


async def has_reference(ex: Executor, guild_id: int, user_id: int, reference: str) -> bool:
    """Whether the account already has a ledger row for `reference` (an interaction already spent)."""
    return bool(await ex.fetchval(
        "SELECT EXISTS (SELECT 1 FROM points_ledger WHERE guild_id = $1 AND user_id = $2 AND reference = $3)",
        guild_id, user_id, reference))


async def given_since(ex: Executor, guild_id: int, user_id: int, since: datetime) -> int:
    """Points the member gave to others with /give since `since`."""
    return await ex.fetchval(
        "SELECT coalesce(-sum(amount), 0) FROM points_ledger WHERE guild_id = $1 AND user_id = $2 AND kind = 'give' "
        "AND amount < 0 AND created_at >= $3", guild_id, user_id, since)


async def history(ex: Executor, guild_id: int, user_id: int, limit: int, offset: int) -> tuple[list[Any], int]:
    """One page of the member's ledger, newest first, and how many rows it has in all."""
    rows = await ex.fetch(
        "SELECT id, amount, kind, reason, actor_id, reference, created_at FROM points_ledger "
        "WHERE guild_id = $1 AND user_id = $2 ORDER BY id DESC LIMIT $3 OFFSET $4", guild_id, user_id, limit, offset)
    total = await ex.fetchval("SELECT count(*) FROM points_ledger WHERE guild_id = $1 AND user_id = $2",
                              guild_id, user_id)
    return rows, total


# --- the shop ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShopItem:
    """One item of a guild's shop."""

    id: int
    guild_id: int
    name: str
    description: str
    kind: str  # role, temp_role, custom
    price: int
    role_id: int | None
    duration_seconds: int | None
    role_set_by: int | None  # the admin the role-safety check runs against when the role is given

    @classmethod
    def of(cls, row: Any) -> ShopItem:
        return cls(row["id"], row["guild_id"], row["name"], row["description"], row["kind"], row["price"],
                   row["role_id"], row["duration_seconds"], row["role_set_by"])


_ITEM = "id, guild_id, name, description, kind, price, role_id, duration_seconds, role_set_by"


async def add_item(ex: Executor, guild_id: int, name: str, description: str, kind: str, price: int,
                   role_id: int | None, duration: int | None, by: int, now: datetime) -> ShopItem | None:
    """A new item; None when the guild's shop already has an item of that name (any case)."""
    row = await ex.fetchrow(
        "INSERT INTO points_shop_items (guild_id, name, description, kind, price, role_id, duration_seconds, "
        "role_set_by, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
        "ON CONFLICT (guild_id, lower(name)) WHERE removed_at IS NULL DO NOTHING RETURNING " + _ITEM,
        guild_id, name, description, kind, price, role_id, duration, by if role_id else None, by, now)
    return ShopItem.of(row) if row else None


async def item_count(ex: Executor, guild_id: int) -> int:
    """How many items the guild's shop offers."""
    return await ex.fetchval("SELECT count(*) FROM points_shop_items WHERE guild_id = $1 AND removed_at IS NULL",
                             guild_id)


async def item_named(ex: Executor, guild_id: int, name: str) -> ShopItem | None:
    """The shop's item called `name` (any case), or None."""
    row = await ex.fetchrow("SELECT " + _ITEM + " FROM points_shop_items WHERE guild_id = $1 AND lower(name) = "
                            "lower($2) AND removed_at IS NULL", guild_id, name)
    return ShopItem.of(row) if row else None


async def item_names(ex: Executor, guild_id: int, typed: str, limit: int = 25) -> list[tuple[str, int]]:
    """(name, price) of the shop's items whose name contains `typed`, for autocomplete."""
    rows = await ex.fetch(
        "SELECT name, price FROM points_shop_items WHERE guild_id = $1 AND removed_at IS NULL "
        "AND strpos(lower(name), lower($2)) > 0 ORDER BY price, lower(name) LIMIT $3", guild_id, typed, limit)
    return [(r["name"], r["price"]) for r in rows]


async def items_page(ex: Executor, guild_id: int, limit: int, offset: int) -> tuple[list[ShopItem], int]:
    """One page of the shop (cheapest first) and how many items it has."""
    rows = await ex.fetch("SELECT " + _ITEM + " FROM points_shop_items WHERE guild_id = $1 AND removed_at IS NULL "
                          "ORDER BY price, lower(name) LIMIT $2 OFFSET $3", guild_id, limit, offset)
    return [ShopItem.of(r) for r in rows], await item_count(ex, guild_id)


async def edit_item(ex: Executor, guild_id: int, item_id: int, *, name: str, description: str, price: int,
                    role_id: int | None, duration: int | None, role_set_by: int | None) -> ShopItem | None:
    """Replace an item's fields; None when another item already has the new name."""
    try:
        row = await ex.fetchrow(
            "UPDATE points_shop_items SET name = $3, description = $4, price = $5, role_id = $6, "
            "duration_seconds = $7, role_set_by = $8 WHERE guild_id = $1 AND id = $2 AND removed_at IS NULL "
            "RETURNING " + _ITEM, guild_id, item_id, name, description, price, role_id, duration, role_set_by)
    except asyncpg.UniqueViolationError:
        return None
    return ShopItem.of(row) if row else None


async def remove_item(ex: Executor, guild_id: int, item_id: int, now: datetime) -> bool:
    """Take an item out of the shop (its row stays for the requests that name it)."""
    status = await ex.execute("UPDATE points_shop_items SET removed_at = $3 WHERE guild_id = $1 AND id = $2 "
                              "AND removed_at IS NULL", guild_id, item_id, now)
    return status.endswith(" 1")


# --- the redeem queue -------------------------------------------------------------------------------------------


async def add_redeem(ex: Executor, item: ShopItem, user_id: int, note: str, now: datetime) -> int:
    """A custom reward bought: waiting for staff. Returns its number."""
    return await ex.fetchval(
        "INSERT INTO points_redeems (guild_id, item_id, user_id, item_name, price, note, created_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        item.guild_id, item.id, user_id, item.name, item.price, note, now)


async def decide_redeem(ex: Executor, guild_id: int, redeem_id: int, status: str, by: int,
                        now: datetime) -> Any | None:
    """Approve or refuse a pending request, once: the request, or None when it is not pending (any more)."""
    if not 0 < redeem_id <= ROW_ID_MAX:  # a crafted button id: no such row
        return None
    return await ex.fetchrow(
        "UPDATE points_redeems SET status = $3, decided_by = $4, decided_at = $5 "
        "WHERE guild_id = $1 AND id = $2 AND status = 'pending' "
        "RETURNING id, user_id, item_name, price, note, status, decided_by, created_at",
        guild_id, redeem_id, status, by, now)


async def redeem(ex: Executor, guild_id: int, redeem_id: int) -> Any | None:
    """One request of the guild, or None."""
    if not 0 < redeem_id <= ROW_ID_MAX:
        return None
    return await ex.fetchrow("SELECT id, user_id, item_name, price, note, status, decided_by, created_at "
                             "FROM points_redeems WHERE guild_id = $1 AND id = $2", guild_id, redeem_id)


# --- GDPR (one member across guilds) ------------------------------------------------------------------------------


async def database_now(ex: Executor) -> datetime:
    """The database's time (the GDPR module runs without the bot's clock)."""
    return await ex.fetchval("SELECT now()")


async def open_balances(ex: Executor, user_id: int) -> list[tuple[int, int]]:
    """(guild, balance) of every account of the member that holds points, locked for the erasure."""
    rows = await ex.fetch("SELECT guild_id, balance FROM points_balances WHERE user_id = $1 AND balance > 0 "
                          "ORDER BY guild_id FOR UPDATE", user_id)
    return [(r["guild_id"], r["balance"]) for r in rows]
