"""A guild's level roles and multipliers, as the hot path reads them (cached per guild, `core.guild_cache`), and
the pure rules built on them: the XP multiplier of a message or a minute in voice, and the level roles a member
should hold at a level."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

NO_XP = 0.0


@dataclass(frozen=True)
class LevelRole:
    """The role given on reaching `level`, and who set it (the role-safety check runs against them)."""

    level: int
    role_id: int
    set_by: int | None


@dataclass(frozen=True)
class GuildRules:
    """Level roles (sorted by level) and multipliers by channel and by role (0 = no XP)."""

    roles: tuple[LevelRole, ...] = ()
    channels: dict[int, float] = field(default_factory=dict)
    member_roles: dict[int, float] = field(default_factory=dict)

    @property
    def role_ids(self) -> set[int]:
        """Every level role."""
        return {role.role_id for role in self.roles}

    def multiplier(self, places: Iterable[int | None], role_ids: Iterable[int]) -> float:
        """The XP multiplier for a member with `role_ids` in the first of `places` (the channel, then its parent:
        a thread's channel or a channel's category) that has one: the place's multiplier times the member's
        highest role multiplier; 0 when the place or any of their roles is a no-XP one."""
        place = next((self.channels[p] for p in places if p is not None and p in self.channels), 1.0)
        if place == NO_XP:
            return NO_XP
        boosts = [self.member_roles[r] for r in role_ids if r in self.member_roles]
        if any(boost == NO_XP for boost in boosts):
            return NO_XP
        return place * max(boosts, default=1.0)

    def wanted(self, level: int, mode: str) -> list[LevelRole]:
        """The level roles a member at `level` should hold: every one reached (`stack`), or those of the highest
        level reached that has roles (`replace`)."""
        reached = [role for role in self.roles if role.level <= level]
        if mode == "replace" and reached:
            top = reached[-1].level
            return [role for role in reached if role.level == top]
        return reached

    def newly_reached(self, old_level: int, new_level: int) -> list[LevelRole]:
        """The level roles of the levels in (old_level, new_level]."""
        return [role for role in self.roles if old_level < role.level <= new_level]
