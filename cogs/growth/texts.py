"""How check-ins read in Discord: the private reply, the shared post and the history page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import discord

REPLY_LIMIT = 1500  # the AI's reply, trimmed so goal + reply fit a 2000-character message
GOAL_LIMIT = 300
OBSTACLE_LIMIT = 500
FEELING_LIMIT = 100
PREMIUM_STYLE_REFUSAL = ("The **blunt** style is a premium feature. Run `/growthcheckin` without it for the "
                         "gentle style, or get premium to unlock it.")


def trim(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, with an ellipsis when cut."""
    text = text.strip()
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def private_reply(checkin_id: int, style: str, reply: str) -> str:
    """The ephemeral answer to a check-in (only the member sees it)."""
    return (f"🌱 **Your growth check-in** · #{checkin_id} · {style}\n\n{reply}\n\n"
            "-# Only you can see this. Share it with the button below; see past check-ins with `/growthhistory`.")


def public_post(user: discord.abc.User, row: Any) -> str:
    """The shared check-in, posted to the channel (sent without pinging anyone)."""
    return f"🌱 **Growth check-in from {user.mention}**\n**Goal:** {row['goal']}\n\n{row['reply']}"


def history_embed(rows: Sequence[Any], total: int) -> discord.Embed:
    """One page of the member's check-ins."""
    embed = discord.Embed(title="Your growth check-ins", colour=discord.Colour.green())
    blocks = []
    for row in rows:
        flags = " · shared" if row["shared"] else ""
        blocks.append(
            f"**#{row['id']}** · {discord.utils.format_dt(row['created_at'], 'd')} · {row['style']}{flags}\n"
            f"**Goal:** {trim(row['goal'], 150)}\n> {trim(' '.join(row['reply'].split()), 300)}"
        )
    embed.description = "\n\n".join(blocks) or "Nothing on this page."
    embed.add_field(name="Delete one", value="`/growthhistory delete:<number>` (only your own check-ins)",
                    inline=False)
    embed.set_author(name=f"{total} check-in(s) on this server")
    return embed
