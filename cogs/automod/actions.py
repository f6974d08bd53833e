"""The Discord side of automod actions: delete, warn (DM), mute (role), timeout, ban, and their reversal.

The role hierarchy is respected: nothing is done to the server owner or to a member whose top role is at or
above the bot's (Discord would refuse anyway; we say so in the log instead). Staff are never acted on.
Failures never raise: each becomes a note for the log embed ("DMs closed", "missing Ban Members" …).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import discord

from utils import durations
from utils.errors import missing_permission_message

log = logging.getLogger(__name__)

VERBS = {"delete": "had a message removed", "warn": "were warned", "mute": "were muted",
         "timeout": "were timed out", "ban": "were banned"}
APPEALABLE = ("warn", "mute", "timeout", "ban")


@dataclass
class Outcome:
    """What was done, for automod_logs and the log embed."""

    kind: str
    duration: int | None = None
    role_id: int | None = None
    done: bool = True
    notes: list[str] = field(default_factory=list)
    role_setter: int | None = None  # who configured the mute role (role safety checks them)
    role_source: str = ""  # where it is configured, for the log

    @property
    def label(self) -> str:
        """E.g. `timeout 10m`, as stored in automod_logs.action_taken."""
        if self.kind == "timeout" and self.duration:
            return f"timeout {format_duration(self.duration)}"
        return self.kind


def format_duration(seconds: int) -> str:
    """600 → 10m, 3660 → 1h1m (the form stored in automod_logs.action_taken)."""
    return durations.format_duration(seconds, sep="")


def hierarchy_problem(member: discord.Member) -> str | None:
    """Why the bot must not act on `member`, or None."""
    guild = member.guild
    if member.id == guild.owner_id:
        return "they own the server"
    me = guild.me
    if me is not None and member.top_role >= me.top_role:
        return "their top role is at or above mine (role hierarchy)"
    return None


def _problem(exc: discord.HTTPException) -> str:
    if isinstance(exc, discord.Forbidden):
        return missing_permission_message(exc)
    return f"Discord answered {exc.status}"


async def delete_message(message: discord.Message) -> str | None:
    """Delete the offending message; returns a note when that failed."""
    try:
        await message.delete()
    except discord.NotFound:
        return None  # already gone
    except discord.HTTPException as exc:
        return f"could not delete the message: {_problem(exc)}"
    return None


async def send_dm(member: discord.abc.User, embed: discord.Embed,
                  appeal: discord.ui.Item[Any] | None) -> str | None:
    """DM the member (with an Appeal button); returns a note when their DMs are closed or it failed."""
    view = None
    if appeal is not None:
        view = discord.ui.View(timeout=None)
        view.add_item(appeal)
    try:
        await member.send(embed=embed, view=view or discord.utils.MISSING,
                          allowed_mentions=discord.AllowedMentions.none())
    except discord.Forbidden:
        return "DMs closed: the member was not told"
    except discord.HTTPException as exc:
        return f"the DM failed ({exc.status})"
    return None


async def apply(outcome: Outcome, member: discord.Member, reason: str) -> None:
    """Mute, time out or ban (warn and delete need nothing more here); failures become notes."""
    audit_reason = f"Automod: {reason}"[:512]
    try:
        if outcome.kind == "mute":
            role = member.guild.get_role(outcome.role_id or 0)
            if role is None:
                outcome.done = False
                outcome.notes.append("no mute role is set (automod.mute_role or the action's role)")
                return
            await member.add_roles(role, reason=audit_reason)
        elif outcome.kind == "timeout":
            await member.timeout(timedelta(seconds=outcome.duration or 600), reason=audit_reason)
        elif outcome.kind == "ban":
            await member.guild.ban(member, reason=audit_reason, delete_message_seconds=0)
    except discord.HTTPException as exc:
        outcome.done = False
        outcome.notes.append(f"could not {outcome.kind}: {_problem(exc)}")


async def revert(guild: discord.Guild, user_id: int, context: dict[str, Any], reason: str) -> str | None:
    """Undo a logged action (appeal approved): clear the timeout, remove the mute role, unban.
    Returns a note when that failed."""
    kind = context.get("kind")
    try:
        if kind == "ban":
            await guild.unban(discord.Object(user_id), reason=reason)
            return None
        member = guild.get_member(user_id)
        if member is None:
            return "the member is no longer on the server" if kind in ("mute", "timeout") else None
        if kind == "timeout":
            await member.timeout(None, reason=reason)
        elif kind == "mute":
            role = guild.get_role(context.get("role_id") or 0)
            if role is not None:
                await member.remove_roles(role, reason=reason)
    except discord.NotFound:
        return None
    except discord.HTTPException as exc:
        return f"could not undo the {kind}: {_problem(exc)}"
    return None


def member_embed(guild: discord.Guild, outcome: Outcome, rule_name: str, reason: str) -> discord.Embed:
    """The DM a member gets."""
    verb = VERBS.get(outcome.kind, "were moderated")
    text = f"You {verb} in **{discord.utils.escape_markdown(guild.name)}** by the automatic moderation."
    if outcome.kind == "timeout" and outcome.duration:
        text += f" The timeout lasts {format_duration(outcome.duration)}."
    embed = discord.Embed(title="Automatic moderation", description=text, colour=discord.Colour.orange())
    embed.add_field(name="Rule", value=rule_name[:1024])
    embed.add_field(name="Reason", value=reason[:1024])
    if outcome.kind in APPEALABLE:
        embed.set_footer(text="If this was a mistake, press Appeal and tell the moderators why.")
    return embed
