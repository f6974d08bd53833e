"""Ticket categories (`ticket_categories`): each with its own staff roles (only they, and the managers, see its
tickets), the Discord category its channels go to, a channel name template and a form of up to 5 questions asked
before the ticket opens. The SQL, the model and the template live here; the commands in category_commands.py."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import discord

from core.db import Executor
from utils.errors import BadInput

MAX_QUESTIONS = 5  # a modal holds 5 inputs
QUESTION_MAX = 45  # Discord's limit for a text input's label
ANSWER_MAX = 1000
NAME_MAX = 80
TEMPLATE_DEFAULT = "ticket-{number}"
_PLACEHOLDERS = {"number", "user", "category"}
_COLUMNS = "id, guild_id, name, staff_role_ids, discord_category_id, name_template, questions"


@dataclass
class TicketCategory:
    """A row of `ticket_categories`."""

    id: int
    guild_id: int
    name: str
    staff_role_ids: list[int] = field(default_factory=list)
    discord_category_id: int | None = None
    name_template: str = TEMPLATE_DEFAULT
    questions: list[str] = field(default_factory=list)

    def staff_roles(self, guild: discord.Guild) -> list[discord.Role]:
        """The category's staff roles that still exist."""
        return [role for role in map(guild.get_role, self.staff_role_ids) if role is not None]

    def channel_name(self, number: int, user: discord.abc.User) -> str:
        """The ticket channel's name from the template (Discord lowercases and dashes it anyway)."""
        text = self.name_template
        for key, value in (("number", str(number)), ("user", user.name), ("category", self.name)):
            text = text.replace("{" + key + "}", value)
        clean = re.sub(r"[^\w-]+", "-", text.lower()).strip("-")[:90]
        return clean or f"ticket-{number}"


def check_template(template: str) -> str:
    """A channel name template: 1–60 characters, only the known placeholders, and {number} in it."""
    template = template.strip()
    if not 1 <= len(template) <= 60:
        raise BadInput("A channel name template is 1 to 60 characters.", example="support-{number}")
    unknown = set(re.findall(r"\{(\w*)\}", template)) - _PLACEHOLDERS
    if unknown:
        raise BadInput(f"Unknown placeholder(s) {', '.join('{' + u + '}' for u in sorted(unknown))}: use {{number}}, "
                       "{user} or {category}.", example="billing-{number}")
    if "{number}" not in template:
        raise BadInput("The template must contain {number} so every ticket channel has its own name.",
                       example="billing-{number}")
    return template


def parse_questions(text: str | None) -> list[str]:
    """Questions separated by `|`: at most 5, each 1–45 characters (what Discord's form allows)."""
    if not text:
        return []
    questions = [part.strip() for part in text.split("|") if part.strip()]
    if len(questions) > MAX_QUESTIONS:
        raise BadInput(f"A form has at most {MAX_QUESTIONS} questions (you gave {len(questions)}).",
                       example="questions:Your order number? | What went wrong?")
    long = [q for q in questions if len(q) > QUESTION_MAX]
    if long:
        raise BadInput(f"A question is at most {QUESTION_MAX} characters (Discord's limit); “{long[0][:60]}” has "
                       f"{len(long[0])}.")
    return questions


def _category(row: Any) -> TicketCategory | None:
    return TicketCategory(**dict(row)) if row is not None else None


async def save(conn: Executor, guild_id: int, name: str, staff_role_ids: list[int], discord_category_id: int | None,
               template: str, questions: list[str], by: int, now: datetime) -> TicketCategory:
    """Create the category, or replace the settings of the one with that name."""
    row = await conn.fetchrow(
        "INSERT INTO ticket_categories (guild_id, name, staff_role_ids, discord_category_id, name_template, "
        "questions, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
        "ON CONFLICT (guild_id, lower(name)) DO UPDATE SET staff_role_ids = EXCLUDED.staff_role_ids, "
        "discord_category_id = EXCLUDED.discord_category_id, name_template = EXCLUDED.name_template, "
        "questions = EXCLUDED.questions RETURNING " + _COLUMNS,
        guild_id, name, staff_role_ids, discord_category_id, template, questions, by, now)
    return _category(row)  # type: ignore[return-value]


async def get(conn: Executor, guild_id: int, category_id: int) -> TicketCategory | None:
    """One category of this guild."""
    return _category(await conn.fetchrow(
        "SELECT " + _COLUMNS + " FROM ticket_categories WHERE guild_id = $1 AND id = $2", guild_id, category_id))


async def by_name(conn: Executor, guild_id: int, name: str) -> TicketCategory | None:
    """The category with this name (case-insensitive)."""
    return _category(await conn.fetchrow(
        "SELECT " + _COLUMNS + " FROM ticket_categories WHERE guild_id = $1 AND lower(name) = lower($2)",
        guild_id, name))


async def of_guild(conn: Executor, guild_id: int) -> list[TicketCategory]:
    """The guild's categories, in the order they were created (at most 25 fit a panel)."""
    rows = await conn.fetch("SELECT " + _COLUMNS + " FROM ticket_categories WHERE guild_id = $1 ORDER BY id",
                            guild_id)
    return [_category(row) for row in rows]  # type: ignore[misc]


async def delete(conn: Executor, guild_id: int, name: str) -> bool:
    """Remove a category (its tickets keep their topic text, their category_id becomes NULL)."""
    status = await conn.execute("DELETE FROM ticket_categories WHERE guild_id = $1 AND lower(name) = lower($2)",
                                guild_id, name)
    return status != "DELETE 0"
