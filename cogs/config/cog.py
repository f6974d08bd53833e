"""`/config`: list, get, set, reset, history, rollback, export and import, generic over the settings registry.

Admin only: `default_permissions(manage_guild)` hides the commands from others, and a runtime check refuses
anyone without Manage Server (guild admins can change who sees the commands).
"""

from __future__ import annotations

import io
import json
from typing import Any

import discord
from discord import app_commands

from cogs.config.group import CONFIG
from cogs.config.module_commands import ModuleCommands
from cogs.config.permission_commands import PermissionCommands
from cogs.config.setup_commands import SetupCommands
from cogs.config.setup_views import ITEMS as SETUP_ITEMS
from cogs.config.transfer import build_export, import_refusal, parse_export, plan_import
from cogs.config.values import format_effective, format_value, resolve_value
from cogs.config.views import ImportConfirmView, preview_embed
from core.cog_base import HearthCog
from core.guild_kit import post_to_log
from core.guild_settings import GuildSettings
from core.setting_values import already_stored, rollback_checked
from core.settings_registry import SettingSpec, SettingType, timezone_names
from utils.errors import BadInput
from utils.options import RowId
from utils.paginator import Paginator

HISTORY_PAGE = 10
CHOICES_LIMIT = 25


class ConfigCog(SetupCommands, ModuleCommands, PermissionCommands, HearthCog, name="Config"):
    """Server settings for admins."""

    config = CONFIG
    persistent_items = SETUP_ITEMS

    async def interaction_check(self, interaction: discord.Interaction) -> bool:  # type: ignore[override]
        if not interaction.permissions.manage_guild:
            raise app_commands.MissingPermissions(["manage_guild"])
        return True

    @property
    def store(self) -> GuildSettings:
        return self.bot.guild_settings

    # --- GDPR: settings belong to the server; who changed them is personal data (cogs/config/gdpr.py) ----

    async def forget_erased_user(self, user_id: int) -> None:
        """The erasure rewrote settings rows (their author): reload the settings cache from the database."""
        self.store.invalidate()

    def _spec(self, scope: str, key: str) -> SettingSpec:
        registry = self.bot.settings_registry
        if scope not in registry.scopes():
            raise BadInput(f"There is no settings scope `{scope}`. Scopes: {', '.join(registry.scopes())}.",
                           example="/config list scope:system")
        spec = registry.get(scope, key)
        if spec is None:
            keys = ", ".join(s.key for s in registry.in_scope(scope))
            raise BadInput(f"`{scope}` has no setting `{key}`. Its settings: {keys}.",
                           example=f"/config get scope:{scope} key:{registry.in_scope(scope)[0].key}")
        return spec

    # --- reading ---------------------------------------------------------------------------------------

    @CONFIG.command(name="list", description="Show the settings of one scope, or of all scopes")
    @app_commands.describe(scope="Only this scope (e.g. system)")
    async def list_settings(self, interaction: discord.Interaction, scope: str | None = None) -> None:
        registry = self.bot.settings_registry
        if scope is not None and scope not in registry.scopes():
            raise BadInput(f"There is no settings scope `{scope}`. Scopes: {', '.join(registry.scopes())}.")
        specs = registry.in_scope(scope) if scope else registry.all()
        stored = await self.store.stored(interaction.guild_id)

        async def page(index: int) -> tuple[discord.Embed, int]:
            embed = discord.Embed(title=f"Settings{f' · {scope}' if scope else ''}", colour=discord.Colour.blurple())
            for spec in specs[index * HISTORY_PAGE:(index + 1) * HISTORY_PAGE]:
                shown = format_effective(spec, stored.get((spec.scope, spec.key)))
                embed.add_field(name=spec.qualified, value=f"{shown}\n{spec.description}"[:1024], inline=False)
            return embed, len(specs)

        await self._send_pages(interaction, page)

    @CONFIG.command(name="get", description="Show one setting: value, default and description")
    async def get(self, interaction: discord.Interaction, scope: str, key: str) -> None:
        spec = self._spec(scope, key)
        stored = await self.store.stored(interaction.guild_id)
        value = stored.get((scope, key))
        embed = discord.Embed(title=spec.qualified, description=spec.description, colour=discord.Colour.blurple())
        embed.add_field(name="Value", value=format_value(spec, value) if value is not None else "*default*")
        embed.add_field(name="Default", value=format_value(spec, spec.default))
        choices = f" ({', '.join(spec.choices)})" if spec.choices else ""
        embed.add_field(name="Type", value=spec.type.value + choices)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    # --- changing --------------------------------------------------------------------------------------

    @CONFIG.command(name="set", description="Change a setting")
    @app_commands.describe(value="The new value (text, number, yes/no, time, time zone, duration such as 2h)",
                           channel="For channel settings", role="For role settings")
    async def set_(self, interaction: discord.Interaction, scope: str, key: str, value: str | None = None,
                   channel: discord.TextChannel | None = None, role: discord.Role | None = None) -> None:
        spec = self._spec(scope, key)
        new = resolve_value(spec, interaction.guild, value, channel, role, interaction.user)
        if await self._unchanged(interaction, spec, new):
            text = f"`{spec.qualified}` is already {format_value(spec, new)}: nothing changed."
            # Setting a channel again is how an admin says "I fixed its permissions": posting paused there resumes.
            if spec.type in (SettingType.CHANNEL, SettingType.CHANNELS) and \
                    self.bot.channel_access.unblock(guild_id=interaction.guild_id):
                text += " I'll try posting in this server's paused channels again."
            await interaction.response.send_message(text, ephemeral=True)
            return
        change = await self.store.set(interaction.guild_id, scope, key, new, changed_by=interaction.user.id)
        await self._announce(interaction, "✅", f"`{spec.qualified}`: {format_effective(spec, change.old)} → "
                                                f"{format_value(spec, new)}")

    @CONFIG.command(name="reset", description="Put a setting back to its default")
    async def reset(self, interaction: discord.Interaction, scope: str, key: str) -> None:
        spec = self._spec(scope, key)
        change = await self.store.reset(interaction.guild_id, scope, key, changed_by=interaction.user.id)
        if change is None:
            text = f"`{spec.qualified}` already uses its default ({format_value(spec, spec.default)})."
        else:
            await self._announce(interaction, "✅", f"`{spec.qualified}` reset: {format_value(spec, change.old)} → "
                                                    f"{format_effective(spec, None)}")
            return
        await interaction.response.send_message(text, ephemeral=True)

    # --- history -------------------------------------------------------------------------------------

    @CONFIG.command(name="history", description="Who changed which setting, when, from what to what")
    async def history(self, interaction: discord.Interaction, scope: str | None = None,
                      key: str | None = None) -> None:
        if key is not None and scope is None:
            raise BadInput("Give the scope too when filtering by key.",
                           example="/config history scope:system key:timezone")
        if scope is not None and key is not None:
            self._spec(scope, key)
        registry = self.bot.settings_registry

        async def page(index: int) -> tuple[discord.Embed, int]:
            entries, total = await self.store.history(interaction.guild_id, scope=scope, key=key,
                                                      limit=HISTORY_PAGE, offset=index * HISTORY_PAGE)
            embed = discord.Embed(title="Settings history", colour=discord.Colour.blurple())
            lines = []
            for e in entries:
                spec = registry.get(e.scope, e.key)
                lines.append(
                    f"**#{e.id}** `{e.scope}.{e.key}` {format_value(spec, e.old_value)} → "
                    f"{format_value(spec, e.new_value)} · {e.change_type} · <@{e.changed_by}> · "
                    f"{discord.utils.format_dt(e.changed_at, 'R')}"
                )
            embed.description = "\n".join(lines) or "No changes recorded yet."
            return embed, total

        await self._send_pages(interaction, page)

    @CONFIG.command(name="rollback", description="Give a setting back the value a history entry set")
    @app_commands.describe(entry="The history entry number (see /config history)")
    async def rollback(self, interaction: discord.Interaction, entry: RowId) -> None:
        done = await rollback_checked(self.bot, interaction.guild, interaction.user, entry)
        spec = done.spec
        if done.change is None:
            shown = format_effective(spec, done.entry.new_value)
            await interaction.response.send_message(
                f"`{spec.qualified}` is already {shown}, as entry #{entry} set it: nothing changed.", ephemeral=True)
            return
        old, new = format_effective(spec, done.change.old), format_effective(spec, done.change.new)
        await self._announce(interaction, "↩️", f"`{spec.qualified}` rolled back to entry #{entry}: {old} → {new}")

    # --- export / import -----------------------------------------------------------------------------

    @CONFIG.command(name="export", description="Download this server's settings as a JSON file")
    async def export(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        stored = await self.store.stored(interaction.guild_id)
        document = build_export(interaction.guild, self.bot.settings_registry, stored, self.bot.clock.now())
        data = json.dumps(document, indent=2, ensure_ascii=False).encode()
        file = discord.File(io.BytesIO(data), filename=f"hearth-settings-{interaction.guild_id}.json")
        await interaction.followup.send(f"{len(document['settings'])} setting(s) exported.", file=file, ephemeral=True)

    @CONFIG.command(name="import", description="Load settings from an export file (preview first)")
    @app_commands.describe(file="A JSON file made by /config export")
    async def import_(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        items = parse_export(await file.read())
        guild = interaction.guild
        admin = interaction.user
        plan = plan_import(items, guild, self.bot.settings_registry, await self.store.stored(guild.id), admin)
        if plan.problems:  # the whole file is refused: nothing is applied, every problem is listed
            raise BadInput(import_refusal(plan))
        if not plan.changes:
            await interaction.followup.send(embed=preview_embed(plan), ephemeral=True)
            return

        async def apply() -> str:
            # Checked again at Apply: roles and channels may have changed while the preview was open.
            again = plan_import(items, guild, self.bot.settings_registry, await self.store.stored(guild.id), admin)
            if again.problems:
                return import_refusal(again)
            changes = await self.store.apply(guild.id, [(c.spec, c.new) for c in again.changes],
                                             changed_by=admin.id, change_type="import")
            return f"✅ Imported {len(changes)} setting(s); see `/config history` to review or roll back."

        view = ImportConfirmView(interaction.user.id, apply)
        await interaction.followup.send(embed=preview_embed(plan), view=view, ephemeral=True)

    # --- autocomplete --------------------------------------------------------------------------------

    @get.autocomplete("scope")
    @set_.autocomplete("scope")
    @reset.autocomplete("scope")
    @history.autocomplete("scope")
    @list_settings.autocomplete("scope")
    async def _scope_choices(self, _: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=s, value=s) for s in self.bot.settings_registry.scopes()
                if current.lower() in s][:CHOICES_LIMIT]

    @get.autocomplete("key")
    @set_.autocomplete("key")
    @reset.autocomplete("key")
    @history.autocomplete("key")
    async def _key_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        scope = interaction.namespace.scope or ""
        return [app_commands.Choice(name=f"{s.key} — {s.description}"[:100], value=s.key)
                for s in self.bot.settings_registry.in_scope(scope) if current.lower() in s.key][:CHOICES_LIMIT]

    @set_.autocomplete("value")
    async def _value_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        spec = self.bot.settings_registry.get(interaction.namespace.scope or "", interaction.namespace.key or "")
        if spec is None:
            return []
        if spec.choices:
            options = list(spec.choices)
        elif spec.type is SettingType.TIMEZONE:
            options = timezone_names(current)
        elif spec.type is SettingType.BOOL:
            options = ["yes", "no"]
        else:
            return []
        return [app_commands.Choice(name=o, value=o) for o in options if current.lower() in o.lower()][:CHOICES_LIMIT]

    @rollback.autocomplete("entry")
    async def _entry_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[int]]:
        entries, _ = await self.store.history(interaction.guild_id, limit=CHOICES_LIMIT)
        choices = []
        for e in entries:
            shown = "default" if e.new_value is None else json.dumps(e.new_value)
            label = f"#{e.id} {e.scope}.{e.key} = {shown} ({e.changed_at:%Y-%m-%d %H:%M}, {e.change_type})"
            if current in str(e.id):
                choices.append(app_commands.Choice(name=label[:100], value=e.id))
        return choices

    async def _unchanged(self, interaction: discord.Interaction, spec: SettingSpec, new: Any) -> bool:
        """Whether storing `new` would change nothing (see `already_stored`)."""
        return await already_stored(self.store, interaction.guild_id, spec, new, interaction.user.id)

    async def _announce(self, interaction: discord.Interaction, icon: str, summary: str) -> None:
        """Confirm a change to the admin and note it in the log channel (reporting if that failed)."""
        await interaction.response.defer(ephemeral=True)
        problem = await post_to_log(self.bot, interaction.guild,
                                    content=f"⚙️ {interaction.user.mention} changed a setting: {summary}")
        warning = f"\n⚠️ Saved, but: {problem}" if problem else ""
        await interaction.followup.send(f"{icon} {summary}{warning}", ephemeral=True)

    async def _send_pages(self, interaction: discord.Interaction, fetch) -> None:  # type: ignore[no-untyped-def]
        paginator = Paginator(interaction.user.id, fetch, HISTORY_PAGE)
        await paginator.send(interaction)
