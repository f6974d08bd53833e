"""`/config automod …`: rules, actions, stats and a dry run, for admins (Manage Server, checked at run time).

The group is attached under the config cog's `/config` group when the automod cog loads (and detached when
it unloads), so the command is `/config automod add`, not a top-level `/automod`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from cogs.automod import repo
from cogs.automod.actions import format_duration
from cogs.automod.editing import AutomodEditor
from cogs.automod.matchers import GuildRules, MessageFacts
from cogs.automod.rules import ACTION_TYPES, RULE_TYPES
from utils.config_group import AdminConfigGroup
from utils.options import RowId

if TYPE_CHECKING:
    from cogs.automod.contract import AutomodContract

RULE_CHOICES = [app_commands.Choice(name=t, value=t) for t in RULE_TYPES]
ACTION_CHOICES = [app_commands.Choice(name=t, value=t) for t in ACTION_TYPES]


def _describe_action(row: Any) -> str:
    config = row["config"] or {}
    extra = []
    if config.get("duration"):
        extra.append(format_duration(config["duration"]))
    if config.get("role_id"):
        extra.append(f"<@&{config['role_id']}>")
    if config.get("delete_message") is False:
        extra.append("keeps the message")
    return f"**{row['action_type']}** (severity {row['severity']}{', ' + ', '.join(extra) if extra else ''})"


class AutomodCommands(AdminConfigGroup, name="automod", description="Automatic moderation rules (admins)"):
    """The `/config automod` subgroup; `self.cog` is the automod cog."""

    cog: AutomodContract

    @property
    def editor(self) -> AutomodEditor:
        """The one code path of changes (shared with the dashboard through `AutomodApi.editor`; it keeps no state)."""
        return AutomodEditor(self.cog)

    async def _reply(self, interaction: discord.Interaction, text: str) -> None:
        await interaction.response.send_message(text, ephemeral=True)

    # --- rules -----------------------------------------------------------------------------------------

    @app_commands.command(name="add", description="Add a rule (spam, content, regex or ai)")
    @app_commands.describe(type="What the rule checks", action="Action id (see /config automod list); none = log only",
                           words="content: words or phrases, comma-separated", pattern="regex: an RE2 pattern",
                           whole_word="content: match whole words only", trial="Log only, to tune the rule first",
                           config='Other settings as JSON, e.g. {"messages": 5, "seconds": 5}',
                           exempt_roles="Roles the rule ignores", exempt_channels="Channels the rule ignores")
    @app_commands.choices(type=RULE_CHOICES)
    async def add(self, interaction: discord.Interaction, name: app_commands.Range[str, 1, 100], type: str,
                  action: RowId | None = None, words: str | None = None, pattern: str | None = None,
                  whole_word: bool | None = None, trial: bool = False, config: str | None = None,
                  exempt_roles: str | None = None, exempt_channels: str | None = None) -> None:
        rule_id = await self.editor.add_rule(interaction.user, name=name, type=type, action=action, words=words,
                                             pattern=pattern, whole_word=whole_word, trial=trial, config=config,
                                             exempt_roles=exempt_roles, exempt_channels=exempt_channels)
        mode = " in **trial mode** (log only)" if trial else ""
        note = "" if action else " It has no action yet, so it only logs."
        await self._reply(interaction, f"✅ Rule #{rule_id} **{name.strip()}** ({type}) added{mode}.{note}")

    @app_commands.command(name="edit", description="Change a rule")
    @app_commands.describe(rule="Rule id", action="New action id", clear_action="Remove the action (log only)",
                           config="Settings to change, as JSON (merged into the rule's config)")
    async def edit(self, interaction: discord.Interaction, rule: RowId, name: str | None = None,
                   action: RowId | None = None, clear_action: bool = False, words: str | None = None,
                   pattern: str | None = None, whole_word: bool | None = None, trial: bool | None = None,
                   config: str | None = None, exempt_roles: str | None = None,
                   exempt_channels: str | None = None) -> None:
        await self.editor.edit_rule(interaction.user, rule, name=name, action=action, clear_action=clear_action,
                                    words=words, pattern=pattern, whole_word=whole_word, trial=trial, config=config,
                                    exempt_roles=exempt_roles, exempt_channels=exempt_channels)
        await self._reply(interaction, f"✅ Rule #{rule} updated.")

    @app_commands.command(name="remove", description="Delete a rule")
    async def remove(self, interaction: discord.Interaction, rule: RowId) -> None:
        name = await self.editor.remove_rule(interaction.user, rule)
        await self._reply(interaction, f"🗑️ Rule #{rule} **{name}** deleted.")

    @app_commands.command(name="set_rule_enabled", description="Turn a rule on or off")
    async def set_rule_enabled(self, interaction: discord.Interaction, rule: RowId, enabled: bool) -> None:
        await self.editor.set_rule_enabled(interaction.user, rule, enabled)
        await self._reply(interaction, f"✅ Rule #{rule} is now {'enabled' if enabled else 'disabled'}.")

    @app_commands.command(name="list", description="Show the rules and actions")
    async def list_(self, interaction: discord.Interaction) -> None:
        guild_id = interaction.guild_id
        rules = await self.editor.rules(guild_id)
        actions = await self.editor.actions(guild_id)
        embed = discord.Embed(title="Automod", colour=discord.Colour.blurple())
        lines = []
        for rule in rules:
            flags = ("" if rule.enabled else " · disabled") + (" · trial" if rule.trial else "")
            act = f"action #{rule.action.id} {rule.action.type}" if rule.action else "log only"
            lines.append(f"**#{rule.id} {discord.utils.escape_markdown(rule.name)}** ({rule.type}) → {act}{flags}")
        embed.add_field(name="Rules", value="\n".join(lines)[:1024] or "No rules yet.", inline=False)
        embed.add_field(name="Actions", value="\n".join(f"#{a['id']} {_describe_action(a)}" for a in actions)[:1024]
                        or "No actions yet.", inline=False)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    # --- actions ---------------------------------------------------------------------------------------

    @app_commands.command(name="action_add", description="Add an action rules can use")
    @app_commands.describe(type="What to do", severity="1 (mild) to 5 (severe): the points a violation adds",
                           duration="timeout: how long (e.g. 10m, 1h)", role="mute: the role to give",
                           keep_message="Do not delete the offending message")
    @app_commands.choices(type=ACTION_CHOICES)
    async def action_add(self, interaction: discord.Interaction, type: str,
                         severity: app_commands.Range[int, 1, 5] = 1, duration: str | None = None,
                         role: discord.Role | None = None, keep_message: bool = False) -> None:
        action_id = await self.editor.add_action(interaction.user, type=type, severity=severity, duration=duration,
                                                 role=role, keep_message=keep_message)
        await self._reply(interaction, f"✅ Action #{action_id} ({type}, severity {severity}) added. Use it with "
                                       f"`/config automod add … action:{action_id}`.")

    @app_commands.command(name="action_edit", description="Change an action (every rule using it follows)")
    @app_commands.choices(type=ACTION_CHOICES)
    async def action_edit(self, interaction: discord.Interaction, action: RowId, type: str | None = None,
                          severity: app_commands.Range[int, 1, 5] | None = None, duration: str | None = None,
                          role: discord.Role | None = None) -> None:
        await self.editor.edit_action(interaction.user, action, type=type, severity=severity, duration=duration,
                                      role=role)
        await self._reply(interaction, f"✅ Action #{action} updated.")

    @app_commands.command(name="action_remove", description="Delete an action (its rules then only log)")
    async def action_remove(self, interaction: discord.Interaction, action: RowId) -> None:
        await self.editor.remove_action(interaction.user, action)
        await self._reply(interaction, f"🗑️ Action #{action} deleted.")

    # --- stats and dry run -----------------------------------------------------------------------------

    @app_commands.command(name="stats", description="Triggers and false positives per rule")
    async def stats(self, interaction: discord.Interaction, days: app_commands.Range[int, 1, 90] = 7) -> None:
        await self.cog.stats.flush(self.cog.pool)
        since = (self.cog.bot.clock.now() - timedelta(days=days - 1)).date()
        rows = await repo.stats(self.cog.pool, interaction.guild_id, since)
        embed = discord.Embed(title=f"Automod · last {days} day(s)", colour=discord.Colour.blurple())
        lines = []
        for r in rows:
            rate = f", {100 * r['false_positives'] / r['triggers']:.0f}% false" if r["triggers"] else ""
            speed = f", {r['avg_ms']:.0f} ms" if r["avg_ms"] is not None else ""
            trial = " (trial)" if r["trial_mode"] else ""
            lines.append(f"#{r['id']} {discord.utils.escape_markdown(r['name'])}{trial}: {r['triggers']} trigger(s), "
                         f"{r['false_positives']} false positive(s){rate}{speed}")
        embed.description = "\n".join(lines)[:4000] or "No rules yet."
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="test", description="Which rules would fire on a text, and what would happen")
    async def test(self, interaction: discord.Interaction, text: app_commands.Range[str, 1, 2000]) -> None:
        rules: GuildRules = await self.cog.cache.get(interaction.guild_id)
        member = interaction.user
        facts = MessageFacts(member.id, frozenset({interaction.channel_id or 0}), frozenset(), text,
                             text.count("<@"), 0)
        hits = rules.evaluate(facts, self.cog.bot.clock.now().timestamp(), track=False)
        lines = []
        for hit in hits:
            rule = hit.rule
            if rule.trial:
                outcome = "logged only (trial mode)"
            elif rule.action is None:
                outcome = "logged only (no action)"
            else:
                outcome = f"{_describe_action({'action_type': rule.action.type, 'severity': rule.action.severity, 'config': rule.action.config})}, +{rule.points:g} point(s)"  # noqa: E501
            lines.append(f"🔴 #{rule.id} **{discord.utils.escape_markdown(rule.name)}** ({rule.type}): {hit.reason} "
                         f"→ {outcome}")
        if rules.ai_rules:
            lines.append(f"🤖 {len(rules.ai_rules)} AI rule(s) would judge it in the background (not run by test).")
        if not hits:
            lines.insert(0, "🟢 No rule fires on this text.")
        lines.append("Escalation may make the action stronger for members with recent violations; staff and "
                     "members above my role are never acted on.")
        await self._reply(interaction, "\n".join(lines)[:2000])

    # --- autocomplete ----------------------------------------------------------------------------------

    @edit.autocomplete("rule")
    @remove.autocomplete("rule")
    @set_rule_enabled.autocomplete("rule")
    async def _rule_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[int]]:
        rows = await repo.rules(self.cog.pool, interaction.guild_id)
        return [app_commands.Choice(name=f"#{r['id']} {r['name']} ({r['rule_type']})"[:100], value=r["id"])
                for r in rows if current.lower() in f"{r['id']} {r['name']}".lower()][:25]

    @add.autocomplete("action")
    @edit.autocomplete("action")
    @action_edit.autocomplete("action")
    @action_remove.autocomplete("action")
    async def _action_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[int]]:
        rows = await repo.actions(self.cog.pool, interaction.guild_id)
        return [app_commands.Choice(name=f"#{r['id']} {r['action_type']} (severity {r['severity']})", value=r["id"])
                for r in rows if current in str(r["id"])][:25]
