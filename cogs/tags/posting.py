"""What `/tag get` posts: the text, with an image URL on its own last line shown as the embed's image, and the
pings the text may make (no SQL)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import discord

from cogs.tags.model import Tag
from utils.mentions import Channel, allowed_mentions_for, member_or_none

IMAGE_URL = re.compile(r"^https?://\S+\.(?:png|jpe?g|gif|webp)(?:\?\S*)?$", re.IGNORECASE)


@dataclass(frozen=True)
class Post:
    """The message of a tag: its text (may be empty when the tag is only an image) and an embed with the image."""

    content: str | None
    embed: discord.Embed | None


def post_of(tag: Tag) -> Post:
    """A tag as a message: when its last line is an http(s) image URL, that line becomes the embed's image."""
    lines = tag.content.rstrip().split("\n")
    last = lines[-1].strip()
    if not IMAGE_URL.match(last):
        return Post(tag.content, None)
    text = "\n".join(lines[:-1]).rstrip()
    embed = discord.Embed(colour=discord.Colour.blurple()).set_image(url=last)
    return Post(text or None, embed)


async def pings_for(tag: Tag, text: str | None, channel: Channel, user: discord.Member) -> discord.AllowedMentions:
    """The pings a tag's text may make here: only what both its last author and the member posting it may ping
    (utils/mentions.py); an author who is gone or was erased counts as a member without Mention Everyone."""
    if not text or "@" not in text:
        return discord.AllowedMentions.none()
    author = await member_or_none(channel.guild, tag.content_set_by)
    return allowed_mentions_for(text, channel, [author, user])
