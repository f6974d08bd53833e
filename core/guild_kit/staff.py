"""Who is staff for a feature: one declared `StaffRule` per feature, checked by one function, `is_staff`.

A rule names the Discord permissions that make a member staff (any one of them is enough) and where they are
read: the member's server-wide permissions (`GUILD`), or the permissions of the interaction (`CHANNEL`: what
Discord computed for the channel the command or button was used in, overwrites applied). It also names the role
settings that make a member staff, in order, and how they combine: `FIRST_SET` — the first one that is set is the
staff role (a feature's own role replaces the server's `system.staff_role`, it does not add to it) — or `ANY` —
every one that is set counts.

    STAFF = StaffRule(permissions=("manage_channels", "manage_guild"), where=GUILD,
                      roles=(("tickets", "staff_role"), ("system", "staff_role")), combine=FIRST_SET)
    if await is_staff(bot, STAFF, member): ...
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

import discord
from discord import app_commands

from utils.errors import UserFacingError

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from core.guild_settings import GuildSettings
    from core.settings_registry import SettingSpec

GUILD: Literal["guild"] = "guild"  # the member's server-wide permissions
CHANNEL: Literal["channel"] = "channel"  # the interaction's permissions (its channel, overwrites applied)
FIRST_SET: Literal["first set"] = "first set"  # the first role setting that is set is the staff role
ANY: Literal["any"] = "any"  # every role setting that is set counts


class StaffBot(Protocol):
    """What the staff check uses of the bot (`HearthBot` provides it)."""

    @property
    def guild_settings(self) -> GuildSettings:
        """Per-guild settings (the role settings of the rules)."""


@dataclass(frozen=True)
class StaffRule:
    """Who counts as staff for one feature: any of `permissions` (read `where`), or a role of `roles`."""

    permissions: tuple[str, ...]  # discord.py permission names; any one of them is enough
    roles: tuple[SettingSpec[int | None], ...]  # role settings, in order
    where: Literal["guild", "channel"] = GUILD
    combine: Literal["first set", "any"] = FIRST_SET

    def __post_init__(self) -> None:
        unknown = [name for name in self.permissions if name not in discord.Permissions.VALID_FLAGS]
        if unknown:  # a typo would silently make nobody staff by permission
            raise ValueError(f"unknown Discord permission(s) in a staff rule: {', '.join(unknown)}")


async def _role_ids(bot: StaffBot, rule: StaffRule, guild_id: int | None) -> AsyncIterator[int]:
    """The staff role ids the rule's settings name, read one at a time (a `FIRST_SET` rule stops at the first)."""
    for spec in rule.roles:
        role_id = await bot.guild_settings.setting(guild_id, spec)
        if role_id:
            yield role_id
            if rule.combine == FIRST_SET:
                return


async def staff_roles(bot: StaffBot, rule: StaffRule, guild: discord.Guild) -> list[discord.Role]:
    """The guild's staff roles under `rule` that still exist (for overwrites and mentions): with `FIRST_SET` at most
    one — the first role setting that is set, or none when that role was deleted."""
    return [role async for role_id in _role_ids(bot, rule, guild.id) if (role := guild.get_role(role_id))]


async def is_staff(bot: StaffBot, rule: StaffRule, who: discord.abc.User | discord.Interaction) -> bool:
    """Whether a member is staff under `rule`: one of its permissions, or one of its roles.

    `who` is the member, or the interaction they are using. A `CHANNEL` rule needs the interaction (its
    permissions are the ones that count); a `GUILD` rule reads the member's server-wide permissions either way.
    Someone who is not a member of the guild (a user object) is never staff by role, nor by guild permission.
    """
    if isinstance(who, discord.Interaction):
        user, guild_id = who.user, who.guild_id
        if rule.where == CHANNEL and any(getattr(who.permissions, name) for name in rule.permissions):
            return True
    else:
        if rule.where == CHANNEL:
            raise TypeError("a staff rule on channel permissions is checked on the interaction, not the member")
        user, guild_id = who, None
    if not isinstance(user, discord.Member):
        return False
    if rule.where == GUILD:
        have = user.guild_permissions
        if any(getattr(have, name) for name in rule.permissions):
            return True
        guild_id = user.guild.id
    async for role_id in _role_ids(bot, rule, guild_id):
        if user.get_role(role_id) is not None:
            return True
    return False


def require_manage_server(member: discord.Member, what: str) -> None:
    """Refuse a member without Manage Server: the rule of `/config`, checked again by a feature's editor for every
    caller (its slash command, the dashboard, the API). `what` says what is changed: "Onboarding is changed"."""
    if not member.guild_permissions.manage_guild:
        raise UserFacingError(f"{what} by members with Manage Server; you do not have it here.")


StaffTest = Callable[[discord.Interaction], Awaitable[bool]]


def staff_check(rule: StaffRule | StaffTest, refusal: str) -> StaffTest:
    """The check behind `staff_only`, for a context menu's `add_check`: True for staff, else `UserFacingError`."""

    async def predicate(interaction: discord.Interaction) -> bool:
        allowed = (await is_staff(interaction.client, rule, interaction)  # type: ignore[arg-type]
                   if isinstance(rule, StaffRule) else await rule(interaction))
        if not allowed:
            raise UserFacingError(refusal)
        return True

    return predicate


def staff_only(rule: StaffRule | StaffTest, refusal: str) -> Callable[[Any], Any]:
    """A command check: only staff under `rule` (or a feature's own test, e.g. "staff of any ticket category") may
    run the command; others get `refusal`. As a check (not a test in the command's body), it also keeps the command
    out of `/help` and autocomplete for members who may not run it. A command whose staff depends on the item acted
    on (a ticket's category) still checks that in its body."""
    return app_commands.check(staff_check(rule, refusal))
