"""The tags' public API: what other features may ask of the tags (search them, get one by name).

The tags cog publishes one `TagsApi` on `bot.apis` while it is loaded; a caller imports this module only and asks
`bot.apis.get(TagsApi)` (None when the tags cog is not loaded). Tickets' canned replies and `/ask` use it. The
SQL stays in `cogs/tags/repo.py`: the search is the one `/tag search` uses.

A caller that posts a tag's text must post it with the pings its last author may make (`Tag.content_set_by`, see
utils/mentions.py `allowed_mentions_for`), or with `AllowedMentions.none()`; `count_use` counts the post as a use.
"""

from __future__ import annotations

from typing import Any

from cogs.tags import repo
from cogs.tags.model import Tag, TagHit
from core.use_counts import UseCounts

__all__ = ["Tag", "TagHit", "TagsApi"]
SEARCH_LIMIT = 25


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
