"""Command permission rules and per-guild cooldowns: admins allow or deny any command (or a whole group, or every
command) for a role, a channel, a member or the whole server, and limit how often a member may run one.

The rules only narrow what Discord already lets a member do: an "allow" never skips a command's own checks or the
Discord permissions it needs. They are enforced by the command tree's check before any command runs
(`core.command_tree.guard`), for slash commands and context menus alike.

**How a rule is chosen** (`decide`): the command's names are tried from the most specific to the most general,
e.g. `ticket close`, then `ticket`, then `*` (every command). At the first name that has rules matching the
member here, the most specific kind of rule decides:

1. a rule for the member;
2. rules for their roles: one allowed role allows, otherwise a denied role denies;
3. a rule for the channel (or for the category the channel is in);
4. the server default for that name.

No rule at any name: the command may be used. The server owner and members with Administrator are never refused,
so nobody can lock the admins out; `/config` is never refused either (it needs Manage Server anyway).

Rules and cooldowns live in `command_rules` and `command_cooldowns`, are cached per guild (`GuildCache`, one query
per guild), and every change notifies `hearth_command_rules`, so other bot processes drop their copy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import discord
from discord import app_commands

from core.db import HearthPool
from core.guild_cache import GuildCache
from core.notify import change_and_notify
from utils.clock import Clock
from utils.cooldowns import Cooldown, OnCooldown
from utils.errors import UserFacingError

NOTIFY_CHANNEL = "hearth_command_rules"
EVERY_COMMAND = "*"
TARGET_KINDS = ("member", "role", "channel", "server")
NEVER_REFUSED = frozenset({"config"})  # root commands no rule may refuse

_RULES = "SELECT id, command, target_type, target_id, allow FROM command_rules WHERE guild_id = $1"
_COOLDOWNS = "SELECT command, uses, per_seconds FROM command_cooldowns WHERE guild_id = $1"
_UPSERT_RULE = """
    INSERT INTO command_rules (guild_id, command, target_type, target_id, allow, created_by, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7)
    ON CONFLICT (guild_id, command, target_type, target_id) DO UPDATE
        SET allow = EXCLUDED.allow, created_by = EXCLUDED.created_by, created_at = EXCLUDED.created_at
    RETURNING id
"""
_DELETE_RULE = """
    DELETE FROM command_rules WHERE guild_id = $1 AND command = $2 AND target_type = $3 AND target_id = $4
    RETURNING id
"""
_UPSERT_COOLDOWN = """
    INSERT INTO command_cooldowns (guild_id, command, uses, per_seconds, created_by, created_at)
    VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (guild_id, command) DO UPDATE SET uses = EXCLUDED.uses, per_seconds = EXCLUDED.per_seconds,
        created_by = EXCLUDED.created_by, created_at = EXCLUDED.created_at
    RETURNING command
"""
_DELETE_COOLDOWN = "DELETE FROM command_cooldowns WHERE guild_id = $1 AND command = $2 RETURNING command"


@dataclass(frozen=True)
class Rule:
    """Allow or deny `command` (a qualified name, a group, or `*`) for one target."""

    id: int
    command: str
    target_type: str  # member, role, channel or server
    target_id: int  # the member, role or channel; the guild for the server default
    allow: bool

    def describe(self) -> str:
        """The rule in words, e.g. "deny `/ticket` for @Muted"."""
        shown = "every command" if self.command == EVERY_COMMAND else f"`/{self.command}`"
        target = {"member": f"<@{self.target_id}>", "role": f"<@&{self.target_id}>",
                  "channel": f"<#{self.target_id}>", "server": "everyone (server default)"}[self.target_type]
        return f"{'allow' if self.allow else 'deny'} {shown} for {target}"


@dataclass(frozen=True)
class Decision:
    """Whether the member may run the command here, and the rule that decided (None: no rule applies)."""

    allowed: bool
    rule: Rule | None = None
    reason: str = ""

    def explain(self) -> str:
        """One line for `/config permissions check`."""
        if self.rule is None:
            return self.reason or "no rule applies"
        return f"by the rule: {self.rule.describe()}"


@dataclass(frozen=True)
class GuildRules:
    """A guild's rules and cooldowns (command → (uses, per seconds)), as cached."""

    rules: tuple[Rule, ...]
    cooldowns: dict[str, tuple[int, int]]


@dataclass(frozen=True)
class Where:
    """Who runs the command where: what the rules look at."""

    member_id: int
    role_ids: frozenset[int]
    channel_id: int | None
    category_id: int | None
    guild_id: int


class CommandRefused(UserFacingError, app_commands.CheckFailure):
    """A permission rule refuses the command to this member here."""

    def __init__(self, decision: Decision) -> None:
        super().__init__("This server's rules don't let you use this command here. "
                         "Try another channel (or ask an admin: /help shows what you may use where).")
        self.decision = decision


def command_names(command: app_commands.Command[Any, ..., Any] | app_commands.ContextMenu | Any) -> list[str]:
    """The names a rule may use for `command`, most specific first: `ticket close`, `ticket`, `*`."""
    qualified = getattr(command, "qualified_name", None) or getattr(command, "name", "")
    parts = qualified.split()
    return [" ".join(parts[:end]) for end in range(len(parts), 0, -1)] + [EVERY_COMMAND]


def decide(rules: Iterable[Rule], names: list[str], where: Where) -> Decision:
    """Apply the rules to one member running a command (its `names`, most specific first) somewhere."""
    by_name: dict[str, list[Rule]] = {}
    for rule in rules:
        by_name.setdefault(rule.command, []).append(rule)
    for name in names:
        decision = _decide_at(by_name.get(name, []), where)
        if decision is not None:
            return decision
    return Decision(True, reason="no rule applies")


def _decide_at(rules: list[Rule], where: Where) -> Decision | None:
    member = [r for r in rules if r.target_type == "member" and r.target_id == where.member_id]
    if member:
        return Decision(member[0].allow, member[0])
    roles = [r for r in rules if r.target_type == "role" and r.target_id in where.role_ids]
    allowed = [r for r in roles if r.allow]
    if allowed or roles:
        chosen = allowed[0] if allowed else roles[0]
        return Decision(chosen.allow, chosen)
    for place in (where.channel_id, where.category_id):
        channel = [r for r in rules if r.target_type == "channel" and r.target_id == place]
        if place is not None and channel:
            return Decision(channel[0].allow, channel[0])
    default = [r for r in rules if r.target_type == "server"]
    return Decision(default[0].allow, default[0]) if default else None


def where_of(interaction: discord.Interaction) -> Where | None:
    """Who and where, from an interaction in a guild (None in direct messages)."""
    member = interaction.user
    if interaction.guild_id is None or not isinstance(member, discord.Member):
        return None
    return _where(member, interaction.channel, interaction.guild_id)


def where_for(member: discord.Member, channel: Any) -> Where:
    """Who and where, for `/config permissions check` and `/help`."""
    return _where(member, channel, member.guild.id)


def _where(member: discord.Member, channel: Any, guild_id: int) -> Where:
    parent = getattr(channel, "category_id", None) or getattr(channel, "parent_id", None)
    return Where(member.id, frozenset(role.id for role in member.roles), getattr(channel, "id", None),
                 parent, guild_id)


def exempt(member: discord.Member | discord.User | Any) -> bool:
    """The owner and administrators: never refused by a rule."""
    if not isinstance(member, discord.Member):
        return False
    return member.guild.owner_id == member.id or member.guild_permissions.administrator


class CommandRules:
    """The rules and cooldowns of every guild (`bot.command_rules`), cached, and the check that applies them."""

    def __init__(self, pool: HearthPool, clock: Clock) -> None:
        self.pool = pool
        self.clock = clock
        self._cache: GuildCache[GuildRules] = GuildCache(self._read)
        self._cooldowns: dict[tuple[int, str], Cooldown] = {}

    async def _read(self, guild_id: int) -> GuildRules:
        async with self.pool.acquire() as conn:
            rules = await conn.fetch(_RULES, guild_id)
            cooldowns = await conn.fetch(_COOLDOWNS, guild_id)
        return GuildRules(tuple(Rule(**dict(row)) for row in rules),
                          {row["command"]: (row["uses"], row["per_seconds"]) for row in cooldowns})

    async def of_guild(self, guild_id: int) -> GuildRules:
        """The guild's rules and cooldowns (memory after the first read)."""
        cached = self._cache.peek(guild_id)
        return cached if cached is not None else await self._cache.get(guild_id)

    def on_notification(self, payload: str) -> None:
        """A change committed by any process: drop the guild's cached rules."""
        self._cache.invalidate_payload(payload)

    def mark_stale(self) -> None:
        """The LISTEN connection was lost: re-read on next use (the last known rules answer meanwhile)."""
        self._cache.mark_stale()

    # --- deciding ----------------------------------------------------------------------------------------

    async def decision(self, command: Any, member: discord.Member, channel: Any) -> Decision:
        """What the rules say about `member` running `command` in `channel` (exemptions included)."""
        names = command_names(command)
        if names[-2 if len(names) > 1 else 0] in NEVER_REFUSED or exempt(member):
            return Decision(True, reason="admins and /config are never refused")
        rules = await self.of_guild(member.guild.id)
        return decide(rules.rules, names, where_for(member, channel))

    async def check(self, interaction: discord.Interaction, command: Any, *, count: bool) -> None:
        """Raise `CommandRefused` when a rule refuses the command, or `OnCooldown` when the member used it up
        (counted only with `count`: autocomplete must not use anything up)."""
        member = interaction.user
        if interaction.guild_id is None or not isinstance(member, discord.Member):
            return
        decision = await self.decision(command, member, interaction.channel)
        if not decision.allowed:
            raise CommandRefused(decision)
        if exempt(member):
            return
        rules = await self.of_guild(interaction.guild_id)
        if not rules.cooldowns:
            return
        for name in command_names(command):
            if name in rules.cooldowns:
                cooldown = self._cooldown(interaction.guild_id, name, *rules.cooldowns[name])
                key = (interaction.guild_id, name, member.id)
                if count:
                    cooldown.hit(key)
                else:
                    cooldown.check(key)
                return

    def _cooldown(self, guild_id: int, name: str, uses: int, per: int) -> Cooldown:
        cooldown = self._cooldowns.get((guild_id, name))
        if cooldown is None or (cooldown.rate, cooldown.per) != (uses, per):
            what = "that" if name == EVERY_COMMAND else f"/{name}"
            cooldown = self._cooldowns[(guild_id, name)] = Cooldown(uses, per, self.clock, what=what)
        return cooldown

    # --- changing ----------------------------------------------------------------------------------------

    async def set_rule(self, guild_id: int, command: str, target_type: str, target_id: int, allow: bool, *,
                       by: int) -> None:
        """Store (or change) one rule."""
        await self._write(guild_id, _UPSERT_RULE, guild_id, command, target_type, target_id, allow, by,
                          self.clock.now())

    async def remove_rule(self, guild_id: int, command: str, target_type: str, target_id: int) -> bool:
        """Delete one rule; False when there was none."""
        return await self._write(guild_id, _DELETE_RULE, guild_id, command, target_type, target_id) is not None

    async def set_cooldown(self, guild_id: int, command: str, uses: int, per_seconds: int, *, by: int) -> None:
        """Limit `command` to `uses` per `per_seconds` per member."""
        await self._write(guild_id, _UPSERT_COOLDOWN, guild_id, command, uses, per_seconds, by, self.clock.now())

    async def remove_cooldown(self, guild_id: int, command: str) -> bool:
        """Lift the cooldown of `command`; False when there was none."""
        return await self._write(guild_id, _DELETE_COOLDOWN, guild_id, command) is not None

    async def _write(self, guild_id: int, query: str, *args: Any) -> Any:
        value = await change_and_notify(self.pool, NOTIFY_CHANNEL, guild_id, query, *args)
        self._cache.invalidate(guild_id)
        return value


__all__ = ["CommandRefused", "CommandRules", "Decision", "OnCooldown", "Rule", "Where", "command_names", "decide"]
