"""Role safety: whoever configures a role the bot gives may only make the bot do what they could do themselves.

One check, used when a role-granting setting is set (`/config set`, `/config import`, `/config rollback`, every
setup command) and again each time the role is given, against the member who set it:

1. never @everyone, never a managed role (a bot's or an integration's: Discord hands those out itself);
2. the setter is still on the server and has **Manage Roles** (the owner always passes);
3. the role is below the bot's highest role (Discord refuses otherwise);
4. the role is below the setter's highest role (the owner is exempt);
5. a role carrying a dangerous permission (Administrator, Manage Server/Roles/Channels/Webhooks, Ban/Kick/Timeout
   Members, Mention Everyone, Manage Messages) only when the setter is the owner or has Administrator.

`role_refusal` is a pure function over discord.py objects, so every feature and test can use it directly.
`RoleGrants` (one per bot, `bot.role_grants`) is its grant-time wrapper: it looks the setter up, and tells the
guild's log channel once per cause when a role is not given.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

import discord

from core.guild_kit import post_to_log
from utils.errors import BadInput, permission_name
from utils.members import find_member

if TYPE_CHECKING:
    from core.guild_kit import GuildLogBot

log = logging.getLogger(__name__)

DANGEROUS_PERMISSIONS = ("administrator", "manage_guild", "manage_roles", "manage_channels", "manage_webhooks",
                         "ban_members", "kick_members", "moderate_members", "mention_everyone", "manage_messages")
REPORTED_LIMIT = 10_000  # distinct causes remembered per process before the memory is cleared


class RoleRule(StrEnum):
    """Which rule of the check a role failed."""

    EVERYONE = "everyone"
    MANAGED = "managed"
    SETTER_GONE = "setter_gone"
    SETTER_MANAGE_ROLES = "setter_manage_roles"
    BOT_POSITION = "bot_position"
    SETTER_POSITION = "setter_position"
    DANGEROUS = "dangerous"


# What the member who did not get the role is told (short, no names of staff).
_MEMBER_REASONS = {
    RoleRule.EVERYONE: "that role can't be given by a bot",
    RoleRule.MANAGED: "that role can't be given by a bot",
    RoleRule.SETTER_GONE: "it was set up by someone who may no longer hand it out",
    RoleRule.SETTER_MANAGE_ROLES: "it was set up by someone who may not hand it out",
    RoleRule.SETTER_POSITION: "it was set up by someone who may not hand it out",
    RoleRule.BOT_POSITION: "it sits above my own role",
    RoleRule.DANGEROUS: "it carries moderator or admin permissions",
}


@dataclass(frozen=True)
class RoleRefusal:
    """A failed check: the rule, and a sentence saying why (for the admin who set it, or for the log)."""

    rule: RoleRule
    reason: str

    def member_text(self, role: discord.Role) -> str:
        """The short explanation for the member who did not get the role."""
        name = discord.utils.escape_markdown(role.name)
        return (f"I can't give you the **{name}** role right now: {_MEMBER_REASONS[self.rule]}. "
                "The server's admins have been told.")


class RoleRefused(BadInput):
    """A role setting refused by the check, as an ephemeral answer to the admin."""

    def __init__(self, refusal: RoleRefusal) -> None:
        super().__init__(refusal.reason)
        self.refusal = refusal


def dangerous_permissions(role: discord.Role) -> list[str]:
    """Discord's names of the dangerous permissions `role` carries (empty = none)."""
    return [permission_name(flag) for flag in DANGEROUS_PERMISSIONS if getattr(role.permissions, flag)]


def basic_refusal(role: discord.Role) -> RoleRefusal | None:
    """The rule every role setting follows, granted or not: never @everyone, never a managed role."""
    if role.is_default():
        return RoleRefusal(RoleRule.EVERYONE, "@everyone can't be used here: every member has it. Pick a normal role.")
    if role.managed:
        return RoleRefusal(RoleRule.MANAGED, f"@{role.name} is managed by a bot or an integration (Discord hands it "
                                             "out itself), so it can't be used here. Pick a normal role.")
    return None


def role_refusal(role: discord.Role, setter: discord.Member | None, bot_member: discord.Member | None, *,
                 actor: bool = True, setter_id: int | None = None) -> RoleRefusal | None:
    """Why the bot must not give `role` on behalf of `setter` (None = it may).

    `actor` words the reason for the setter themselves ("you"); otherwise for the log channel, naming the setter
    (`setter_id` names a setter who is no longer on the server).
    """
    basic = basic_refusal(role)
    if basic is not None:
        return basic
    who = "you" if actor else (setter.mention if setter is not None else "")
    if setter is None:
        gone = (f"<@{setter_id}>, who set it, is no longer on the server" if setter_id
                else "nobody on the server is recorded as having set it")
        return RoleRefusal(RoleRule.SETTER_GONE, f"I won't give @{role.name}: {gone}. Someone with **Manage Roles** "
                                                 "must set it again.")
    is_owner = setter.id == setter.guild.owner_id
    permissions = setter.guild_permissions
    if not (is_owner or permissions.manage_roles):
        text = (f"You need the **Manage Roles** permission to make me give @{role.name}." if actor else
                f"I won't give @{role.name}: {who}, who set it, doesn't have the **Manage Roles** permission.")
        return RoleRefusal(RoleRule.SETTER_MANAGE_ROLES, text)
    if bot_member is not None and role >= bot_member.top_role:
        return RoleRefusal(RoleRule.BOT_POSITION, f"@{role.name} is not below my highest role "
                                                  f"(@{bot_member.top_role.name}), so Discord won't let me give it: "
                                                  "move my role above it in Server Settings → Roles, or pick a "
                                                  "lower role.")
    if not is_owner and role >= setter.top_role:
        text = (f"@{role.name} is not below your highest role (@{setter.top_role.name}), so you can't make me give "
                "it." if actor else
                f"I won't give @{role.name}: it is not below the highest role of {who}, who set it.")
        return RoleRefusal(RoleRule.SETTER_POSITION, text)
    dangerous = dangerous_permissions(role)
    if dangerous and not (is_owner or permissions.administrator):
        names = ", ".join(dangerous)
        text = (f"@{role.name} carries dangerous permissions ({names}): only the server owner or an "
                "Administrator can make me give it." if actor else
                f"I won't give @{role.name}: it carries dangerous permissions ({names}) and {who}, who set it, is "
                "neither the server owner nor an Administrator.")
        return RoleRefusal(RoleRule.DANGEROUS, text)
    return None


def check_role_grant(role: discord.Role, setter: discord.Member, bot_member: discord.Member | None) -> None:
    """Set time: raise `RoleRefused` (an ephemeral answer naming the failed rule) unless `setter` may do this."""
    refusal = role_refusal(role, setter, bot_member, actor=True)
    if refusal is not None:
        raise RoleRefused(refusal)


class RoleGrants:
    """The grant-time check: is `role` still safe to give on behalf of whoever configured it?

    A refusal is posted to the guild's log channel once per cause (guild, role, setter, rule) and process, so a
    misconfigured role does not flood the log with one message per member.
    """

    def __init__(self, bot: GuildLogBot) -> None:
        self.bot = bot
        self._reported: set[tuple[int, int, int | None, RoleRule]] = set()

    async def refusal(self, guild: discord.Guild, role: discord.Role, setter_id: int | None, *,
                      source: str) -> RoleRefusal | None:
        """None when the bot may give `role`; else the refusal, reported to the log channel (once per cause).

        `source` names where the role is configured, for the log (e.g. "`gdpr.role`")."""
        setter = await find_member(guild, setter_id)
        refusal = role_refusal(role, setter, guild.me, actor=False, setter_id=setter_id)
        if refusal is not None:
            await self._report(guild, role, setter_id, refusal, source)
        return refusal

    async def setting_refusal(self, guild: discord.Guild, role: discord.Role, scope: str,
                              key: str) -> RoleRefusal | None:
        """`refusal` for a role held by a setting: checked against the member who last set it."""
        setter_id = await self.bot.guild_settings.setter(guild.id, scope, key)
        return await self.refusal(guild, role, setter_id, source=f"`{scope}.{key}`")

    async def _report(self, guild: discord.Guild, role: discord.Role, setter_id: int | None, refusal: RoleRefusal,
                      source: str) -> None:
        cause = (guild.id, role.id, setter_id, refusal.rule)
        if cause in self._reported:
            return
        if len(self._reported) >= REPORTED_LIMIT:
            self._reported.clear()
        self._reported.add(cause)
        text = (f"⛔ I did not give {role.mention} (configured in {source}): {refusal.reason}\n"
                "Members who should get it are told that the admins know. (Reported once.)")
        problem = await post_to_log(self.bot, guild, content=text)
        if problem:
            log.warning("Guild %s: role %s not given (%s); could not tell the log channel: %s", guild.id, role.id,
                        refusal.rule, problem)
