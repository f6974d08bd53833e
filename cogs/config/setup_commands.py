"""`/config setup`: the guided first hour for admins (cogs/config/setup_steps.py says what each step asks).

Every answer is stored at once through the gate of `/config set` (`set_checked`: the same validation, one
transaction per step, the change in `/config history` and in the log channel); the modules step switches every
module in one transaction."""

from __future__ import annotations

from typing import Any

import discord

from cogs.config.group import CONFIG, ConfigPart
from cogs.config.setup_steps import BY_KEY, Step, first_open_step, neighbour, shown_steps, step_embed
from cogs.config.setup_views import ZoneForm, panel_view
from core.guild_kit import post_to_log
from core.modules import Module, Modules
from core.setting_values import set_checked
from utils.errors import BadInput, UserFacingError

SERVER_LOG_KINDS = ("messages", "members", "moderation", "server", "voice")


class SetupCommands(ConfigPart):
    """Mixed into the config cog: it provides `bot`."""


    @CONFIG.command(name="setup", description="A guided setup: time zone, staff, logs, modules, tickets, welcome")
    async def setup(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        step = await first_open_step(self.bot, interaction.guild.id)
        embed, view = await self._panel(interaction.guild, step)
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    async def _panel(self, guild: discord.Guild, step: Step) -> tuple[discord.Embed, discord.ui.View]:
        modules: Modules = self.bot.modules
        states = [(m, await modules.is_on(guild.id, m)) for m in modules.all()]
        first = (await shown_steps(self.bot, guild.id))[0].key == step.key
        return await step_embed(self.bot, guild, step), panel_view(step, states, first=first)

    async def _show(self, interaction: discord.Interaction, step: Step, notice: str | None = None) -> None:
        """Replace the panel with `step`'s page (and a line about what was just saved)."""
        assert interaction.guild is not None
        embed, view = await self._panel(interaction.guild, step)
        await interaction.response.edit_message(content=notice, embed=embed, view=view)

    def _admin(self, interaction: discord.Interaction) -> discord.Member:
        member = interaction.user
        if not isinstance(member, discord.Member) or not interaction.permissions.manage_guild:
            raise UserFacingError("Only members with Manage Server can use the setup wizard.")
        return member

    @staticmethod
    def _step(key: str) -> Step:
        step = BY_KEY.get(key)
        if step is None:  # a panel of a newer or older version
            raise UserFacingError("This setup panel is out of date: run /config setup again.")
        return step

    # --- the panel's items (cogs/config/setup_views.py) --------------------------------------------------

    async def setup_move(self, interaction: discord.Interaction, step: str, action: str) -> None:
        """Back, Next or Other zone…"""
        self._admin(interaction)
        current = self._step(step)
        if action == "other":
            await interaction.response.send_modal(ZoneForm(self))  # type: ignore[arg-type]
            return
        assert interaction.guild_id is not None
        await self._show(interaction, await neighbour(self.bot, interaction.guild_id, current,
                                                      -1 if action == "back" else 1))

    async def setup_zone(self, interaction: discord.Interaction, typed: str) -> None:
        """A time zone typed into the form."""
        await self._save(interaction, self._step("timezone"), {("system", "timezone"): typed.strip()})

    async def setup_choose(self, interaction: discord.Interaction, step: str, slot: int, values: list[str]) -> None:
        """A select of `step`: store the answer, then show the next step."""
        current = self._step(step)
        if current.key == "modules":
            await self._save_modules(interaction, current, values)
            return
        if not values:
            raise BadInput("Pick one option, or press Next to skip this step.")
        value: Any = values[0] if current.key == "timezone" else int(values[0])
        if current.key == "logs" and slot == 1:
            answers = {("logs", f"{kind}_channel"): value for kind in SERVER_LOG_KINDS
                       if self.bot.settings_registry.get("logs", f"{kind}_channel") is not None}
            if not answers:
                raise UserFacingError("The server logs are not loaded on this bot, so there is nothing to set.")
            await self._save(interaction, current, answers, stay=True)
            return
        scope, key = current.settings[0]
        await self._save(interaction, current, {(scope, key): value}, stay=current.key == "logs")

    async def _save(self, interaction: discord.Interaction, step: Step, answers: dict[tuple[str, str], Any], *,
                    stay: bool = False) -> None:
        """Store `answers` (grouped per scope; refused as a whole when one is invalid), log them, move on."""
        admin = self._admin(interaction)
        assert interaction.guild is not None
        scopes: dict[str, dict[str, Any]] = {}
        for (scope, key), value in answers.items():
            scopes.setdefault(scope, {})[key] = value
        changed = []
        for scope, values in scopes.items():
            changed += await set_checked(self.bot, interaction.guild, admin, scope, values, change_type="setup")
        summary = ", ".join(f"`{c.spec.qualified}`" for c in changed) or "nothing (already set)"
        if changed:
            await post_to_log(self.bot, interaction.guild,
                              content=f"⚙️ {admin.mention} changed settings in the setup wizard: {summary}")
        after = step if stay else await neighbour(self.bot, interaction.guild.id, step, 1)
        await self._show(interaction, after, notice=f"✅ Saved: {summary}.")

    async def _save_modules(self, interaction: discord.Interaction, step: Step, values: list[str]) -> None:
        """Turn on exactly the picked modules (one transaction for all of them)."""
        admin = self._admin(interaction)
        assert interaction.guild is not None
        modules: Modules = self.bot.modules
        picked = set(values)
        wanted: list[tuple[Module, bool]] = [(m, m.name in picked) for m in modules.all()]
        changes = [(m.switch, on) for m, on in wanted if await modules.is_on(interaction.guild.id, m) != on]
        if changes:
            await self.bot.guild_settings.apply(interaction.guild.id, changes, changed_by=admin.id,
                                                change_type="setup")
            words = ", ".join(f"{m.label} {'on' if on else 'off'}" for m, on in wanted
                              if (m.switch, on) in changes)
            await post_to_log(self.bot, interaction.guild,
                              content=f"⚙️ {admin.mention} switched modules in the setup wizard: {words}")
        after = await neighbour(self.bot, interaction.guild.id, step, 1)
        await self._show(interaction, after, notice=f"✅ Modules saved ({len(changes)} changed).")

