"""The welcome, farewell and ban messages: their placeholders, their default templates, and the text and pings of
one message (no Discord calls).

Admins write the templates (`welcome.<kind>_message`, through the shared engine `utils/templates.py`). Whatever a
template or a name says, a message pings at most the member who just joined (`{member.mention}` in a welcome
posted in a channel): never another member, a role, @everyone or @here. Names (the member's, the server's, the
inviter's) are shown as text, with markdown and mentions escaped, so a member called "@everyone **hi**" is shown
as written and pings nobody.
"""

from __future__ import annotations

from dataclasses import dataclass

import discord

from utils.errors import BadInput
from utils.templates import check_template, render

KINDS = ("welcome", "farewell", "ban")
DELIVERIES = ("channel", "dm", "both", "off")
VARIABLES = ("member.mention", "member.name", "server", "count", "inviter")
TEMPLATE_MAX = 1000  # what a TEXT setting holds
DEFAULT_TEMPLATES = {
    "welcome": "👋 Welcome to **{server}**, {member.mention}! You are member #{count}.",
    "farewell": "{member.name} left {server}. We are {count} members now.",
    "ban": "🔨 {member.name} was banned from {server}.",
}
EXAMPLES = {
    "welcome": "Welcome {member.mention}! Invited by {inviter}. You are member #{count} of {server}.",
    "farewell": "Goodbye {member.name}, we are {count} now.",
    "ban": "{member.name} was banned.",
}
LABELS = {"welcome": "welcome message", "farewell": "farewell message", "ban": "ban message"}


def check_message(kind: str, text: str) -> set[str]:
    """Validate a `kind` template (the settings' validator); the placeholders it uses, or `BadInput`."""
    return check_template(text, VARIABLES, what=LABELS[kind], limit=TEMPLATE_MAX, example=EXAMPLES[kind])


def plain(text: str) -> str:
    """A name shown as text: no markdown, no mentions (a display name may read "@everyone")."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def member_count(guild: discord.Guild, user: discord.abc.User, kind: str) -> int:
    """The members now. A ban may be told before the member's leave reached the cache: they no longer count."""
    count = guild.member_count or len(guild.members)
    if kind == "ban" and guild.get_member(user.id) is not None:
        count -= 1
    return max(count, 0)


@dataclass(frozen=True)
class Post:
    """One message: its text and the only pings it may make, in a channel and in a DM."""

    content: str
    channel_mentions: discord.AllowedMentions
    dm_mentions: discord.AllowedMentions


def compose(kind: str, template: str, user: discord.abc.User, guild: discord.Guild, inviter: str) -> Post:
    """The `kind` message of `user` on `guild` (`inviter` already in words)."""
    values = {
        "member.mention": user.mention,
        "member.name": plain(user.display_name),
        "server": plain(guild.name),
        "count": f"{member_count(guild, user, kind):,}",
        "inviter": inviter,
    }
    # Only a welcome pings, and only the member who joined; a member who left or was banned cannot be pinged.
    pinged = [user] if kind == "welcome" else []
    return Post(render(template, values),
                discord.AllowedMentions(everyone=False, roles=False, users=pinged, replied_user=False),
                discord.AllowedMentions.none())


def uses_inviter(template: str) -> bool:
    """Whether the template shows `{inviter}` (asking invite tracking costs a wait only then)."""
    try:
        return "inviter" in check_template(template, VARIABLES, limit=10_000)
    except BadInput:
        return False
