"""The audit tracker: records every slash, context-menu and text command, success or failure, off the
command's path (a bounded buffer flushed in batches), and `/command_stats` for admins."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from cogs.audit import repo
from cogs.audit.api import AuditApi
from cogs.audit.buffer import AuditBuffer, AuditRecord
from cogs.audit.settings import AUDIT_RETENTION_DAYS, SETTINGS
from core.cog_base import HearthCog
from core.flush_loop import FlushLoop
from core.retention import LogTable, RetentionJob
from core.settings_registry import SYSTEM_TIMEZONE
from utils.errors import BadInput, describe_error

log = logging.getLogger(__name__)

FLUSH_INTERVAL = 2.0  # seconds between writes
MAX_BACKOFF = 60.0  # seconds between attempts while the database is down
BATCH_SIZE = 500
COMMAND_NAME_MAX = 100  # "group subgroup command": three names of at most 32 characters
PERIODS = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30), "all": None}
AUDIT_LOGS = LogTable("audit_logs", "created_at", per_guild=True)


def command_type(command: Any) -> str:
    """slash / context_menu / text, as stored in audit_logs.command_type."""
    if isinstance(command, commands.Command):
        return "text"
    if isinstance(command, app_commands.ContextMenu):
        return "context_menu"
    return "slash"


def error_text(error: BaseException) -> str:
    """What went wrong, short: the exception type and its message."""
    original = getattr(error, "original", error)
    return f"{type(original).__name__}: {original}"[:500]


class AuditCog(HearthCog, name="Audit"):
    """Buffers command records and writes them every few seconds and at shutdown."""

    pool_size = 2
    settings = SETTINGS
    api: AuditApi

    def __init__(self, bot: Any) -> None:
        super().__init__(bot)
        self.buffer = AuditBuffer()
        self._lock = asyncio.Lock()
        self.flusher = FlushLoop(
            "Audit", self.flush, bot.clock, interval=FLUSH_INTERVAL, max_backoff=MAX_BACKOFF,
            backlog=lambda: f"{len(self.buffer)} command record(s)",
            dropped=lambda: f"{self.buffer.dropped} dropped while the buffer was full")
        self.retention = RetentionJob(self, AUDIT_LOGS, kind="audit_logs_retention", setting=AUDIT_RETENTION_DAYS)

    async def load(self) -> None:
        self.api = AuditApi(self.pool, self.record, self.flush)
        self.bot.apis.publish(AuditApi, self.api)  # the health endpoint counts recent commands through it
        self.flusher.start()
        await self.retention.start()

    async def unload(self) -> None:
        self.bot.apis.withdraw(AuditApi, self.api)
        self.retention.stop()
        await self.flusher.stop(timeout=5)

    # --- recording -------------------------------------------------------------------------------------

    def record(self, *, guild_id: int | None, user_id: int, name: str, kind: str, success: bool,
               error: str | None = None) -> None:
        """Queue one record (never blocks, never touches the database)."""
        self.buffer.add(AuditRecord(guild_id or 0, user_id, name, kind, success, error, self.bot.clock.now()))

    @commands.Cog.listener()
    async def on_app_command_completion(self, interaction: discord.Interaction, command: Any) -> None:
        self.record(guild_id=interaction.guild_id, user_id=interaction.user.id, name=command.qualified_name,
                    kind=command_type(command), success=True)

    @commands.Cog.listener()
    async def on_app_command_failure(self, interaction: discord.Interaction, command: Any,
                                     error: BaseException, _reply: str) -> None:
        name = command.qualified_name if command else (interaction.data or {}).get("name", "unknown")
        self.record(guild_id=interaction.guild_id, user_id=interaction.user.id, name=name,
                    kind=command_type(command), success=False, error=error_text(error))

    @commands.Cog.listener()
    async def on_command_completion(self, ctx: commands.Context) -> None:
        self.record(guild_id=ctx.guild.id if ctx.guild else 0, user_id=ctx.author.id,
                    name=ctx.command.qualified_name, kind="text", success=True)

    @commands.Cog.listener()
    async def on_command_error(self, ctx: commands.Context, error: commands.CommandError) -> None:
        if isinstance(error, commands.CommandNotFound) or ctx.command is None:
            return  # a mention that is not a command is not a command use
        self.record(guild_id=ctx.guild.id if ctx.guild else 0, user_id=ctx.author.id,
                    name=ctx.command.qualified_name, kind="text", success=False, error=error_text(error))
        await ctx.reply(describe_error(error).text, mention_author=False)

    # --- GDPR (the tables: cogs/audit/gdpr.py) -----------------------------------------------------------

    async def flush_for_gdpr(self) -> None:
        """Write what is buffered, so an export holds it and an erasure deletes it."""
        await self.flush()

    async def forget_erased_user(self, user_id: int) -> None:
        """Drop the user's records still buffered, so no flush writes them after the erasure."""
        async with self._lock:
            self.buffer.forget_user(user_id)

    # --- writing ---------------------------------------------------------------------------------------

    async def flush(self) -> int:
        """Write everything buffered now; returns the number of rows written. Failed rows stay buffered."""
        written = 0
        async with self._lock:
            while len(self.buffer):
                batch = self.buffer.take(BATCH_SIZE)
                try:
                    await repo.insert_batch(self.pool, batch)
                except BaseException:
                    self.buffer.put_back(batch)
                    raise
                written += len(batch)
        return written

    # --- /command_stats --------------------------------------------------------------------------------

    @app_commands.command(name="command_stats", description="Command usage on this server (admins)")
    @app_commands.describe(period="How far back to look", command="Only this command (e.g. config set)")
    @app_commands.choices(period=[app_commands.Choice(name=p, value=p) for p in PERIODS])
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def command_stats(self, interaction: discord.Interaction, period: str = "7d",
                            command: str | None = None) -> None:
        if command is not None:
            command = " ".join(command.removeprefix("/").split())
            if len(command) > COMMAND_NAME_MAX:  # it goes into the embed title (256 characters at most)
                raise BadInput(f"That is not a command name: names are at most {COMMAND_NAME_MAX} characters. "
                               "Pick one from the list, or leave `command` empty for all.",
                               example="/command_stats command:config set")
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.flush()  # include what is still buffered
        guild_id = interaction.guild_id
        since = self.bot.clock.now() - PERIODS[period] if PERIODS[period] else None
        timezone = await self.bot.guild_settings.setting(guild_id, SYSTEM_TIMEZONE)
        total = await repo.overall(self.pool, guild_id, since, command)
        embed = discord.Embed(title=f"Command usage · {'all time' if since is None else 'last ' + period}"
                                    + (f" · /{command}" if command else ""), colour=discord.Colour.blurple())
        if total["uses"] == 0:
            embed.description = "No commands were used in this period."
            await interaction.followup.send(embed=embed, ephemeral=True)
            return
        rate = 100 * total["failures"] / total["uses"]
        embed.description = f"**{total['uses']}** uses, **{total['failures']}** failed ({rate:.1f}% failure rate)"
        tops = await repo.command_totals(self.pool, guild_id, since, command)
        embed.add_field(name="Top commands", inline=False, value="\n".join(
            f"`/{r['command_name']}` — {r['uses']} use(s), {r['failures']} failed" for r in tops))
        hours = await repo.busiest_hours(self.pool, guild_id, since, command, timezone)
        embed.add_field(name=f"Busiest hours ({timezone})", inline=False, value="\n".join(
            f"{r['hour']:02d}:00–{(r['hour'] + 1) % 24:02d}:00 — {r['uses']} use(s)" for r in hours))
        if command:
            errors = await repo.frequent_errors(self.pool, guild_id, since, command)
            if errors:
                embed.add_field(name="Most frequent errors", inline=False, value="\n".join(
                    f"{r['times']}× {r['error_message']}"[:200] for r in errors)[:1024])
        await interaction.followup.send(embed=embed, ephemeral=True)

    @command_stats.autocomplete("command")
    async def _command_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice]:
        names = await repo.command_names(self.pool, interaction.guild_id, current)
        return [app_commands.Choice(name=n, value=n) for n in names]
