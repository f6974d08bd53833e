"""Who may moderate, and on whom: the staff rules and the checks every member action runs before acting.

The trust boundary: a moderator only makes the bot do what they could do themselves. Each action needs the
moderator's own Discord permission for it (Ban Members to ban: `system.staff_role` alone never lets anyone ban),
the moderator must outrank the target, and the bot must hold the permission and outrank the target too. Every
refusal says exactly what is missing.
"""

from __future__ import annotations

import discord

from core.guild_kit import GUILD, StaffRule
from core.settings_registry import SYSTEM_STAFF_ROLE
from utils.errors import UserFacingError, permission_name

# Warnings, cases, notes and /whois (nothing happens on Discord): any moderation permission, or the staff role.
MODERATORS = StaffRule(permissions=("moderate_members", "kick_members", "ban_members", "manage_guild"),
                       where=GUILD, roles=(SYSTEM_STAFF_ROLE,))
# Deleting a case: admins only (Manage Server), no role counts.
CASE_ADMINS = StaffRule(permissions=("manage_guild",), where=GUILD, roles=())
# The member actions: the moderator's own Discord permission for the action is what counts, no role does.
ACTION_PERMISSION = {"timeout": "moderate_members", "untimeout": "moderate_members", "kick": "kick_members",
                     "ban": "ban_members", "tempban": "ban_members", "softban": "ban_members",
                     "unban": "ban_members"}
ACTION_RULES = {action: StaffRule(permissions=(flag,), where=GUILD, roles=())
                for action, flag in ACTION_PERMISSION.items()}
VERBS = {"warn": "warn", "timeout": "time out", "untimeout": "lift the timeout of", "kick": "kick", "ban": "ban",
         "tempban": "ban", "softban": "softban", "unban": "unban"}


def missing_own_permission(action: str, moderator: discord.Member) -> str | None:
    """The refusal when the moderator lacks the Discord permission for `action` themselves, else None."""
    flag = ACTION_PERMISSION[action]
    if getattr(moderator.guild_permissions, flag):
        return None
    return (f"You need the **{permission_name(flag)}** permission to {VERBS[action]} members: I only do what "
            "you could do yourself.")


def missing_bot_permission(action: str, guild: discord.Guild) -> str | None:
    """The refusal when the bot lacks the Discord permission for `action`, else None."""
    flag = ACTION_PERMISSION[action]
    if getattr(guild.me.guild_permissions, flag):
        return None
    return (f"I'm missing the **{permission_name(flag)}** permission in this server, so I can't {VERBS[action]} "
            "members. Grant it to my role in Server Settings → Roles.")


def hierarchy_problem(action: str, moderator: discord.Member, target: discord.Member) -> str | None:
    """Why neither the moderator nor the bot may act on `target` (role hierarchy, both ways), or None."""
    guild = target.guild
    verb = VERBS[action]
    if target.id == guild.me.id:
        return f"I can't {verb} myself."
    if target.id == moderator.id:
        return f"You can't {verb} yourself."
    if target.id == guild.owner_id:
        return f"I can't {verb} {target.mention}: they own the server."
    if moderator.id != guild.owner_id and target.top_role >= moderator.top_role:
        return (f"You can't {verb} {target.mention}: their highest role {target.top_role.mention} is at or above "
                f"yours ({moderator.top_role.mention}).")
    if target.top_role >= guild.me.top_role:
        return (f"I can't {verb} {target.mention}: their highest role {target.top_role.mention} is at or above mine "
                f"({guild.me.top_role.mention}). Move my role above theirs in Server Settings → Roles.")
    if action in ("timeout", "untimeout") and target.guild_permissions.administrator:
        return f"Discord doesn't let anyone time out {target.mention}: they are an administrator."
    return None


def check_action(action: str, moderator: discord.abc.User, target: discord.abc.User | None,
                 guild: discord.Guild, *, needs_member: bool) -> discord.Member | None:
    """Run every check of `action` (the moderator's permission, the bot's, the hierarchy); the target as a member
    (None when they are not on the server and the action allows that). Raises `UserFacingError` with the refusal."""
    if not isinstance(moderator, discord.Member):
        raise UserFacingError("Moderation commands work in a server only.")
    for problem in (missing_own_permission(action, moderator), missing_bot_permission(action, guild)):
        if problem:
            raise UserFacingError(problem)
    member = target if isinstance(target, discord.Member) else guild.get_member(target.id) if target else None
    if member is None:
        if needs_member and target is not None:
            raise UserFacingError(f"{target.mention} is not on this server, so I can't {VERBS[action]} them.")
        if target is not None and target.id in (guild.me.id, moderator.id):
            raise UserFacingError(f"I can't {VERBS[action]} {'myself' if target.id == guild.me.id else 'you'}.")
        return None
    problem = hierarchy_problem(action, moderator, member)
    if problem:
        raise UserFacingError(problem)
    return member
