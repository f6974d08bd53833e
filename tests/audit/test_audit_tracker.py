"""The audit tracker through the stand-in: every kind of command, success and failure, and /command_stats."""

from __future__ import annotations

from datetime import timedelta

import discord
import pytest_asyncio
from discord import app_commands
from discord.ext import commands

from tests.hearth_harness import Hearth, bot_factory
from utils.clock import ManualClock
from utils.errors import BadInput


@pytest_asyncio.fixture(loop_scope="session")
async def audited(standin, default_guild, database_url, clean_db):
    """Hearth plus a context-menu command, a DM-capable slash command and a text command, as other cogs add."""
    clock = ManualClock()
    make = bot_factory(database_url, clock)
    bot = make()

    async def show_id(interaction: discord.Interaction, member: discord.Member) -> None:
        await interaction.response.send_message(str(member.id), ephemeral=True)

    bot.tree.add_command(app_commands.ContextMenu(name="Show id", callback=show_id))

    @bot.tree.command(name="whoami", description="Your id")
    async def whoami(interaction: discord.Interaction) -> None:
        await interaction.response.send_message(str(interaction.user.id), ephemeral=True)

    @bot.command(name="ping")
    async def ping(ctx: commands.Context) -> None:
        await ctx.send("pong")

    await standin.connect(bot)
    harness = Hearth(standin, default_guild, bot, clock, clean_db, make)
    yield harness
    await standin.disconnect(bot)


async def _rows(hearth: Hearth):
    await hearth.bot.get_cog("Audit").flush()
    return await hearth.db.fetch(
        "SELECT guild_id, user_id, command_name, command_type, success, error_message FROM audit_logs ORDER BY id"
    )


async def test_every_kind_of_command_is_recorded(audited: Hearth) -> None:
    d, g = audited.discord, audited.guild
    await d.slash("config get", user=g.admin, guild=g.guild, scope="system", key="timezone")
    with d.expect_errors(BadInput):
        await d.slash("config set", user=g.admin, guild=g.guild, scope="system", key="timezone", value="Nowhere")
    await d.slash("config set", user=g.member, guild=g.guild, check_permissions=False, scope="system",
                  key="timezone", value="UTC")
    await d.context_menu("Show id", g.member, user=g.moderator, guild=g.guild)
    await d.slash("whoami", user=g.member.user)  # a User, not a Member: in DMs
    await d.say(g.general, g.member, f"{d.bot_mention} ping")
    rows = [tuple(r) for r in await _rows(audited)]
    gid = g.guild.id
    assert rows[0] == (gid, g.admin.id, "config get", "slash", True, None)
    assert rows[1][:5] == (gid, g.admin.id, "config set", "slash", False)
    assert rows[1][5].startswith("BadInput: system.timezone: 'Nowhere' is not an IANA time zone")
    assert rows[2][:5] == (gid, g.member.id, "config set", "slash", False)
    assert rows[2][5].startswith("MissingPermissions:")
    assert rows[3] == (gid, g.moderator.id, "Show id", "context_menu", True, None)
    assert rows[4] == (0, g.member.id, "whoami", "slash", True, None)
    assert rows[5] == (gid, g.member.id, "ping", "text", True, None)
    assert len(rows) == 6


async def test_records_wait_in_the_buffer_until_flushed(audited: Hearth) -> None:
    d, g = audited.discord, audited.guild
    await d.slash("config get", user=g.admin, guild=g.guild, scope="system", key="timezone")
    cog = audited.bot.get_cog("Audit")
    assert len(cog.buffer) == 1
    assert await audited.db.fetchval("SELECT count(*) FROM audit_logs") == 0  # nothing on the command's path
    assert await cog.flush() == 1
    assert await audited.db.fetchval("SELECT count(*) FROM audit_logs") == 1


async def test_buffered_records_are_written_at_shutdown(audited: Hearth) -> None:
    d, g = audited.discord, audited.guild
    await d.slash("config get", user=g.admin, guild=g.guild, scope="system", key="timezone")
    await d.disconnect(audited.bot)
    assert await audited.db.fetchval("SELECT command_name FROM audit_logs") == "config get"


async def test_command_stats(hearth: Hearth) -> None:
    g, now = hearth.guild, hearth.clock.now()
    rows = [("config set", True, now - timedelta(hours=1)), ("config set", False, now - timedelta(hours=2)),
            ("config get", True, now - timedelta(hours=1)), ("config set", True, now - timedelta(days=3)),
            ("config get", True, now - timedelta(days=40))]
    await hearth.db.executemany(
        "INSERT INTO audit_logs (guild_id, user_id, command_name, command_type, success, error_message, created_at)"
        " VALUES ($1, 1, $2, 'slash', $3, CASE WHEN $3 THEN NULL ELSE 'BadInput: nope' END, $4)",
        [(g.guild.id, name, ok, when) for name, ok, when in rows] + [(999, "config set", True, now)],
    )
    await hearth.bot.guild_settings.set(g.guild.id, "system", "timezone", "Asia/Tokyo", changed_by=1)
    day = await hearth.discord.slash("command_stats", user=g.admin, guild=g.guild, period="24h")
    embed = day.followups[0].embeds[0] if day.followups else day.embeds[0]
    assert embed["title"] == "Command usage · last 24h"
    assert embed["description"] == "**3** uses, **1** failed (33.3% failure rate)"
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Top commands"].splitlines() == ["`/config set` — 2 use(s), 1 failed",
                                                   "`/config get` — 1 use(s), 0 failed"]
    # 12:00 UTC is 21:00 in Tokyo: hours are shown in the server's time zone.
    assert fields["Busiest hours (Asia/Tokyo)"].splitlines()[0] == "20:00–21:00 — 2 use(s)"
    one = await hearth.discord.slash("command_stats", user=g.admin, guild=g.guild, period="all",
                                     command="config set")
    embed = one.followups[0].embeds[0] if one.followups else one.embeds[0]
    assert embed["description"] == "**3** uses, **1** failed (33.3% failure rate)"
    assert {f["name"]: f["value"] for f in embed["fields"]}["Most frequent errors"] == "1× BadInput: nope"
    refused = await hearth.discord.slash("command_stats", user=g.member, guild=g.guild, check_permissions=False)
    assert refused.text == "You need the **Manage Server** permission to use this command."
