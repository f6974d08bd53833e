"""What the roles feature works with: menus and their options, reaction roles, autoroles, and the per-guild
configuration the hot path reads from the cache (no SQL, no Discord calls here)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

STYLES = ("buttons", "select")
MODES = ("normal", "unique", "verify", "drop", "limit", "temporary")
REACTION_MODES = ("normal", "verify", "drop")
TARGETS = ("members", "bots")
AFTER = ("join", "verification", "onboarding")
MAX_OPTIONS = 25  # Discord: 25 buttons (5 rows of 5) per message, 25 options per select menu

MODE_HELP = {
    "normal": "click a role to get it, click again to drop it",
    "unique": "you can have one role of this menu: picking one drops the other",
    "verify": "roles can be taken, not dropped",
    "drop": "roles can be dropped, not taken",
    "limit": "you can have at most {limit} roles of this menu",
    "temporary": "roles are removed again after {duration}",
}


@dataclass(frozen=True)
class Option:
    """One role of a menu, as shown (label, emoji, description) and who added it (the grants are on their behalf)."""

    role_id: int
    label: str
    emoji: str | None
    description: str | None
    added_by: int | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Option:
        return cls(row["role_id"], row["label"], row["emoji"], row["description"], row["added_by"])


@dataclass(frozen=True)
class Menu:
    """A role menu with its options in order."""

    id: int
    guild_id: int
    name: str
    title: str | None
    description: str | None
    style: str
    mode: str
    max_roles: int | None
    duration_seconds: int | None
    required_role_id: int | None
    options: tuple[Option, ...] = ()

    @classmethod
    def from_row(cls, row: Mapping[str, Any], options: list[Option] | tuple[Option, ...] = ()) -> Menu:
        return cls(row["id"], row["guild_id"], row["name"], row["title"], row["description"], row["style"],
                   row["mode"], row["max_roles"], row["duration_seconds"], row["required_role_id"], tuple(options))

    def option(self, role_id: int) -> Option | None:
        """The option of `role_id`, if the role is in the menu."""
        return next((option for option in self.options if option.role_id == role_id), None)

    @property
    def role_ids(self) -> list[int]:
        return [option.role_id for option in self.options]


@dataclass(frozen=True)
class ReactionRole:
    """A reaction role: reacting with `emoji` on the message gives (or, in drop mode, takes) the role."""

    id: int
    channel_id: int
    message_id: int
    emoji: str
    role_id: int
    mode: str
    added_by: int | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> ReactionRole:
        return cls(row["id"], row["channel_id"], row["message_id"], row["emoji"], row["role_id"], row["mode"],
                   row["added_by"])


@dataclass(frozen=True)
class Autorole:
    """A role given to new members or bots: on join, or once the member passed verification or onboarding, after
    `delay_seconds`."""

    id: int
    role_id: int
    target: str
    after: str
    delay_seconds: int
    added_by: int | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Autorole:
        return cls(row["id"], row["role_id"], row["target"], row["after"], row["delay_seconds"], row["added_by"])


@dataclass(frozen=True)
class GuildRoles:
    """What the hot path (reactions, joins, leaves, deleted messages) needs of a guild, loaded once and cached:
    reaction roles by message and emoji, the autoroles, the sticky roles (role → who added it) and the messages
    menus are posted in."""

    reactions: Mapping[int, Mapping[str, ReactionRole]] = field(default_factory=dict)
    autoroles: tuple[Autorole, ...] = ()
    sticky: Mapping[int, int | None] = field(default_factory=dict)
    posts: frozenset[int] = frozenset()

    def autoroles_for(self, target: str, after: str) -> list[Autorole]:
        """The autoroles of `target` (members or bots) given after `after` (join, verification, onboarding)."""
        return [a for a in self.autoroles if a.target == target and a.after == after]
