"""Entries for moderation seen on the server, whoever did it (this bot, another bot, a moderator in Discord's own
menus): bans, unbans, timeouts given or lifted; the moderator and reason from the audit log when the bot may read
it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import discord

from cogs.serverlogs.entry import DARK_RED, GREEN, ORANGE, LogEntry, clip, make_embed, name_of, when_long, who
from cogs.serverlogs.kinds import Kind

log = logging.getLogger(__name__)
AUDIT_LOOKBACK = 10  # the newest entries of the action searched for the target


@dataclass(frozen=True)
class Actor:
    """Who did it and why, as far as the audit log tells."""

    moderator: str
    reason: str | None = None


async def find_actor(guild: discord.Guild, action: discord.AuditLogAction, target_id: int,
                     matches: Callable[[discord.AuditLogEntry], bool] | None = None) -> Actor:
    """The moderator and reason of the newest audit entry of `action` on `target_id`, or why they are unknown."""
    if not guild.me.guild_permissions.view_audit_log:
        return Actor("*unknown: I need the **View Audit Log** permission to tell*")
    try:
        async for entry in guild.audit_logs(limit=AUDIT_LOOKBACK, action=action):
            target = getattr(entry.target, "id", None)
            if target == target_id and (matches is None or matches(entry)):
                user = entry.user
                name = who(user) if user is not None else f"<@{entry.user_id}>"
                return Actor(name, entry.reason)
    except discord.Forbidden:
        return Actor("*unknown: I need the **View Audit Log** permission to tell*")
    except discord.HTTPException as exc:
        log.warning("Guild %s: reading the audit log failed (%s)", guild.id, exc.status)
        return Actor("*unknown: Discord did not answer my audit log request*")
    return Actor("*not found in the audit log*")


def _add_actor(embed: discord.Embed, actor: Actor) -> None:
    embed.add_field(name="By", value=actor.moderator, inline=False)
    if actor.reason:
        embed.add_field(name="Reason", value=clip(actor.reason, 1024), inline=False)


def ban_entry(user: discord.abc.User, actor: Actor, now: datetime, *, banned: bool) -> LogEntry:
    """A ban (or, with `banned=False`, an unban)."""
    title = "🔨 Member banned" if banned else "🔓 Member unbanned"
    embed = make_embed(title, who(user), DARK_RED if banned else GREEN, now, footer=f"User {user.id}")
    _add_actor(embed, actor)
    verb = "banned" if banned else "unbanned"
    line = f"{title[0]} **{name_of(user)}** {verb}" + (f": {clip(actor.reason, 80)}" if actor.reason else "")
    return LogEntry(Kind.MODERATION, "bans" if banned else "unbans", embed, line, users=frozenset({user.id}))


def timeout_entry(member: discord.Member, until: datetime | None, actor: Actor, now: datetime) -> LogEntry:
    """A timeout given (until `until`) or lifted early (`until` None). Discord sends nothing when one simply ends."""
    if until is not None:
        embed = make_embed("⏳ Member timed out", f"{who(member)} until {when_long(until)}", ORANGE, now,
                           footer=f"User {member.id}")
        line = f"⏳ **{name_of(member)}** timed out until {until:%Y-%m-%d %H:%M} UTC"
    else:
        embed = make_embed("⌛ Timeout lifted", who(member), GREEN, now, footer=f"User {member.id}")
        line = f"⌛ **{name_of(member)}**'s timeout was lifted"
    _add_actor(embed, actor)
    return LogEntry(Kind.MODERATION, "timeouts", embed, line, users=frozenset({member.id}))


def is_timeout_change(entry: discord.AuditLogEntry) -> bool:
    """A member update entry that changed the timeout."""
    return hasattr(entry.after, "timed_out_until") or hasattr(entry.before, "timed_out_until")
