"""The one code path that changes a guild's automod rules and actions, used by `/config automod …`, the dashboard's
automod page (through `AutomodApi.editor`) alike: the option parsing (JSON config, words, exempt roles and channels
as mentions or ids, durations), the rules' own checks (`clean_rule_config`, `clean_action`), premium for AI rules,
role safety for a mute role (a member cannot make the bot give a role they could not give themselves), the rows,
the cache invalidation and the log lines.

Every change is made AS a member (`discord.Member`) with Manage Server (the rule of `/config`, checked here again
for every caller). Refusals are `BadInput`/`UserFacingError` (and `RoleRefused`) with the human reason.
"""

from __future__ import annotations

import json
import logging
import re
from typing import TYPE_CHECKING, Any

import discord

from cogs.automod import repo
from cogs.automod.rules import Rule, clean_action, clean_rule_config
from cogs.premium.api import premium_of
from core.guild_kit import require_manage_server
from core.role_safety import check_role_grant
from core.settings_registry import InvalidSettingValue, SettingSpec, SettingType, parse_value
from utils.errors import BadInput, UserFacingError

if TYPE_CHECKING:
    from cogs.automod.contract import AutomodContract

log = logging.getLogger(__name__)
CHANGED = "Automod rules are changed"  # the refusal's subject: "… by members with Manage Server"
_IDS = re.compile(r"\d{15,21}")
_DURATION = SettingSpec("automod", "duration", SettingType.DURATION, None, "")
LIST_HINT = "/config automod list"


def parse_json(text: str | None) -> dict[str, Any]:
    """The `config` option: a JSON object ({} when empty)."""
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


def parse_ids(text: str, guild: discord.Guild, kind: str) -> list[int]:
    """Roles or channels given as mentions or ids (all of this guild)."""
    found = [int(m) for m in _IDS.findall(text)]
    lookup = guild.get_role if kind == "role" else guild.get_channel
    missing = [i for i in found if lookup(i) is None]
    if missing or (text.strip() and not found):
        raise BadInput(f"Mention the {kind}s to exempt (or paste their ids).",
                       example="exempt_roles: @Moderators @Bots" if kind == "role" else "exempt_channels: #memes")
    return found


def parse_duration(text: str | None) -> int | None:
    """A duration option ("10m") in seconds (None when not given)."""
    if text is None:
        return None
    try:
        return parse_value(_DURATION, text)
    except InvalidSettingValue as exc:
        raise BadInput(str(exc), example="duration: 10m") from None


def merged_config(base: dict[str, Any], guild: discord.Guild, *, config: str | None, words: str | None,
                  pattern: str | None, whole_word: bool | None, exempt_roles: str | None,
                  exempt_channels: str | None) -> dict[str, Any]:
    """A rule's config with the options given (None: unchanged) merged in."""
    merged = {**base, **parse_json(config)}
    if words is not None:
        merged["words"] = [w.strip() for w in words.split(",") if w.strip()]
    if pattern is not None:
        merged["pattern"] = pattern
    if whole_word is not None:
        merged["whole_word"] = whole_word
    if exempt_roles is not None:
        merged["exempt_roles"] = parse_ids(exempt_roles, guild, "role")
    if exempt_channels is not None:
        merged["exempt_channels"] = parse_ids(exempt_channels, guild, "channel")
    return merged


class AutomodEditor:
    """Rules and actions of every guild, changed as a member."""

    def __init__(self, cog: AutomodContract) -> None:
        self._cog = cog

    async def rules(self, guild_id: int) -> list[Rule]:
        """The guild's rules with their actions, in id order."""
        return [Rule.from_row(row) for row in await repo.rules(self._cog.pool, guild_id)]

    async def actions(self, guild_id: int) -> list[Any]:
        """The guild's actions (rows: id, action_type, severity, config), in id order."""
        return await repo.actions(self._cog.pool, guild_id)

    async def rule_row(self, guild_id: int, rule_id: int) -> Any:
        """One rule of this guild, or the refusal naming it."""
        row = await repo.rule(self._cog.pool, guild_id, rule_id)
        if row is None:
            raise BadInput(f"There is no automod rule #{rule_id} on this server.", example=LIST_HINT)
        return row

    async def _action_id(self, guild_id: int, action_id: int | None) -> int | None:
        if action_id is not None and await repo.action(self._cog.pool, guild_id, action_id) is None:
            raise BadInput(f"There is no automod action #{action_id} on this server.",
                           example="/config automod action_add type:timeout severity:3 duration:10m")
        return action_id

    async def add_rule(self, member: discord.Member, *, name: str, type: str, action: int | None = None,
                       words: str | None = None, pattern: str | None = None, whole_word: bool | None = None,
                       trial: bool = False, config: str | None = None, exempt_roles: str | None = None,
                       exempt_channels: str | None = None) -> int:
        """Add a rule as `member`; its id."""
        require_manage_server(member, CHANGED)
        guild_id = member.guild.id
        name = name.strip()
        if not 1 <= len(name) <= 100:
            raise BadInput("A rule's name is 1 to 100 characters.", example="name: no invites")
        merged = merged_config({}, member.guild, config=config, words=words, pattern=pattern, whole_word=whole_word,
                               exempt_roles=exempt_roles, exempt_channels=exempt_channels)
        cleaned = clean_rule_config(type, merged)
        if type == "ai" and not await premium_of(self._cog.bot).guild_has_premium(guild_id):
            raise UserFacingError("AI rules are a premium feature: this server has no active premium subscription.")
        action_id = await self._action_id(guild_id, action)
        rule_id = await repo.create_rule(self._cog.pool, guild_id, type, name, cleaned, action_id, trial, member.id,
                                         self._cog.bot.clock.now())
        self._cog.cache.invalidate(guild_id)
        log.info("Guild %s: automod rule #%s (%s) added by %s", guild_id, rule_id, type, member.id)
        return rule_id

    async def edit_rule(self, member: discord.Member, rule: int, *, name: str | None = None,
                        action: int | None = None, clear_action: bool = False, words: str | None = None,
                        pattern: str | None = None, whole_word: bool | None = None, trial: bool | None = None,
                        config: str | None = None, exempt_roles: str | None = None,
                        exempt_channels: str | None = None) -> None:
        """Change the fields given (None: unchanged) of a rule as `member`."""
        require_manage_server(member, CHANGED)
        guild_id = member.guild.id
        row = await self.rule_row(guild_id, rule)
        new_config = None
        if any(v is not None for v in (words, pattern, whole_word, config, exempt_roles, exempt_channels)):
            merged = merged_config(dict(row["config"] or {}), member.guild, config=config, words=words,
                                   pattern=pattern, whole_word=whole_word, exempt_roles=exempt_roles,
                                   exempt_channels=exempt_channels)
            new_config = clean_rule_config(row["rule_type"], merged)
        action_id = await self._action_id(guild_id, action)
        await repo.update_rule(self._cog.pool, guild_id, rule, name=name, config=new_config, action_id=action_id,
                               set_action=clear_action or action is not None, trial=trial,
                               now=self._cog.bot.clock.now())
        self._cog.cache.invalidate(guild_id)
        log.info("Guild %s: automod rule #%s edited by %s", guild_id, rule, member.id)

    async def remove_rule(self, member: discord.Member, rule: int) -> str:
        """Delete a rule as `member`; its name."""
        require_manage_server(member, CHANGED)
        name = await repo.delete_rule(self._cog.pool, member.guild.id, rule)
        if name is None:
            raise BadInput(f"There is no automod rule #{rule} on this server.", example=LIST_HINT)
        self._cog.cache.invalidate(member.guild.id)
        log.info("Guild %s: automod rule #%s deleted by %s", member.guild.id, rule, member.id)
        return name

    async def set_rule_enabled(self, member: discord.Member, rule: int, enabled: bool) -> None:
        """Turn a rule on or off as `member`."""
        require_manage_server(member, CHANGED)
        await self.rule_row(member.guild.id, rule)
        await repo.update_rule(self._cog.pool, member.guild.id, rule, enabled=enabled, now=self._cog.bot.clock.now())
        self._cog.cache.invalidate(member.guild.id)
        log.info("Guild %s: automod rule #%s %s by %s", member.guild.id, rule, "enabled" if enabled else "disabled",
                 member.id)

    async def add_action(self, member: discord.Member, *, type: str, severity: int = 1, duration: str | None = None,
                         role: discord.Role | None = None, keep_message: bool = False) -> int:
        """Add an action as `member` (a mute role only one they could give themselves); its id."""
        require_manage_server(member, CHANGED)
        config: dict[str, Any] = {}
        if duration is not None:
            config["duration"] = parse_duration(duration)
        if role is not None:
            check_role_grant(role, member, member.guild.me)  # the mute role is given by the bot
            config["role_id"] = role.id
        if keep_message:
            config["delete_message"] = False
        clean_action(type, severity, config)
        action_id = await repo.create_action(self._cog.pool, member.guild.id, type, severity, config, member.id,
                                             self._cog.bot.clock.now(),
                                             role_set_by=member.id if role is not None else None)
        log.info("Guild %s: automod action #%s (%s) added by %s", member.guild.id, action_id, type, member.id)
        return action_id

    async def edit_action(self, member: discord.Member, action: int, *, type: str | None = None,
                          severity: int | None = None, duration: str | None = None,
                          role: discord.Role | None = None) -> None:
        """Change an action as `member` (every rule using it follows)."""
        require_manage_server(member, CHANGED)
        guild_id = member.guild.id
        row = await repo.action(self._cog.pool, guild_id, action)
        if row is None:
            raise BadInput(f"There is no automod action #{action} on this server.", example=LIST_HINT)
        config = dict(row["config"] or {})
        if duration is not None:
            config["duration"] = parse_duration(duration)
        if role is not None:
            check_role_grant(role, member, member.guild.me)  # the mute role is given by the bot
            config["role_id"] = role.id
        new_type, new_severity = type or row["action_type"], severity or row["severity"]
        clean_action(new_type, new_severity, config)
        await repo.update_action(self._cog.pool, guild_id, action, new_type, new_severity, config,
                                 role_set_by=member.id if role is not None else None)
        self._cog.cache.invalidate(guild_id)
        log.info("Guild %s: automod action #%s edited by %s", guild_id, action, member.id)

    async def remove_action(self, member: discord.Member, action: int) -> None:
        """Delete an action as `member` (its rules then only log)."""
        require_manage_server(member, CHANGED)
        if not await repo.delete_action(self._cog.pool, member.guild.id, action):
            raise BadInput(f"There is no automod action #{action} on this server.", example=LIST_HINT)
        self._cog.cache.invalidate(member.guild.id)
        log.info("Guild %s: automod action #%s deleted by %s", member.guild.id, action, member.id)
