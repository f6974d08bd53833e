"""The tickets' public API: what other features may ask of the tickets (today: search closed tickets' summaries).

The tickets cog publishes one `TicketsApi` on `bot.apis` while it is loaded; a caller imports this module only and
asks `bot.apis.get(TicketsApi)` (None when the tickets cog is not loaded). `/ask` (cogs/faq/ask_sources.py) uses it
as a source. Only the AI summaries of closed tickets are searched (written for staff without names or personal
details), never staff notes or the conversation, and only when the guild lets /ask use them
(`tickets.summaries_in_ask`). The SQL stays in cogs/tickets/repo.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cogs.faq.api import TicketSummarySource
from cogs.tickets import repo
from cogs.tickets.settings import TICKETS_SUMMARIES_IN_ASK

__all__ = ["SummaryHit", "TicketsApi"]
SEARCH_LIMIT = 10


@dataclass(frozen=True)
class SummaryHit:
    """A closed ticket whose summary matched: its number, summary, topic and when it closed."""

    ticket_id: int
    summary: str
    category: str | None
    closed_at: datetime | None
    rank: float

    @property
    def transcript_command(self) -> str:
        """How staff and the ticket's opener read the whole ticket."""
        return f"/ticket transcript ticket:{self.ticket_id}"


class TicketsApi(TicketSummarySource):
    """The tickets of every guild, for other features (reached as `bot.apis.get(TicketsApi)`; `/ask` reaches it as
    the `TicketSummarySource` it declares)."""

    def __init__(self, pool: Any, guild_settings: Any) -> None:
        self._pool = pool
        self._settings = guild_settings

    async def search_summaries(self, guild_id: int, query: str, limit: int) -> list[SummaryHit]:
        """The guild's closed tickets whose AI summary matches `query` (full text, any of its words), best first,
        at most `limit` (1–10); none when the guild keeps summaries out of /ask."""
        if not query.strip() or not await self._settings.setting(guild_id, TICKETS_SUMMARIES_IN_ASK):
            return []
        rows = await repo.search_summaries(self._pool, guild_id, query, max(1, min(limit, SEARCH_LIMIT)))
        return [SummaryHit(r["ticket_id"], r["summary"], r["category"], r["closed_at"], float(r["rank"]))
                for r in rows]

    async def daily_opened(self, guild_id: int, since: datetime) -> dict[date, int]:
        """Tickets opened in the guild per UTC day since `since` (days without any are absent)."""
        return await repo.opened_daily(self._pool, guild_id, since)

    async def open_count(self, guild_id: int) -> int:
        """The guild's tickets not closed now (open, claimed, waiting for the member or escalated)."""
        return await repo.open_count(self._pool, guild_id)
