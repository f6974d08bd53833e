"""Who may use the channel tools where, and the log entry of each action.

The trust boundary: a moderator makes the bot do only what they could do themselves, so every tool checks the
member's own permission in the channel it acts on, then the bot's, and names exactly what is missing.
"""

from __future__ import annotations

from typing import Any

import discord

from core.guild_kit import GuildLogBot, post_to_log
from utils.errors import UserFacingError, permission_name

FEATURE = "moderation"


def _names(flags: list[str]) -> str:
    return ", ".join(f"**{permission_name(flag)}**" for flag in flags)


def missing(permissions: discord.Permissions, flags: tuple[str, ...]) -> list[str]:
    """The flags not granted in `permissions`."""
    return [flag for flag in flags if not getattr(permissions, flag)]


def require_member(permissions: discord.Permissions, flags: tuple[str, ...], where: str, action: str) -> None:
    """Refuse unless the member holds every flag (their own permissions `where`)."""
    lacking = missing(permissions, flags)
    if lacking:
        raise UserFacingError(f"You need {_names(lacking)} {where} to {action}.")


def require_bot(permissions: discord.Permissions, flags: tuple[str, ...], where: str, action: str) -> None:
    """Refuse unless the bot holds every flag `where`, naming what it lacks."""
    lacking = missing(permissions, flags)
    if lacking:
        raise UserFacingError(f"I'm missing {_names(lacking)} {where}, so I can't {action}. "
                              "Ask an admin to grant it to my role (or check the channel's permission overrides).")


def audit_reason(member: discord.abc.User, reason: str | None) -> str:
    """The audit log's reason: who asked (the bot is the one Discord records) and why."""
    return f"{member} ({member.id}): {reason or 'no reason given'}"[:512]


async def log_action(bot: GuildLogBot, guild: discord.Guild, *, title: str, moderator: discord.abc.User,
                     reason: str | None, fields: dict[str, str], colour: discord.Colour | None = None) -> str:
    """Post the action to the moderation log; "" when posted (or no log is set), else a line for the moderator."""
    embed = discord.Embed(title=title, colour=colour or discord.Colour.orange())
    for name, value in fields.items():
        embed.add_field(name=name, value=value[:1024], inline=len(value) < 40)
    embed.add_field(name="Moderator", value=f"{moderator.mention} ({moderator.id})", inline=True)
    embed.add_field(name="Reason", value=(reason or "—")[:1024], inline=False)
    problem = await post_to_log(bot, guild, feature=FEATURE, what="the moderation log", embed=embed)
    return f"\n⚠️ Not logged: {problem}" if problem else ""


def mentions(channels: list[Any], limit: int = 20) -> str:
    """`#a, #b, …` for a summary (at most `limit` named)."""
    shown = ", ".join(channel.mention for channel in channels[:limit])
    return shown + (f" and {len(channels) - limit} more" if len(channels) > limit else "")
