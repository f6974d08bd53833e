"""Errors meant for people: what commands raise, and how any failure is put into words.

Commands raise `UserFacingError` (or `BadInput`) with a message for the user; everything else is translated
by `describe_error` — missing permissions (the user's or the bot's, which and where), cooldowns, an unavailable
database — and what remains is an internal error with a short reference id that also appears in the log.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

import asyncpg
import discord
from discord import app_commands

PERMISSION_NAMES = {
    "manage_guild": "Manage Server",
    "manage_channels": "Manage Channels",
    "manage_roles": "Manage Roles",
    "manage_messages": "Manage Messages",
    "manage_nicknames": "Manage Nicknames",
    "moderate_members": "Timeout Members",
    "ban_members": "Ban Members",
    "kick_members": "Kick Members",
    "send_messages": "Send Messages",
    "view_channel": "View Channel",
    "read_message_history": "Read Message History",
    "embed_links": "Embed Links",
    "attach_files": "Attach Files",
    "add_reactions": "Add Reactions",
    "administrator": "Administrator",
}

# Which permission a Discord REST route needs, so a 403 can name it: (method, path pattern, permission, action).
ROUTE_PERMISSIONS: list[tuple[str, re.Pattern[str], str, str]] = [
    (m, re.compile(p), perm, action)
    for m, p, perm, action in [
        ("POST", r"^/guilds/(?P<guild>\d+)/channels$", "manage_channels", "create channels"),
        ("POST", r"^/guilds/(?P<guild>\d+)/scheduled-events$", "create_events", "create the server's events"),
        ("PATCH", r"^/guilds/(?P<guild>\d+)/scheduled-events/\d+$", "manage_events", "update the server's events"),
        ("PATCH", r"^/channels/(?P<channel>\d+)$", "manage_channels", "edit the channel"),
        ("DELETE", r"^/channels/(?P<channel>\d+)$", "manage_channels", "delete the channel"),
        ("PUT", r"^/channels/(?P<channel>\d+)/permissions/\d+$", "manage_roles", "set channel permissions"),
        ("POST", r"^/channels/(?P<channel>\d+)/messages$", "send_messages", "send messages"),
        ("PATCH", r"^/channels/(?P<channel>\d+)/messages/\d+$", "send_messages", "edit my messages"),
        ("DELETE", r"^/channels/(?P<channel>\d+)/messages/\d+$", "manage_messages", "delete messages"),
        ("POST", r"^/channels/(?P<channel>\d+)/messages/bulk-delete$", "manage_messages", "delete messages"),
        ("GET", r"^/channels/(?P<channel>\d+)/messages", "read_message_history", "read the message history"),
        ("PUT", r"^/channels/(?P<channel>\d+)/messages/\d+/reactions/", "add_reactions", "add reactions"),
        ("PUT", r"^/guilds/(?P<guild>\d+)/members/\d+/roles/\d+$", "manage_roles", "assign roles"),
        ("DELETE", r"^/guilds/(?P<guild>\d+)/members/\d+/roles/\d+$", "manage_roles", "remove roles"),
        ("PUT", r"^/guilds/(?P<guild>\d+)/bans/\d+$", "ban_members", "ban members"),
        ("DELETE", r"^/guilds/(?P<guild>\d+)/members/\d+$", "kick_members", "kick members"),
        ("PATCH", r"^/guilds/(?P<guild>\d+)/members/@me$", "manage_nicknames", "change my nickname"),
        ("PATCH", r"^/guilds/(?P<guild>\d+)/members/\d+$", "moderate_members", "time out or edit members"),
        ("POST", r"^/guilds/(?P<guild>\d+)/roles$", "manage_roles", "create roles"),
    ]
]


MESSAGE_LIMIT = 2000  # Discord refuses longer message content (400 Invalid Form Body)


def fit_message(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """Shorten `text` to Discord's message limit, keeping its start and end.

    Error messages quote what the user typed, which may be up to 6000 characters: the middle (usually the quote)
    goes, the problem stated first and the example given last stay.
    """
    if len(text) <= limit:
        return text
    marker = " … "
    head = (limit - len(marker)) // 2
    tail = limit - len(marker) - head
    return text[:head] + marker + text[-tail:]


def permission_name(flag: str) -> str:
    """Discord's own name for a permission flag: manage_guild → Manage Server."""
    return PERMISSION_NAMES.get(flag, flag.replace("_", " ").title())


class UserFacingError(app_commands.AppCommandError):
    """A failure whose message is written for the user and shown as is (ephemeral)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadInput(UserFacingError):
    """The user's input was wrong: say what, and show an example of right input."""

    def __init__(self, problem: str, *, example: str | None = None) -> None:
        super().__init__(f"{problem}\nExample: `{example}`" if example else problem)


class DatabaseUnavailable(UserFacingError):
    """The database cannot be reached right now."""

    def __init__(self) -> None:
        super().__init__("The bot's database is temporarily unavailable. Please try again in a minute.")


DATABASE_ERRORS = (
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    # A pooled connection whose server vanished mid-statement ("cannot switch to state …"): the same outage.
    asyncpg.InternalClientError,
    ConnectionError,
    OSError,
    TimeoutError,
)


DISCORD_UNAVAILABLE = ("Discord is having trouble right now and didn't accept my request, even after retrying. "
                       "Please try again in a minute.")


def missing_permission_message(error: discord.Forbidden) -> str:
    """Turn a 403 from Discord into: which permission the bot lacks, for what, and where."""
    response = getattr(error, "response", None)
    method = getattr(response, "method", "")
    path = re.sub(r"^/api/v\d+", "", getattr(getattr(response, "url", None), "path", "") or "")
    for route_method, pattern, flag, action in ROUTE_PERMISSIONS:
        match = pattern.match(path)
        if route_method == method and match:
            where = f"in <#{match['channel']}>" if "channel" in match.groupdict() else "in this server"
            return (f"I'm missing the **{permission_name(flag)}** permission {where}, so I can't {action}. "
                    "Ask an admin to grant it to my role (or check the channel's permission overrides).")
    return ("Discord refused the action: I'm missing a permission here. "
            "Ask an admin to check my role's permissions and the channel's overrides.")


@dataclass(frozen=True)
class ErrorReply:
    """What to tell the user, and, for internal errors, the reference id that is also logged."""

    text: str
    reference: str | None = None


def describe_error(error: BaseException) -> ErrorReply:
    """Put any command failure into words for the user."""
    # Slash and text commands wrap the exception raised in the callback; look at what was raised.
    original = getattr(error, "original", error)
    if isinstance(original, UserFacingError):
        return ErrorReply(original.message)
    if isinstance(original, app_commands.MissingPermissions):
        names = ", ".join(permission_name(p) for p in original.missing_permissions)
        return ErrorReply(f"You need the **{names}** permission to use this command.")
    if isinstance(original, app_commands.BotMissingPermissions):
        names = ", ".join(permission_name(p) for p in original.missing_permissions)
        return ErrorReply(f"I need the **{names}** permission in this channel to do that. "
                          "Ask an admin to grant it to my role.")
    if isinstance(original, app_commands.MissingAnyRole | app_commands.MissingRole):
        return ErrorReply("You don't have the role this command requires.")
    if isinstance(original, app_commands.NoPrivateMessage):
        return ErrorReply("This command only works in a server, not in direct messages.")
    if isinstance(original, app_commands.CommandOnCooldown):
        return ErrorReply(f"You're doing that too often. Try again in {max(1, round(original.retry_after))} seconds.")
    if isinstance(original, app_commands.TransformerError):
        kind = getattr(original.type, "name", "value").lower().replace("_", " ")
        return ErrorReply(f"`{original.value}` is not a valid {kind} for this option. Pick one from the list.")
    if isinstance(original, app_commands.CheckFailure):
        return ErrorReply("You can't use this command here.")
    if isinstance(original, discord.Forbidden):
        return ErrorReply(missing_permission_message(original))
    if isinstance(original, DATABASE_ERRORS):
        return ErrorReply(DatabaseUnavailable().message)
    if isinstance(original, discord.DiscordServerError | discord.RateLimited):
        # discord.py already retried: Discord itself is having trouble, nothing on our side is broken.
        return ErrorReply(DISCORD_UNAVAILABLE)
    reference = secrets.token_hex(4)
    return ErrorReply(
        f"Something went wrong on my side (reference `{reference}`). "
        "The error is logged; if it keeps happening, give this reference to the bot's operator.",
        reference,
    )
