"""`/config modules`: which features are on in this server, and turning one off or on (core/modules.py)."""

from __future__ import annotations

import discord
from discord import app_commands

from cogs.config.group import CONFIG, ConfigPart
from core.modules import Module, Modules
from utils.errors import BadInput


class ModuleCommands(ConfigPart):
    """Mixed into the config cog: it provides `bot` and `_announce`."""


    @CONFIG.command(name="modules", description="Turn a feature on or off for this server, or see which are on")
    @app_commands.describe(module="The feature (leave empty to list them all)", on="On (True) or off (False)")
    async def modules(self, interaction: discord.Interaction, module: str | None = None,
                      on: bool | None = None) -> None:
        registry: Modules = self.bot.modules
        guild_id = interaction.guild_id
        assert guild_id is not None  # the group is guild-only
        if module is None:
            if on is not None:
                raise BadInput("Name the module to turn on or off.", example="/config modules module:tags on:False")
            await interaction.response.send_message(embed=await self.modules_embed(guild_id), ephemeral=True)
            return
        chosen = self._module(module)
        if on is None:
            state = "on" if await registry.is_on(guild_id, chosen) else "off"
            await interaction.response.send_message(f"**{chosen.label}** is {state} on this server.", ephemeral=True)
            return
        if not await registry.switch(guild_id, chosen, on, changed_by=interaction.user.id):
            await interaction.response.send_message(f"**{chosen.label}** is already {'on' if on else 'off'}.",
                                                    ephemeral=True)
            return
        icon, state = ("✅", "on") if on else ("⛔", "off")
        await self._announce(interaction, icon, f"**{chosen.label}** turned {state}.")

    @modules.autocomplete("module")
    async def _module_choices(self, interaction: discord.Interaction,
                              current: str) -> list[app_commands.Choice[str]]:
        wanted = current.lower()
        return [app_commands.Choice(name=f"{m.label} ({m.name})"[:100], value=m.name)
                for m in self.bot.modules.all() if wanted in m.name or wanted in m.label.lower()][:25]

    def _module(self, name: str) -> Module:
        """The module called `name` (its name or label), or a clear refusal listing them."""
        registry: Modules = self.bot.modules
        wanted = name.strip().lower()
        for module in registry.all():
            if wanted in (module.name, module.label.lower()):
                return module
        names = ", ".join(m.name for m in registry.all())
        raise BadInput(f"There is no module `{name}`. Modules: {names}.", example="/config modules module:tags")

    async def modules_embed(self, guild_id: int) -> discord.Embed:
        """Every module with its state, for `/config modules` and the setup wizard."""
        registry: Modules = self.bot.modules
        lines = []
        for module in registry.all():
            icon = "✅" if await registry.is_on(guild_id, module) else "⛔"
            lines.append(f"{icon} **{module.label}** (`{module.name}`): {module.summary}")
        lines.append("\nTurn one off or on with `/config modules module:<name> on:<True|False>`.")
        embed = discord.Embed(title="Modules on this server", colour=discord.Colour.blurple(),
                              description="\n".join(lines)[:4096])
        return embed
