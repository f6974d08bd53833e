"""/ticket_stats figures: gathered from the repo, shown as an embed, stored as a snapshot, exported as CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

import discord

from cogs.tickets import repo
from cogs.tickets.lifecycle import LABELS, STATUSES
from core.db import Executor

PERIODS: dict[str, timedelta | None] = {"7d": timedelta(days=7), "30d": timedelta(days=30), "all": None}


@dataclass
class Stats:
    """Everything /ticket_stats shows."""

    scope: str
    since: str | None
    counts: dict[str, int]
    total: int
    average_cycle_seconds: int | None
    average_first_response_seconds: int | None
    median_resolution_seconds: int | None
    closed_per_staff: list[tuple[int, int]] = field(default_factory=list)
    auto_closed: int = 0
    closed_by_hand: int = 0
    deflections_solved: int = 0
    deflections_opened: int = 0
    deflections_pending: int = 0

    def snapshot(self) -> dict[str, Any]:
        data = asdict(self)
        data["closed_per_staff"] = [{"user_id": user, "closed": n} for user, n in self.closed_per_staff]
        return data


def _seconds(value: Any) -> int | None:
    return None if value is None else round(float(value))


async def gather(conn: Executor, guild_id: int, scope: str, now: datetime) -> Stats:
    """Compute the figures of one guild for `scope` (7d, 30d, all)."""
    delta = PERIODS[scope]
    since = now - delta if delta else None
    counts = await repo.status_counts(conn, guild_id, since)
    timing = await repo.timing(conn, guild_id, since)
    deflections = await repo.deflection_counts(conn, guild_id, since)
    return Stats(
        scope=scope, since=since.isoformat() if since else None,
        counts={status: counts.get(status, 0) for status in STATUSES}, total=sum(counts.values()),
        average_cycle_seconds=_seconds(timing["average_cycle"]),
        average_first_response_seconds=_seconds(timing["average_first_response"]),
        median_resolution_seconds=_seconds(timing["median_resolution"]),
        closed_per_staff=await repo.closed_per_staff(conn, guild_id, since),
        auto_closed=timing["auto_closed"], closed_by_hand=timing["closed_by_hand"],
        deflections_solved=deflections.get("solved", 0), deflections_opened=deflections.get("opened", 0),
        deflections_pending=deflections.get("pending", 0))


def duration(seconds: int | None) -> str:
    """3725 → "1h 2m"; None → "—"."""
    if seconds is None:
        return "—"
    if seconds < 60:
        return f"{seconds}s"
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        amount, seconds = divmod(seconds, size)
        if amount:
            parts.append(f"{amount}{unit}")
    return " ".join(parts[:2])


def embed(stats: Stats) -> discord.Embed:
    """The stats as an embed."""
    title = {"7d": "last 7 days", "30d": "last 30 days", "all": "all time"}[stats.scope]
    result = discord.Embed(title=f"Ticket stats ({title})", colour=discord.Colour.blurple(),
                           description=f"{stats.total} ticket(s) opened in this period.")
    result.add_field(name="By status", value="\n".join(f"{LABELS[s]}: {n}" for s, n in stats.counts.items()),
                     inline=True)
    result.add_field(name="Times", value=(
        f"Average cycle time: {duration(stats.average_cycle_seconds)}\n"
        f"Average first response: {duration(stats.average_first_response_seconds)}\n"
        f"Median resolution time: {duration(stats.median_resolution_seconds)}"), inline=True)
    result.add_field(name="Closing", value=f"By hand: {stats.closed_by_hand}\nAuto-closed: {stats.auto_closed}",
                     inline=True)
    staff = "\n".join(f"<@{user}>: {n}" for user, n in stats.closed_per_staff[:15]) or "—"
    result.add_field(name="Closed per staff member", value=staff[:1024], inline=False)
    result.add_field(name="FAQ deflections", value=(
        f"Solved by the FAQ: {stats.deflections_solved}\nOpened anyway: {stats.deflections_opened}\n"
        f"No answer: {stats.deflections_pending}"), inline=False)
    return result


def csv_file(stats: Stats, rows: list[Any]) -> discord.File:
    """The period's tickets, one row each (times in UTC, durations in seconds), then the totals."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["ticket_id", "status", "category", "opener_id", "created_at", "claimed_by",
                     "first_response_at", "closed_at", "closed_by", "auto_closed", "archived_at",
                     "first_response_seconds", "cycle_seconds"])

    def cell(value: str | None) -> str:
        """Admin-chosen text never starts a formula in a spreadsheet (CSV injection)."""
        text = value or ""
        return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text

    def iso(value: datetime | None) -> str:
        return value.isoformat() if value else ""

    for row in rows:
        first = (row["first_response_at"] - row["created_at"]).total_seconds() if row["first_response_at"] else ""
        cycle = (row["closed_at"] - row["created_at"]).total_seconds() if row["closed_at"] else ""
        writer.writerow([row["id"], row["status"], cell(row["category"]), row["user_id"], iso(row["created_at"]),
                         row["claimed_by"] or "", iso(row["first_response_at"]), iso(row["closed_at"]),
                         row["closed_by"] or "", "yes" if row["auto_closed"] else "no", iso(row["archived_at"]),
                         round(first) if first != "" else "", round(cycle) if cycle != "" else ""])
    data = buffer.getvalue()
    return discord.File(io.BytesIO(data.encode("utf-8")), filename=f"ticket_stats_{stats.scope}.csv")
