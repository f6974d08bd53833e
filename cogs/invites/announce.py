"""The join announcement: its template's variables, and the text and pings of one announcement (no Discord calls).

An admin sets the template (`invites.announce_template`); the bot posts it when someone joins. Names are shown as
text with markdown and mentions escaped, and the post may ping the new member at most (`{member}`), never the
inviter, a role, @everyone or @here, whatever the template or the names say.
"""

from __future__ import annotations

from dataclasses import dataclass

import discord

from utils.templates import check_template, render

VARIABLES = ("member", "member.name", "inviter", "inviter.name", "invites", "count", "server")
DEFAULT_TEMPLATE = "👋 {member} joined, invited by {inviter} ({invites} invites). We are now {count} members!"
TEMPLATE_MAX = 1000  # what a TEXT setting holds
EXAMPLE = "Welcome {member}! Invited by {inviter.name}, who has {invites} invites."
UNKNOWN_INVITER = "someone I couldn't tell"
VANITY_INVITER = "the server's vanity link"


def check_announcement(text: str) -> set[str]:
    """Validate a template (the setting's validator); the variables it uses, or `BadInput`."""
    return check_template(text, VARIABLES, what="announcement", limit=TEMPLATE_MAX, example=EXAMPLE)


def plain_name(user: discord.abc.User) -> str:
    """A name shown as text: no markdown, no mentions (a display name may read "@everyone")."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(user.display_name))


@dataclass(frozen=True)
class Announcement:
    """One announcement: its text and the only pings it may make."""

    content: str
    allowed_mentions: discord.AllowedMentions


def announcement(template: str, member: discord.Member, how: str, inviter: discord.abc.User | None,
                 inviter_id: int | None, invites: int | None) -> Announcement:
    """The announcement of `member`'s join (`how` and the inviter as attributed; `invites` their count now)."""
    if how == "vanity":
        who = name = VANITY_INVITER
    elif inviter_id is not None:
        who = f"<@{inviter_id}>"
        name = plain_name(inviter) if inviter is not None else f"a former member ({inviter_id})"
    else:
        who = name = UNKNOWN_INVITER
    values = {
        "member": member.mention,
        "member.name": plain_name(member),
        "inviter": who,
        "inviter.name": name,
        "invites": str(invites) if invites is not None else "—",
        "count": f"{member.guild.member_count or len(member.guild.members):,}",
        "server": discord.utils.escape_mentions(discord.utils.escape_markdown(member.guild.name)),
    }
    return Announcement(render(template, values),
                        discord.AllowedMentions(everyone=False, roles=False, users=[member], replied_user=False))
