"""The tags' public API: what other features may ask of the tags (search them, get one by name).

The tags cog publishes one `TagsApi` on `bot.apis` while it is loaded; a caller imports this module only and asks
`bot.apis.get(TagsApi)` (None when the tags cog is not loaded). Tickets' canned replies and `/ask` use it. The
SQL stays in `cogs/tags/repo.py`: the search is the one `/tag search` uses.

A caller that posts a tag's text must post it with the pings its last author may make (`Tag.content_set_by`, see
utils/mentions.py `allowed_mentions_for`), or with `AllowedMentions.none()`; `count_use` counts the post as a use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import discord

from cogs.tags import repo
from cogs.tags.model import Tag, TagHit
from cogs.tags.posting import pings_for, post_of
from core.use_counts import UseCounts

__all__ = ["Tag", "TagHit", "TagMessage", "TagsApi"]
SEARCH_LIMIT = 25


@dataclass(frozen=True)
class TagMessage:
    """A tag as `/tag get` posts it: its text (None when it is only an image), the image's embed, and the pings
    it may make where it is posted."""

    content: str | None
    embed: discord.Embed | None
    allowed_mentions: discord.AllowedMentions


class TagsApi:
    """The tags of every guild, for other features (reached as `bot.apis.get(TagsApi)`)."""

    def __init__(self, pool: Any, uses: UseCounts) -> None:
        self._pool = pool
        self._uses = uses

    async def search(self, guild_id: int, query: str, limit: int) -> list[TagHit]:
        """The guild's tags matching `query` by name (typo-tolerant, aliases included) or by text, best first, at
        most `limit` (1–25)."""
        return await repo.search(self._pool, guild_id, query, max(1, min(limit, SEARCH_LIMIT)))

    async def get(self, guild_id: int, name: str) -> Tag | None:
        """The guild's tag with this name or alias (any case), or None. `Tag.uses` is what the database holds."""
        found = await repo.by_name(self._pool, guild_id, name)
        return found[0] if found is not None else None

    def count_use(self, guild_id: int, tag_id: int) -> None:
        """Count a post of the tag by another feature (memory only; written in batches with the tags' own uses)."""
        self._uses.add(guild_id, tag_id)

    async def message_of(self, tag: Tag, channel: Any, member: discord.Member) -> TagMessage:
        """The tag as `/tag get` posts it in `channel` for `member`: with the pings both the tag's last author and
        `member` may make there (the tags' rule, cogs/tags/posting.py)."""
        post = post_of(tag)
        return TagMessage(post.content, post.embed, await pings_for(tag, post.content, channel, member))
