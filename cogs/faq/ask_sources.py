"""What `/ask` may answer from: the guild's FAQ entries, tags and closed tickets' AI summaries matching the
question, found by their owners' own full-text and trigram search through the public APIs (`FaqApi.search`,
`TagsApi.search`, the tickets' `TicketSummarySource.search_summaries`; no SQL here). A ticket is only ever its
summary (never its staff notes or conversation), cited with its number and the command that shows its transcript
to staff and its opener.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cogs.faq.api import FaqApi, TicketSummarySource
from cogs.tags.api import TagsApi

FAQ_LIMIT = 4
TAG_LIMIT = 3
TICKET_LIMIT = 3
TEXT_LIMIT = 1500  # characters of one source handed to the model


@dataclass(frozen=True)
class Source:
    """One FAQ entry or tag the answer may use, as the model and the member see it."""

    kind: str  # "FAQ", "Tag" or "Ticket"
    name: str
    text: str

    @property
    def citation(self) -> str:
        """How the answer names it: `FAQ #3 “Refund policy”`, `Tag refund` or `Ticket #12 (/ticket transcript …)`."""
        if self.kind == "FAQ":
            return f"FAQ {self.name}"
        if self.kind == "Ticket":
            return f"Ticket {self.name} (`/ticket transcript ticket:{self.name.lstrip('#')}`)"
        return f"Tag `{self.name}`"


async def find_sources(apis: Any, guild_id: int, question: str) -> list[Source]:
    """The guild's FAQ entries, then tags, then closed tickets' summaries matching `question`, best first (empty:
    nothing relevant)."""
    found: list[Source] = []
    faq = apis.get(FaqApi)  # None when the FAQ cog is not loaded
    if faq is not None:
        for entry in await faq.search(guild_id, question, FAQ_LIMIT):
            found.append(Source("FAQ", f"#{entry.id} “{entry.title}”", f"{entry.title}\n{entry.answer}"[:TEXT_LIMIT]))
    tags = apis.get(TagsApi)
    if tags is not None:
        for hit in await tags.search(guild_id, question, TAG_LIMIT):
            found.append(Source("Tag", hit.tag.name, hit.tag.content[:TEXT_LIMIT]))
    tickets = apis.get(TicketSummarySource)  # published by the tickets cog
    if tickets is not None:
        for summary in await tickets.search_summaries(guild_id, question, TICKET_LIMIT):
            topic = f" ({summary.category})" if summary.category else ""
            found.append(Source("Ticket", f"#{summary.ticket_id}", f"A past support ticket{topic}: "
                                f"{summary.summary}"[:TEXT_LIMIT]))
    return found
