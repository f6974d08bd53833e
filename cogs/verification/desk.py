"""The verification desk: what every part of verification looks up — the `verification` settings, the verified
and reviewer roles, who may review, what the server's setup lacks, DMs to members — with the status labels and
the kind of the clean-up job.

Statuses of `verification_tickets`: pending (channel open, waiting for a screenshot or the AI), manual_review
(the AI was not sure: reviewers decide), error (the AI check failed: reviewers decide), verified (role granted,
by the AI or a reviewer) and closed_manual (rejected by a reviewer, or closed without a screenshot).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from cogs.verification import repo
from cogs.verification.settings import (
    VERIFICATION_CATEGORY,
    VERIFICATION_OVERFLOW_CATEGORY,
    VERIFICATION_REVIEWER_ROLE,
    VERIFICATION_VERIFIED_ROLE,
)
from core.guild_kit import FIRST_SET, GUILD, PrivateChannelKind, StaffRule, is_staff, staff_roles
from core.settings_registry import SYSTEM_STAFF_ROLE

if TYPE_CHECKING:
    from core.db import HearthPool
    from core.hearth_bot import HearthBot
    from core.timers import Job

log = logging.getLogger(__name__)

NONE = discord.AllowedMentions.none()
CLEANUP = "verification_cleanup"  # the timer job that closes a verification's channel (see channels.py)
# Reviewers: Manage Server (server-wide), or the verification reviewer role — which replaces the server's staff
# role when set.
REVIEWERS = StaffRule(permissions=("manage_guild",), where=GUILD, combine=FIRST_SET,
                      roles=(VERIFICATION_REVIEWER_ROLE, SYSTEM_STAFF_ROLE))
# What each party may do in a verification channel (the kit hides it from @everyone).
MEMBER = discord.PermissionOverwrite(view_channel=True, send_messages=True, attach_files=True,
                                     read_message_history=True, embed_links=True)
REVIEWER = discord.PermissionOverwrite(view_channel=True, send_messages=True, read_message_history=True,
                                       attach_files=True)
BOT = discord.PermissionOverwrite(view_channel=True, send_messages=True, read_message_history=True,
                                  embed_links=True, attach_files=True, manage_channels=True, manage_messages=True)
VERIFICATION_CHANNELS = PrivateChannelKind(
    category=VERIFICATION_CATEGORY, overflow_category=VERIFICATION_OVERFLOW_CATEGORY, label="verification",
    bot=BOT, member=MEMBER, staff=REVIEWER,
    needed=("manage_channels", "manage_roles", "view_channel", "send_messages", "embed_links", "read_message_history"))
LABELS = {repo.PENDING: "waiting for a screenshot", repo.MANUAL_REVIEW: "waiting for a reviewer",
          repo.ERROR: "waiting for a reviewer", repo.VERIFIED: "verified", repo.CLOSED_MANUAL: "closed"}


def describe_job(job: Job) -> str:
    """The clean-up job in words (for the timers' reports)."""
    return f"clean-up of verification #{job.payload.get('verification_id')}"


def role_problem(guild: discord.Guild, role: discord.Role) -> str | None:
    """Why the bot could not grant `role`, or None."""
    if role.is_default() or role.managed:
        return f"@{role.name} can't be granted: pick a normal role."
    if role >= guild.me.top_role:
        return (f"My highest role must be above **@{role.name}** to grant it: move my role up in Server "
                "Settings → Roles.")
    return None


class VerificationDesk:
    """The bot and the cog's pool, with the look-ups every part of verification shares."""

    def __init__(self, bot: HearthBot, pool: HearthPool) -> None:
        self.bot = bot
        self.pool = pool

    async def verified_role(self, guild: discord.Guild) -> discord.Role | None:
        """The role verified members get, if set and still there."""
        role_id = await self.bot.guild_settings.setting(guild.id, VERIFICATION_VERIFIED_ROLE)
        return guild.get_role(role_id) if role_id else None

    async def reviewer_role(self, guild: discord.Guild) -> discord.Role | None:
        """The verification reviewer role, else the server's staff role."""
        roles = await staff_roles(self.bot, REVIEWERS, guild)
        return roles[0] if roles else None

    async def is_reviewer(self, member: discord.Member) -> bool:
        """Manage Server, or the reviewer role (`REVIEWERS`)."""
        return await is_staff(self.bot, REVIEWERS, member)

    async def setup_problems(self, guild: discord.Guild) -> list[str]:
        """What stops verification from working on this server (for admins)."""
        problems = []
        missing = VERIFICATION_CHANNELS.missing_permissions(guild)
        if missing:
            problems.append(VERIFICATION_CHANNELS.missing_text(missing))
        role = await self.verified_role(guild)
        if role is None:
            problems.append("No verified role is set: run `/config verification setup verified_role:`.")
        else:
            problem = role_problem(guild, role)
            if problem:
                problems.append(problem)
        return problems

    async def dm(self, user_id: int, text: str) -> bool:
        """DM a member about their verification; False when Discord refuses (closed DMs) or the user is unknown."""
        user = self.bot.get_user(user_id)
        if user is None:
            return False
        try:
            await user.send(text, allowed_mentions=NONE)
        except discord.HTTPException as exc:
            log.info("Could not DM user %s about their verification: %s", user_id, exc)
            return False
        return True
