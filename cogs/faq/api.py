"""The FAQ's public API: what other features may ask of the FAQ (search it, add an entry to it).

The FAQ cog publishes one `FaqApi` on `bot.apis` while it is loaded; a caller imports this module only and asks
`bot.apis.get(FaqApi)` (None when the FAQ cog is not loaded). The SQL stays in `cogs/faq/repo.py`: there is one
search, the one `/faq search` uses (full text plus typo-tolerant trigram matching, the guild's
`faq.min_similarity`). Who counts as FAQ staff (`FAQ_STAFF`) is declared here too, for features that let staff
add entries (`/ask`'s "Add to FAQ").

`/ask` also answers from past tickets: it declares what it needs of them here (`TicketSummarySource`), and the
tickets cog publishes its API under that name too, so the FAQ never imports the tickets.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from cogs.faq import repo
from cogs.faq.search import tsquery_text
from cogs.faq.settings import FAQ_MIN_SIMILARITY
from core.guild_kit import CHANNEL, StaffRule
from core.settings_registry import SYSTEM_STAFF_ROLE

# FAQ staff: Manage Server or Manage Messages where the command was used, or the server's staff role.
FAQ_STAFF = StaffRule(permissions=("manage_guild", "manage_messages"), where=CHANNEL, roles=(SYSTEM_STAFF_ROLE,))


@dataclass(frozen=True)
class FaqAnswer:
    """One FAQ entry as another feature shows it."""

    id: int
    title: str
    answer: str


class FaqApi:
    """The FAQ of every guild, for other features (reached as `bot.apis.get(FaqApi)`)."""

    def __init__(self, pool: Any, guild_settings: Any) -> None:
        self._pool = pool
        self._settings = guild_settings

    async def search(self, guild_id: int, text: str, limit: int) -> list[FaqAnswer]:
        """The guild's entries matching `text`, best first, at most `limit` (not logged as a /faq search)."""
        if not tsquery_text(text):
            return []  # no words: nothing to look for (and to_tsquery would refuse an empty query)
        threshold = float(await self._settings.setting(guild_id, FAQ_MIN_SIMILARITY))
        hits = await repo.search(self._pool, guild_id, tsquery_text(text), text, threshold, limit)
        return [FaqAnswer(hit.entry.id, hit.entry.title, hit.entry.answer) for hit in hits]

    async def add_entry(self, guild_id: int, title: str, answer: str, keywords: list[str], by: int,
                        now: datetime) -> int:
        """Add an entry to the guild's FAQ on behalf of `by`; its id."""
        entry = await repo.add(self._pool, guild_id, title, answer, keywords, by, now)
        return entry.id


class TicketSummary(Protocol):
    """A closed ticket's AI summary as `/ask` cites it."""

    ticket_id: int
    summary: str
    category: str | None


class TicketSummarySource(ABC):
    """What `/ask` asks of past tickets; the tickets cog publishes its API as this (`bot.apis`)."""

    @abstractmethod
    async def search_summaries(self, guild_id: int, query: str, limit: int) -> list[Any]:
        """The guild's closed tickets whose summary matches `query`, best first (`TicketSummary` values)."""
