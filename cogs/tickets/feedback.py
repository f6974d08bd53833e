"""Feedback after a ticket closes (`ticket_feedback`): the opener rates it 1–5 stars with an optional comment, once;
the rating keeps the ticket's category and the staff member who handled it (claimed it, else closed it), so
/ticket_stats averages per category and per staff member. And the kept transcripts (`ticket_transcripts`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import discord

from core.db import Executor

COMMENT_MAX = 1000


def stars_text(stars: int) -> str:
    """★★★☆☆"""
    return "★" * stars + "☆" * (5 - stars)


async def has_feedback(conn: Executor, guild_id: int, ticket_id: int) -> bool:
    """Whether the ticket was rated already (feedback is asked once)."""
    return bool(await conn.fetchval("SELECT 1 FROM ticket_feedback WHERE guild_id = $1 AND ticket_id = $2",
                                    guild_id, ticket_id))


async def add(conn: Executor, guild_id: int, ticket_id: int, user_id: int, stars: int, comment: str | None,
              category_id: int | None, staff_id: int | None, now: datetime) -> bool:
    """Store the rating; False when the ticket was rated already."""
    status = await conn.execute(
        "INSERT INTO ticket_feedback (ticket_id, guild_id, user_id, stars, comment, category_id, staff_id, "
        "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (ticket_id) DO NOTHING",
        ticket_id, guild_id, user_id, stars, comment, category_id, staff_id, now)
    return status != "INSERT 0 0"


# The period's ratings of a guild ($1), since $2 (NULL: all time); the statements are built once, no value in them.
_PERIOD = "WHERE f.guild_id = $1 AND ($2::timestamptz IS NULL OR f.created_at >= $2)"
_OVERALL = "SELECT count(*) AS n, avg(stars)::float AS avg FROM ticket_feedback f " + _PERIOD
_PER_CATEGORY = (
    "SELECT coalesce(c.name, t.category, 'No category') AS name, count(*) AS n, avg(f.stars)::float AS avg "
    "FROM ticket_feedback f JOIN support_tickets t ON t.id = f.ticket_id "
    "LEFT JOIN ticket_categories c ON c.id = f.category_id " + _PERIOD + " GROUP BY 1 ORDER BY 2 DESC LIMIT 10")
_PER_STAFF = ("SELECT staff_id, count(*) AS n, avg(stars)::float AS avg FROM ticket_feedback f " + _PERIOD
              + " AND staff_id IS NOT NULL GROUP BY staff_id ORDER BY 2 DESC LIMIT 10")


async def averages(conn: Executor, guild_id: int, since: datetime | None) -> tuple[Any, list[Any], list[Any]]:
    """(overall count and average, per category name, per staff member) of the period's ratings."""
    overall = await conn.fetchrow(_OVERALL, guild_id, since)
    per_category = await conn.fetch(_PER_CATEGORY, guild_id, since)
    per_staff = await conn.fetch(_PER_STAFF, guild_id, since)
    return overall, per_category, per_staff


def embed(overall: Any, per_category: list[Any], per_staff: list[Any]) -> discord.Embed:
    """The feedback part of /ticket_stats."""
    result = discord.Embed(title="Feedback", colour=discord.Colour.gold())
    if not overall["n"]:
        result.description = "No ratings in this period."
        return result
    result.description = f"**{overall['avg']:.2f}** / 5 from {overall['n']} rating(s)"
    result.add_field(name="Per category", value="\n".join(
        f"{discord.utils.escape_markdown(r['name'])}: {r['avg']:.2f} ({r['n']})" for r in per_category) or "–")
    result.add_field(name="Per staff member", value="\n".join(
        f"<@{r['staff_id']}>: {r['avg']:.2f} ({r['n']})" for r in per_staff) or "–")
    return result


async def keep_transcript(conn: Executor, guild_id: int, ticket_id: int, page: str, now: datetime) -> None:
    """Keep the HTML transcript (a later close of the same ticket replaces it)."""
    await conn.execute(
        "INSERT INTO ticket_transcripts (ticket_id, guild_id, html, created_at) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (ticket_id) DO UPDATE SET html = EXCLUDED.html, created_at = EXCLUDED.created_at",
        ticket_id, guild_id, page, now)


async def transcript(conn: Executor, guild_id: int, ticket_id: int) -> str | None:
    """The kept HTML transcript of a ticket."""
    return await conn.fetchval("SELECT html FROM ticket_transcripts WHERE guild_id = $1 AND ticket_id = $2",
                               guild_id, ticket_id)
