"""What `/ask` may answer from: the guild's FAQ entries and tags matching the question, found by their own
full-text and trigram search through the public APIs (`FaqApi.search`, `TagsApi.search`; no SQL here). Past
tickets are not searched: the tickets feature publishes no API for its summaries yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cogs.faq.api import FaqApi
from cogs.tags.api import TagsApi

FAQ_LIMIT = 4
TAG_LIMIT = 3
TEXT_LIMIT = 1500  # characters of one source handed to the model


@dataclass(frozen=True)
class Source:
    """One FAQ entry or tag the answer may use, as the model and the member see it."""

    kind: str  # "FAQ" or "Tag"
    name: str
    text: str

    @property
    def citation(self) -> str:
        """How the answer names it: `FAQ #3 “Refund policy”` or `Tag refund`."""
        return f"FAQ {self.name}" if self.kind == "FAQ" else f"Tag `{self.name}`"


async def find_sources(apis: Any, guild_id: int, question: str) -> list[Source]:
    """The guild's FAQ entries, then tags, matching `question`, best first (empty: nothing relevant)."""
    found: list[Source] = []
    faq = apis.get(FaqApi)  # None when the FAQ cog is not loaded
    if faq is not None:
        for entry in await faq.search(guild_id, question, FAQ_LIMIT):
            found.append(Source("FAQ", f"#{entry.id} “{entry.title}”", f"{entry.title}\n{entry.answer}"[:TEXT_LIMIT]))
    tags = apis.get(TagsApi)
    if tags is not None:
        for hit in await tags.search(guild_id, question, TAG_LIMIT):
            found.append(Source("Tag", hit.tag.name, hit.tag.content[:TEXT_LIMIT]))
    return found
