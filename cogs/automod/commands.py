"""`/config automod …`: rules, actions, stats and a dry run, for admins (Manage Server, checked at run time).

The group is attached under the config cog's `/config` group when the automod cog loads (and detached when
it unloads), so the command is `/config automod add`, not a top-level `/automod`.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from cogs.automod import repo
from cogs.automod.actions import format_duration
from cogs.automod.matchers import GuildRules, MessageFacts
from cogs.automod.rules import ACTION_TYPES, RULE_TYPES, Rule, clean_action, clean_rule_config
from cogs.premium.api import premium_of
from core.role_safety import check_role_grant
from core.settings_registry import InvalidSettingValue, SettingSpec, SettingType, parse_value
from utils.config_group import AdminConfigGroup
from utils.errors import BadInput, UserFacingError
from utils.options import RowId

if TYPE_CHECKING:
    from cogs.automod.contract import AutomodContract

_IDS = re.compile(r"\d{15,21}")
_DURATION = SettingSpec("automod", "duration", SettingType.DURATION, None, "")
RULE_CHOICES = [app_commands.Choice(name=t, value=t) for t in RULE_TYPES]
ACTION_CHOICES = [app_commands.Choice(name=t, value=t) for t in ACTION_TYPES]


def _json(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise BadInput(f"`config` is not valid JSON ({exc.msg} at character {exc.pos}).",
                       example='{"messages": 5, "seconds": 5}') from None
    if not isinstance(value, dict):
        raise BadInput("`config` must be a JSON object.", example='{"mentions": 5}')
    return value


def _ids(text: str, guild: discord.Guild, kind: str) -> list[int]:
    found = [int(m) for m in _IDS.findall(text)]
    lookup = guild.get_role if kind == "role" else guild.get_channel
    missing = [i for i in found if lookup(i) is None]
    if missing or (text.strip() and not found):
        raise BadInput(f"Mention the {kind}s to exempt (or paste their ids).",
                       example="exempt_roles: @Moderators @Bots" if kind == "role" else "exempt_channels: #memes")
    return found


def _duration(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return parse_value(_DURATION, text)
    except InvalidSettingValue as exc:
        raise BadInput(str(exc), example="duration: 10m") from None


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

    # --- helpers ---------------------------------------------------------------------------------------

    async def _rule(self, guild_id: int, rule_id: int) -> Any:
        row = await repo.rule(self.cog.pool, guild_id, rule_id)
        if row is None:
            raise BadInput(f"There is no automod rule #{rule_id} on this server.", example="/config automod list")
        return row

    async def _action_id(self, guild_id: int, action_id: int | None) -> int | None:
        if action_id is not None and await repo.action(self.cog.pool, guild_id, action_id) is None:
            raise BadInput(f"There is no automod action #{action_id} on this server.",
                           example="/config automod action_add type:timeout severity:3 duration:10m")
        return action_id

    def _config(self, base: dict[str, Any], interaction: discord.Interaction, *, config: str | None,
                words: str | None, pattern: str | None, whole_word: bool | None, exempt_roles: str | None,
                exempt_channels: str | None) -> dict[str, Any]:
        merged = {**base, **_json(config)}
        if words is not None:
            merged["words"] = [w.strip() for w in words.split(",") if w.strip()]
        if pattern is not None:
            merged["pattern"] = pattern
        if whole_word is not None:
            merged["whole_word"] = whole_word
        if exempt_roles is not None:
            merged["exempt_roles"] = _ids(exempt_roles, interaction.guild, "role")
        if exempt_channels is not None:
            merged["exempt_channels"] = _ids(exempt_channels, interaction.guild, "channel")
        return merged

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
        guild_id = interaction.guild_id
        merged = self._config({}, interaction, config=config, words=words, pattern=pattern, whole_word=whole_word,
                              exempt_roles=exempt_roles, exempt_channels=exempt_channels)
        cleaned = clean_rule_config(type, merged)
        if type == "ai" and not await premium_of(self.cog.bot).guild_has_premium(guild_id):
            raise UserFacingError("AI rules are a premium feature: this server has no active premium subscription.")
        action_id = await self._action_id(guild_id, action)
        rule_id = await repo.create_rule(self.cog.pool, guild_id, type, name, cleaned, action_id, trial,
                                         interaction.user.id, self.cog.bot.clock.now())
        self.cog.cache.invalidate(guild_id)
        mode = " in **trial mode** (log only)" if trial else ""
        note = "" if action_id else " It has no action yet, so it only logs."
        await self._reply(interaction, f"✅ Rule #{rule_id} **{name}** ({type}) added{mode}.{note}")

    @app_commands.command(name="edit", description="Change a rule")
    @app_commands.describe(rule="Rule id", action="New action id", clear_action="Remove the action (log only)",
                           config="Settings to change, as JSON (merged into the rule's config)")
    async def edit(self, interaction: discord.Interaction, rule: RowId, name: str | None = None,
                   action: RowId | None = None, clear_action: bool = False, words: str | None = None,
                   pattern: str | None = None, whole_word: bool | None = None, trial: bool | None = None,
                   config: str | None = None, exempt_roles: str | None = None,
                   exempt_channels: str | None = None) -> None:
        guild_id = interaction.guild_id
        row = await self._rule(guild_id, rule)
        new_config = None
        if any(v is not None for v in (words, pattern, whole_word, config, exempt_roles, exempt_channels)):
            merged = self._config(dict(row["config"] or {}), interaction, config=config, words=words, pattern=pattern,
                                  whole_word=whole_word, exempt_roles=exempt_roles, exempt_channels=exempt_channels)
            new_config = clean_rule_config(row["rule_type"], merged)
        action_id = await self._action_id(guild_id, action)
        await repo.update_rule(self.cog.pool, guild_id, rule, name=name, config=new_config, action_id=action_id,
                               set_action=clear_action or action is not None, trial=trial,
                               now=self.cog.bot.clock.now())
        self.cog.cache.invalidate(guild_id)
        await self._reply(interaction, f"✅ Rule #{rule} updated.")

    @app_commands.command(name="remove", description="Delete a rule")
    async def remove(self, interaction: discord.Interaction, rule: RowId) -> None:
        name = await repo.delete_rule(self.cog.pool, interaction.guild_id, rule)
        if name is None:
            raise BadInput(f"There is no automod rule #{rule} on this server.", example="/config automod list")
        self.cog.cache.invalidate(interaction.guild_id)
        await self._reply(interaction, f"🗑️ Rule #{rule} **{name}** deleted.")

    @app_commands.command(name="set_rule_enabled", description="Turn a rule on or off")
    async def set_rule_enabled(self, interaction: discord.Interaction, rule: RowId, enabled: bool) -> None:
        await self._rule(interaction.guild_id, rule)
        await repo.update_rule(self.cog.pool, interaction.guild_id, rule, enabled=enabled, now=self.cog.bot.clock.now())
        self.cog.cache.invalidate(interaction.guild_id)
        await self._reply(interaction, f"✅ Rule #{rule} is now {'enabled' if enabled else 'disabled'}.")

    @app_commands.command(name="list", description="Show the rules and actions")
    async def list_(self, interaction: discord.Interaction) -> None:
        guild_id = interaction.guild_id
        rules = [Rule.from_row(r) for r in await repo.rules(self.cog.pool, guild_id)]
        actions = await repo.actions(self.cog.pool, guild_id)
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
        config: dict[str, Any] = {}
        if duration is not None:
            config["duration"] = _duration(duration)
        if role is not None:
            check_role_grant(role, interaction.user, interaction.guild.me)  # the mute role is given by the bot
            config["role_id"] = role.id
        if keep_message:
            config["delete_message"] = False
        clean_action(type, severity, config)
        action_id = await repo.create_action(self.cog.pool, interaction.guild_id, type, severity, config,
                                             interaction.user.id, self.cog.bot.clock.now(),
                                             role_set_by=interaction.user.id if role is not None else None)
        await self._reply(interaction, f"✅ Action #{action_id} ({type}, severity {severity}) added. Use it with "
                                       f"`/config automod add … action:{action_id}`.")

    @app_commands.command(name="action_edit", description="Change an action (every rule using it follows)")
    @app_commands.choices(type=ACTION_CHOICES)
    async def action_edit(self, interaction: discord.Interaction, action: RowId, type: str | None = None,
                          severity: app_commands.Range[int, 1, 5] | None = None, duration: str | None = None,
                          role: discord.Role | None = None) -> None:
        row = await repo.action(self.cog.pool, interaction.guild_id, action)
        if row is None:
            raise BadInput(f"There is no automod action #{action} on this server.", example="/config automod list")
        config = dict(row["config"] or {})
        if duration is not None:
            config["duration"] = _duration(duration)
        if role is not None:
            check_role_grant(role, interaction.user, interaction.guild.me)  # the mute role is given by the bot
            config["role_id"] = role.id
        new_type, new_severity = type or row["action_type"], severity or row["severity"]
        clean_action(new_type, new_severity, config)
        await repo.update_action(self.cog.pool, interaction.guild_id, action, new_type, new_severity, config,
                                 role_set_by=interaction.user.id if role is not None else None)
        self.cog.cache.invalidate(interaction.guild_id)
        await self._reply(interaction, f"✅ Action #{action} updated.")

    @app_commands.command(name="action_remove", description="Delete an action (its rules then only log)")
    async def action_remove(self, interaction: discord.Interaction, action: RowId) -> None:
        if not await repo.delete_action(self.cog.pool, interaction.guild_id, action):
            raise BadInput(f"There is no automod action #{action} on this server.", example="/config automod list")
        self.cog.cache.invalidate(interaction.guild_id)
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
