"""`/config levels …` (Manage Server): level roles, XP multipliers and no-XP channels and roles.

A level role is checked when it is set, against the admin setting it (role safety: their Manage Roles and
position, no dangerous permissions unless owner or Administrator), and again at every grant against whoever set
it. A multiplier of 0 is "no XP" (`noxp` sets exactly that); 1 is the normal rate (it removes the entry).
"""

from __future__ import annotations

import discord
from discord import app_commands

from cogs.levels import rule_edits
from cogs.levels.contract import MixinMeta
from utils.config_group import AdminConfigGroup
from utils.errors import BadInput

NONE = discord.AllowedMentions.none()
Place = discord.TextChannel | discord.VoiceChannel | discord.CategoryChannel | discord.StageChannel


def _target(channel: Place | None, role: discord.Role | None, command: str) -> tuple[str, int, str]:
    """(target type, id, mention) for exactly one of `channel` and `role`."""
    if (channel is None) == (role is None):
        raise BadInput("Give either a channel (or category) or a role, not both and not neither.",
                       example=f"/config levels {command} channel:#spam")
    if role is not None:
        if role.is_default():
            raise BadInput("@everyone can't have a multiplier: change the XP settings instead "
                           "(`/config set scope:levels key:xp_min …`).")
        return "role", role.id, role.mention
    assert channel is not None
    return "channel", channel.id, channel.mention


class LevelsConfig(AdminConfigGroup, name="levels", description="Level roles and XP multipliers (admins)"):
    """The `/config levels` subgroup; `self.cog` is the levels cog."""

    cog: MixinMeta

    @app_commands.command(name="role_add", description="Give a role when members reach a level")
    @app_commands.describe(level="The level (1–1000)", role="The role members get there")
    async def role_add(self, interaction: discord.Interaction, level: app_commands.Range[int, 1, 1000],
                       role: discord.Role) -> None:
        assert isinstance(interaction.user, discord.Member)
        text = await rule_edits.add_level_role(self.cog, interaction.user, level, role)  # also the dashboard's
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NONE)

    @app_commands.command(name="role_remove", description="Stop giving a level role (members keep it)")
    @app_commands.describe(role="The level role")
    async def role_remove(self, interaction: discord.Interaction, role: discord.Role) -> None:
        guild = interaction.guild
        assert guild is not None
        text = await rule_edits.remove_level_role(self.cog, guild, role.id, role.mention)
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NONE)

    @app_commands.command(name="roles", description="The level roles")
    async def roles(self, interaction: discord.Interaction) -> None:
        guild = interaction.guild
        assert guild is not None
        rules = await self.cog.guild_rules(guild.id)
        lines = [f"Level {r.level}: <@&{r.role_id}>" + ("" if guild.get_role(r.role_id) else " (deleted)")
                 for r in rules.roles]
        await interaction.response.send_message(
            "\n".join(lines) or "No level roles yet: `/config levels role_add level:5 role:@Regular`.",
            ephemeral=True, allowed_mentions=NONE)

    @app_commands.command(name="multiplier", description="XP multiplier for a channel, category or role (0 = no XP)")
    @app_commands.describe(value="0 = no XP, 1 = normal, 2 = double (up to 10)", channel="A channel or category",
                           role="A role (members get their highest role's multiplier)")
    async def multiplier(self, interaction: discord.Interaction, value: app_commands.Range[float, 0, 10],
                         channel: Place | None = None, role: discord.Role | None = None) -> None:
        await self._set(interaction, value, channel, role, "multiplier")

    @app_commands.command(name="noxp", description="No XP in a channel (or category), or for members with a role")
    @app_commands.describe(channel="A channel or category", role="A role")
    async def noxp(self, interaction: discord.Interaction, channel: Place | None = None,
                   role: discord.Role | None = None) -> None:
        await self._set(interaction, 0.0, channel, role, "noxp")

    @app_commands.command(name="multipliers", description="The XP multipliers and no-XP channels and roles")
    async def multipliers(self, interaction: discord.Interaction) -> None:
        guild = interaction.guild
        assert guild is not None
        rules = await self.cog.guild_rules(guild.id)
        entries = [(f"<#{i}>", v) for i, v in rules.channels.items()] + [
            (f"<@&{i}>", v) for i, v in rules.member_roles.items()]
        none = ", ".join(name for name, value in entries if value == 0)
        boosted = "\n".join(f"{name}: ×{value:g}" for name, value in entries if value)
        text = (f"**No XP:** {none or 'nowhere'}\n**Multipliers:**\n{boosted or 'none'}\n"
                "A member's highest role multiplier applies, times the channel's (a thread's channel's, else the "
                "category's).")
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NONE)

    async def _set(self, interaction: discord.Interaction, value: float, channel: Place | None,
                   role: discord.Role | None, command: str) -> None:
        guild = interaction.guild
        assert guild is not None
        kind, target_id, mention = _target(channel, role, command)
        text = await rule_edits.set_multiplier(self.cog, guild, kind, target_id, mention, value)
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NONE)
