"""What the points feature shows: amounts, ledger lines, shop items and the staff's view of a request (pure helpers:
no SQL, no Discord calls)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import discord

from cogs.points.repo import ShopItem
from utils.durations import format_duration

COLOUR = discord.Colour.gold()
KIND_WORDS = {
    "activity": "Activity",
    "level": "Level reached",
    "challenge": "Challenge won",
    "staff": "Staff",
    "give": "Gift",
    "buy": "Shop",
    "refund": "Refund",
    "erasure": "Account closed",
}
ITEM_KINDS = {"role": "role", "temp_role": "temporary role", "custom": "custom reward"}
STATUS_WORDS = {"pending": "⏳ Waiting for staff", "approved": "✅ Approved", "refused": "↩️ Refused and refunded"}


def points(amount: int) -> str:
    """`1,234 points` (one point)."""
    return f"{amount:,} point" + ("" if abs(amount) == 1 else "s")


def signed(amount: int) -> str:
    """`+50` / `−20` for a ledger line."""
    return f"+{amount:,}" if amount > 0 else f"−{-amount:,}"


def ts(moment: datetime, style: str = "f") -> str:
    """A Discord timestamp shown in each reader's own time zone."""
    return f"<t:{int(moment.timestamp())}:{style}>"


def clean(text: str) -> str:
    """Admin- or member-typed text, shown as typed (no markdown)."""
    return discord.utils.escape_markdown(text)


def ledger_line(row: Any) -> str:
    """One ledger row: amount, what it was, why, when."""
    what = KIND_WORDS.get(row["kind"], row["kind"])
    if row["kind"] == "activity":
        what += f" ({row['reference'].removeprefix('activity:')})"
    reason = f" — {clean(row['reason'])[:80]}" if row["reason"] else ""
    by = f" by <@{row['actor_id']}>" if row["actor_id"] and row["kind"] in ("staff", "give") else ""
    return f"`{signed(row['amount']):>8}` {what}{reason}{by} · {ts(row['created_at'], 'R')}"


def item_what(item: ShopItem) -> str:
    """What an item gives, in words: `the @VIP role`, `the @VIP role for 7d`, `a custom reward`."""
    if item.kind == "custom":
        return "a custom reward (staff hand it out)"
    role = f"the <@&{item.role_id}> role"
    if item.kind == "temp_role" and item.duration_seconds:
        return f"{role} for {format_duration(item.duration_seconds)}"
    return role


def item_line(item: ShopItem) -> str:
    """One item of the shop listing."""
    description = f"\n  {clean(item.description)[:150]}" if item.description else ""
    return f"**{clean(item.name)}** — {points(item.price)} · {item_what(item)}{description}"


def redeem_embed(redeem: Any, status: str, decided_by: int | None = None) -> discord.Embed:
    """The staff's view of a custom reward request (posted with the Approve / Refuse buttons)."""
    embed = discord.Embed(title=f"🎁 Shop request #{redeem['id']}: {redeem['item_name']}"[:256], colour=COLOUR)
    embed.add_field(name="Member", value=f"<@{redeem['user_id']}>")
    embed.add_field(name="Paid", value=points(redeem["price"]))
    if redeem["note"]:
        embed.add_field(name="Note", value=clean(redeem["note"])[:1024], inline=False)
    outcome = STATUS_WORDS.get(status, status)
    embed.add_field(name="Status", value=outcome + (f" by <@{decided_by}>" if decided_by else ""), inline=False)
    return embed
