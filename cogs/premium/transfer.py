"""Moving a user's premium to another server they share with the bot: checks, then one transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

import asyncpg
import discord
from discord import app_commands

from cogs.premium import repo
from cogs.premium.api import announce_change, premium_of
from cogs.premium.expiry_jobs import EXPIRY_KIND, WARNING_KIND
from core.db import TransactionPool
from utils.errors import BadInput, UserFacingError

if TYPE_CHECKING:
    from core.hearth_bot import HearthBot

CHOICES_LIMIT = 25


def mutual_guild_choices(bot: HearthBot, user_id: int, current: str,
                         exclude: int | None) -> list[app_commands.Choice[str]]:
    """Servers the user shares with the bot whose name contains `current`, as autocomplete choices (id values)."""
    lowered = current.lower()
    guilds = [g for g in bot.guilds if g.id != exclude and g.get_member(user_id) is not None
              and (lowered in g.name.lower() or current == str(g.id))]
    return [app_commands.Choice(name=g.name[:100], value=str(g.id))
            for g in sorted(guilds, key=lambda g: g.name.lower())][:CHOICES_LIMIT]


async def resolve_target(bot: HearthBot, user_id: int, raw: str) -> discord.Guild:
    """The server picked (autocomplete gives its id), checked: the bot is in it and so is the user."""
    text = raw.strip()
    if not text.isdigit():
        matches = [g for g in bot.guilds if g.name.lower() == text.lower() and g.get_member(user_id) is not None]
        if len(matches) != 1:
            raise BadInput("Pick the server from the list (or paste its id).", example="/premium transfer server:…")
        return matches[0]
    guild = bot.get_guild(int(text))
    if guild is None:
        raise BadInput("I'm not in that server, so premium can't apply there. Pick one from the list.")
    if guild.get_member(user_id) is None:
        try:
            await guild.fetch_member(user_id)
        except discord.NotFound:
            raise BadInput(f"You're not a member of **{guild.name}**: premium can only move to a server "
                           "you're in.") from None
    return guild


async def move(bot: HearthBot, pool: TransactionPool, row: asyncpg.Record, target: discord.Guild) -> asyncpg.Record:
    """Move the row to `target` and its timer jobs with it, in one transaction; the old server loses it at once."""
    async with pool.acquire() as conn, conn.transaction():
        await repo.lock_user(conn, row["user_id"])
        moved = await repo.move_to_guild(conn, row["id"], row["user_id"], row["guild_id"], target.id)
        if moved is None:
            raise UserFacingError("Your premium changed in the meantime (it ended or was moved already); "
                                  "see `/premium status`.")
        for job in await bot.timers.jobs_keyed([WARNING_KIND, EXPIRY_KIND], str(row["id"]), conn=conn):
            await bot.timers.schedule(target.id, job["kind"], job["key"], job["due_at"], job["payload"], conn=conn)
        await announce_change(conn, [row["user_id"]])  # other processes drop their cached answers on commit
    bot.timers.rearm()  # the moved jobs are visible to the dispatcher only after the commit
    premium_of(bot).invalidate()
    return moved
