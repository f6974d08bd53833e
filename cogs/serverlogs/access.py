"""What the bot needs in a log channel, and saying what it lacks."""

from __future__ import annotations

import discord

from utils.errors import permission_name

# View Channel, Send Messages and Embed Links, or nothing readable can be posted; Attach Files for bulk deletions.
NEEDED = ("view_channel", "send_messages", "embed_links", "attach_files")
ATTACH_FILES = permission_name("attach_files")


def missing_in(channel: discord.TextChannel) -> list[str]:
    """What the bot lacks to post the log in `channel`, by Discord's names (as discord.py computes them: without
    Send Messages, Embed Links and Attach Files are denied too)."""
    allowed = channel.permissions_for(channel.guild.me)
    return [permission_name(p) for p in NEEDED if not getattr(allowed, p)]


def bold(names: list[str]) -> str:
    """Permission names in bold, joined: **Send Messages**, **Embed Links**."""
    return ", ".join(f"**{name}**" for name in names)
