"""`/config api_key create|list|revoke`: API keys of the server, for members with Manage Server.

A new key is shown once, only to the admin who created it (ephemeral); the bot keeps its SHA-256 and the first
characters (`hk_xxxxxxxx`) to recognise it. Creating and revoking go through `ApiKeysApi` (cogs/api/api.py), the code
the dashboard's API keys page runs too, which also notes the change in the server's log channel.
"""

from __future__ import annotations

import discord
from discord import app_commands

from cogs.api.api import ApiKeysApi, described
from utils.config_group import AdminConfigGroup

SCOPE_CHOICES = [app_commands.Choice(name="read: read this server's data", value="read"),
                 app_commands.Choice(name="write: read and change it", value="write")]


class ApiKeyCommands(AdminConfigGroup, name="api_key", description="Keys for the bot's HTTP API (admins)"):
    """The `/config api_key` subgroup of the api cog (`self.cog`)."""

    @property
    def keys(self) -> ApiKeysApi:
        """The api cog's `ApiKeysApi`: the code the dashboard's API keys page runs too."""
        return self.cog.keys

    @app_commands.command(name="create", description="Create an API key for this server (shown once)")
    @app_commands.describe(name="What the key is for, e.g. dashboard", scope="What it may do (default: read)")
    @app_commands.choices(scope=SCOPE_CHOICES)
    async def create(self, interaction: discord.Interaction, name: app_commands.Range[str, 1, 50],
                     scope: str = "read") -> None:
        assert interaction.guild is not None and isinstance(interaction.user, discord.Member)
        created = await self.keys.create(interaction.guild, interaction.user, name, scope)
        key = created.key
        await interaction.response.send_message(
            f"🔑 New **{key.scope}** API key **{discord.utils.escape_markdown(key.name)}** for this server. Copy it "
            f"now: it is shown only this once.\n```\n{created.secret}\n```\nSend it as `Authorization: Bearer <key>`. "
            f"Revoke it with `/config api_key revoke key:{key.prefix}`.", ephemeral=True)

    @app_commands.command(name="list", description="The server's API keys (never the keys themselves)")
    async def list_(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        keys = await self.keys.active(interaction.guild_id)
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
        assert interaction.guild is not None and isinstance(interaction.user, discord.Member)
        revoked = await self.keys.revoke(interaction.guild, interaction.user, key)
        await interaction.response.send_message(
            f"🚫 Revoked {described(revoked)}: requests with it are refused from now on.", ephemeral=True)

    @revoke.autocomplete("key")
    async def _key_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        # discord.py runs no interaction_check for autocomplete: apply the command's own check here.
        if interaction.guild_id is None or not interaction.permissions.manage_guild:
            return []
        wanted = current.strip().lower()
        keys = await self.keys.active(interaction.guild_id)
        return [app_commands.Choice(name=f"{k.prefix}… · {k.name} ({k.scope})"[:100], value=k.prefix)
                for k in keys if wanted in k.prefix.lower() or wanted in k.name.lower()][:25]
