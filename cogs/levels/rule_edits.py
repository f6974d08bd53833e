"""Changing a server's level roles and XP multipliers: the one code path of `/config levels role_add|role_remove|
multiplier|noxp` and of the dashboard's levels page (through `LevelsApi`). Each function checks what the command's
parameter types check (level 1–1000, multiplier 0–10) and the trust boundary (role safety against the member
setting a level role), writes, drops the cached rules and returns the confirmation in words (Markdown mentions)."""

from __future__ import annotations

from typing import Any, Protocol

import discord

from cogs.levels import repo
from cogs.levels.rules import GuildRules
from core.role_safety import check_role_grant
from utils.errors import BadInput

MAX_LEVEL_ROLES = 100
MAX_LEVEL = 1000
MAX_MULTIPLIER = 10.0


class LevelsCog(Protocol):
    """What these edits use of the levels cog: its pool, its rules cache and the guild's rules."""

    bot: Any
    rules: Any  # the GuildCache of rules, invalidated after a change

    @property
    def pool(self) -> Any: ...

    async def guild_rules(self, guild_id: int) -> GuildRules: ...


async def add_level_role(cog: LevelsCog, actor: discord.Member, level: int, role: discord.Role) -> str:
    """Give `role` at `level`, set by `actor` (checked against them now and at every grant)."""
    guild = actor.guild
    if not 1 <= level <= MAX_LEVEL:
        raise BadInput(f"The level must be a whole number from 1 to {MAX_LEVEL}.")
    check_role_grant(role, actor, guild.me)  # role safety, against the admin setting it
    rules = await cog.guild_rules(guild.id)
    if role.id not in rules.role_ids and len(rules.roles) >= MAX_LEVEL_ROLES:
        raise BadInput(f"A server can have at most {MAX_LEVEL_ROLES} level roles; remove one first.")
    await repo.set_level_role(cog.pool, guild.id, level, role.id, actor.id, cog.bot.clock.now())
    cog.rules.invalidate(guild.id)
    text = (f"✅ Members reaching level {level} get {role.mention}. Members already past it get it at their next "
            "level-up.")
    if not guild.me.guild_permissions.manage_roles:
        text += "\n⚠️ I don't have the **Manage Roles** permission yet, so I can't give it until I do."
    return text


async def remove_level_role(cog: LevelsCog, guild: discord.Guild, role_id: int, mention: str) -> str:
    """Stop giving a level role (members keep it)."""
    level = await repo.remove_level_role(cog.pool, guild.id, role_id)
    if level is None:
        raise BadInput(f"{mention} is not a level role.", example="/config levels roles")
    cog.rules.invalidate(guild.id)
    return f"✅ {mention} is no longer given at level {level} (members who have it keep it)."


async def set_multiplier(cog: LevelsCog, guild: discord.Guild, kind: str, target_id: int, mention: str,
                         value: float) -> str:
    """A channel's (or category's) or role's XP multiplier: 0 = no XP, 1 = normal (removes the entry)."""
    if not 0 <= value <= MAX_MULTIPLIER:
        raise BadInput(f"The multiplier must be from 0 (no XP) to {MAX_MULTIPLIER:g}; 1 is the normal rate.")
    if value == 1:
        removed = await repo.remove_multiplier(cog.pool, guild.id, kind, target_id)
        text = f"✅ {mention} earns normal XP again." if removed else f"{mention} already earns normal XP."
    else:
        await repo.set_multiplier(cog.pool, guild.id, kind, target_id, value)
        text = (f"✅ No XP {'in' if kind == 'channel' else 'for members with'} {mention}." if value == 0 else
                f"✅ XP ×{value:g} {'in' if kind == 'channel' else 'for members with'} {mention}.")
    cog.rules.invalidate(guild.id)
    return text
