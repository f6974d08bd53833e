"""`/config api_key create|list|revoke`: API keys of the server, for members with Manage Server.

A new key is shown once, only to the admin who created it (ephemeral); the bot keeps its SHA-256 and the first
characters (`hk_xxxxxxxx`) to recognise it. Creating and revoking a key is also noted in the server's log channel.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from cogs.api import repo
from core.api_keys import PREFIX_LENGTH, SCOPES, new_key
from core.cog_base import HearthCog
from core.guild_kit import post_to_log
from utils.config_group import AdminConfigGroup
from utils.errors import BadInput

log = logging.getLogger(__name__)

MAX_KEYS = 25  # active keys per server
SCOPE_CHOICES = [app_commands.Choice(name="read: read this server's data", value="read"),
                 app_commands.Choice(name="write: read and change it", value="write")]


class ApiKeyCommands(AdminConfigGroup, name="api_key", description="Keys for the bot's HTTP API (admins)"):
    """The `/config api_key` subgroup; `self.cog` is the api cog (only its pool and bot are used)."""

    cog: HearthCog

    @app_commands.command(name="create", description="Create an API key for this server (shown once)")
    @app_commands.describe(name="What the key is for, e.g. dashboard", scope="What it may do (default: read)")
    @app_commands.choices(scope=SCOPE_CHOICES)
    async def create(self, interaction: discord.Interaction, name: app_commands.Range[str, 1, 50],
                     scope: str = "read") -> None:
        guild = interaction.guild
        assert guild is not None
        name = " ".join(name.split())
        if not name or scope not in SCOPES:
            raise BadInput("Give the key a name, and a scope of read or write.",
                           example="/config api_key create name:dashboard scope:read")
        pool = self.cog.pool
        if await repo.count_active(pool, guild.id) >= MAX_KEYS:
            raise BadInput(f"This server already has {MAX_KEYS} API keys; revoke one first.",
                           example="/config api_key revoke key:hk_…")
        key = new_key()
        await repo.create(pool, guild.id, name, key.prefix, key.hash, scope, interaction.user.id,
                          self.cog.bot.clock.now())
        await interaction.response.send_message(
            f"🔑 New **{scope}** API key **{discord.utils.escape_markdown(name)}** for this server. Copy it now: "
            f"it is shown only this once.\n```\n{key.secret}\n```\nSend it as `Authorization: Bearer <key>`. "
            f"Revoke it with `/config api_key revoke key:{key.prefix}`.", ephemeral=True)
        await self._log(guild, f"🔑 {interaction.user.mention} created the {scope} API key `{key.prefix}…` "
                               f"({discord.utils.escape_markdown(name)}).")

    @app_commands.command(name="list", description="The server's API keys (never the keys themselves)")
    async def list_(self, interaction: discord.Interaction) -> None:
        keys = await repo.active(self.cog.pool, interaction.guild_id)
        embed = discord.Embed(title="API keys", colour=discord.Colour.blurple())
        lines = []
        for key in keys:
            used = discord.utils.format_dt(key.last_used_at, "R") if key.last_used_at else "never"
            creator = f"<@{key.created_by}>" if key.created_by else "someone"
            lines.append(f"`{key.prefix}…` **{discord.utils.escape_markdown(key.name)}** · {key.scope} · created by "
                         f"{creator} {discord.utils.format_dt(key.created_at, 'R')} · last used {used}")
        embed.description = "\n".join(lines) or "No API keys. Create one with `/config api_key create`."
        await interaction.response.send_message(embed=embed, ephemeral=True,
                                                allowed_mentions=discord.AllowedMentions.none())

    @app_commands.command(name="revoke", description="Revoke an API key: requests with it are refused at once")
    @app_commands.describe(key="The key's first characters (hk_…), as shown by /config api_key list")
    async def revoke(self, interaction: discord.Interaction, key: app_commands.Range[str, 1, 100]) -> None:
        guild = interaction.guild
        assert guild is not None
        prefix = key.strip().rstrip("…. ")[:PREFIX_LENGTH]
        revoked = await repo.revoke(self.cog.pool, guild.id, prefix, interaction.user.id, self.cog.bot.clock.now())
        if not revoked:
            shown = prefix.replace("`", "'")  # shown in a code span: only a backtick could break it
            raise BadInput(f"There is no API key `{shown}` on this server (or it is "
                           "already revoked).", example="/config api_key list")
        names = ", ".join(f"`{k.prefix}…` ({discord.utils.escape_markdown(k.name)})" for k in revoked)
        await interaction.response.send_message(
            f"🚫 Revoked {names}: requests with it are refused from now on.", ephemeral=True)
        await self._log(guild, f"🚫 {interaction.user.mention} revoked the API key {names}.")

    @revoke.autocomplete("key")
    async def _key_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        # discord.py runs no interaction_check for autocomplete: apply the command's own check here.
        if interaction.guild_id is None or not interaction.permissions.manage_guild:
            return []
        wanted = current.strip().lower()
        keys = await repo.active(self.cog.pool, interaction.guild_id)
        return [app_commands.Choice(name=f"{k.prefix}… · {k.name} ({k.scope})"[:100], value=k.prefix)
                for k in keys if wanted in k.prefix.lower() or wanted in k.name.lower()][:25]

    async def _log(self, guild: discord.Guild, text: str) -> None:
        problem = await post_to_log(self.cog.bot, guild, content=text)
        if problem:
            log.warning("Guild %s: could not note an API key change in the log channel: %s", guild.id, problem)
