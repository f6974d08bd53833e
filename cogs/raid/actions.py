"""The Discord actions of raid protection, each returning the problem in words instead of raising (the brake goes on
with its other actions, and the alert says what could not be done): the verification level, pausing invites,
timeouts; and the cases they make in the one case log (`core.case_log.CaseRecorder`, when moderation is loaded).

Around its own timeouts and their lifting the brake tells the case log (`acting_on`), so moderation does not record
the gateway event again as an action taken outside Hearth. Timeouts are Discord's wall-clock times
(`discord.utils.utcnow`), since Discord compares them with its own clock.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import Any

import discord

from cogs.raid.desk import RULE
from core import case_log

LEVEL_NAMES = ("None", "Low", "Medium", "High", "Highest")
SAME_TIMEOUT = timedelta(seconds=2)  # a timeout this close to the one the brake set is still the brake's


def level_name(level: int | None) -> str:
    """Discord's name of a verification level (0–4)."""
    return LEVEL_NAMES[level] if level is not None and 0 <= level < len(LEVEL_NAMES) else "unknown"


def missing(permission: str, purpose: str) -> str:
    """The sentence for a permission the bot lacks."""
    return f"I'm missing the **{permission}** permission, so I couldn't {purpose}. Grant it to my role."


def _refused(exc: discord.HTTPException, permission: str, purpose: str) -> str:
    if isinstance(exc, discord.Forbidden):
        return missing(permission, purpose)
    return f"Discord refused to let me {purpose} (it answered {exc.status})."


async def set_level(guild: discord.Guild, level: int, reason: str) -> str | None:
    """Set the server's verification level; None, or the problem."""
    try:
        await guild.edit(verification_level=discord.VerificationLevel(level), reason=reason)
    except discord.HTTPException as exc:
        return _refused(exc, "Manage Server", f"set the verification level to {level_name(level)}")
    return None


def invites_paused(guild: discord.Guild) -> bool:
    """Whether the server's invites are paused (the INVITES_DISABLED feature, what the brake sets)."""
    return "INVITES_DISABLED" in guild.features


async def set_invites(guild: discord.Guild, *, paused: bool, reason: str) -> str | None:
    """Pause or resume the server's invites; None, or the problem."""
    try:
        await guild.edit(invites_disabled=paused, reason=reason)
    except discord.HTTPException as exc:
        return _refused(exc, "Manage Server", "pause invites" if paused else "resume invites")
    return None


def timeout_refusal(guild: discord.Guild, member: discord.Member) -> str | None:
    """Why Discord would not let the bot time this member out (None: it would)."""
    if member.id == guild.owner_id:
        return "the server owner"
    if member.guild_permissions.administrator:
        return "an administrator"
    if member.top_role >= guild.me.top_role:
        return "their highest role is not below mine"
    return None


def acting_on(bot: Any, guild_id: int, user_id: int) -> AbstractContextManager[None]:
    """Around the brake's own timeout (or its lifting): not an action outside Hearth for the case log."""
    return case_log.acting_on(bot, guild_id, user_id, "timeout")


async def time_out(bot: Any, member: discord.Member, until: datetime, reason: str) -> str | None:
    """Time the member out until `until` (Discord's time); None, or the problem."""
    try:
        with acting_on(bot, member.guild.id, member.id):
            await member.edit(timed_out_until=until, reason=reason)
    except discord.NotFound:
        return "they left"
    except discord.HTTPException as exc:
        if isinstance(exc, discord.Forbidden):
            return timeout_refusal(member.guild, member) or "I'm missing the **Timeout Members** permission"
        return f"Discord answered {exc.status}"
    return None


async def lift(bot: Any, member: discord.Member, reason: str) -> str | None:
    """Lift the member's timeout; None, or the problem."""
    try:
        with acting_on(bot, member.guild.id, member.id):
            await member.edit(timed_out_until=None, reason=reason)
    except discord.HTTPException as exc:
        if isinstance(exc, discord.Forbidden):
            return missing("Timeout Members", f"lift the timeout of {member}")
        return f"Discord refused to lift the timeout of {member} (it answered {exc.status})."
    return None


def still_ours(member: discord.Member, until: datetime) -> str:
    """What became of the timeout the brake set until `until`: `ours` (still in force), `expired` (over, or
    lifted), or `changed` (someone set another one since)."""
    current = member.timed_out_until
    if current is None or current <= discord.utils.utcnow():
        return "expired"
    return "ours" if abs(current - until) <= SAME_TIMEOUT else "changed"


async def record_case(bot: Any, guild: discord.Guild, type_: str, target_id: int | None, reason: str, *,
                      moderator_id: int | None = None, duration: timedelta | None = None,
                      linked_case: int | None = None) -> int | None:
    """Record a case in the one case log (the brake's own name it as the rule, a reversal its moderator); the case
    number, or None when moderation is not loaded or the case log failed (the action itself is done)."""
    return await case_log.record_case(
        bot, guild, type_, what=f"raid protection's {type_} of {target_id}", target_id=target_id, reason=reason,
        moderator_id=moderator_id, automod_rule=RULE if moderator_id is None else None,
        duration_seconds=int(duration.total_seconds()) if duration else None,
        expires_at=bot.clock.now() + duration if duration else None, linked_case=linked_case)
