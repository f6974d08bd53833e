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
from cogs.tickets import feedback, lifecycle, repo, web_repo
from cogs.tickets.settings import TICKETS_SUMMARIES_IN_ASK
from cogs.tickets.transcript_html import CSP, image_origins

__all__ = ["SummaryHit", "TicketFeedback", "TicketView", "TicketsApi"]
# The status filters of the dashboard and the REST API: a group, or one status.
STATUS_FILTERS: dict[str, frozenset[str]] = {
    "open": lifecycle.ACTIVE, "closed": frozenset({lifecycle.CLOSED, lifecycle.ARCHIVED}),
    **{status: frozenset({status}) for status in lifecycle.STATUSES}}
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


@dataclass(frozen=True)
class TicketView:
    """A ticket as the dashboard and the REST API show it (`assignee_id`: who claimed it)."""

    id: int
    status: str
    opener_id: int
    opener_name: str | None
    description: str
    category: str | None
    priority: str
    assignee_id: int | None
    created_at: datetime | None
    closed_at: datetime | None
    closed_by: int | None
    close_reason: str | None
    channel_id: int | None

    @property
    def status_label(self) -> str:
        """The status in words ("waiting for the member")."""
        return lifecycle.LABELS.get(self.status, self.status)

    @property
    def is_open(self) -> bool:
        """Not closed or archived."""
        return self.status in lifecycle.ACTIVE


@dataclass(frozen=True)
class TicketFeedback:
    """The opener's rating of a closed ticket."""

    stars: int
    comment: str | None
    created_at: datetime

    @property
    def stars_text(self) -> str:
        """★★★☆☆"""
        return feedback.stars_text(self.stars)


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

    async def page(self, guild_id: int, *, status: str | None = None, opener_id: int | None = None,
                   assignee_id: int | None = None, before: int | None = None, limit: int = 50) -> list[TicketView]:
        """The guild's tickets newest first with an id below `before` (a cursor), at most `limit`; `status` is a
        key of `STATUS_FILTERS` ("open", "closed" or one status), `assignee_id` who claimed it. Ask for one more
        than a page to know whether there is a next one."""
        statuses = sorted(STATUS_FILTERS[status]) if status else None
        rows = await web_repo.page(self._pool, guild_id, statuses, opener_id, assignee_id, before, limit)
        return [_view(row) for row in rows]

    async def details(self, guild_id: int, ticket_id: int) -> tuple[TicketView, TicketFeedback | None, bool] | None:
        """(the ticket, its feedback, whether a transcript is kept) of one ticket of this guild, or None (no such
        ticket on this guild: another guild's ticket is None too)."""
        ticket = await repo.get(self._pool, guild_id, ticket_id)
        if ticket is None:
            return None
        rated = await web_repo.feedback_of(self._pool, guild_id, ticket_id)
        kept = await web_repo.has_transcript(self._pool, guild_id, ticket_id)
        view = TicketView(ticket.id, ticket.status, ticket.user_id, ticket.username, ticket.description,
                          ticket.category, ticket.priority, ticket.claimed_by, ticket.created_at, ticket.closed_at,
                          ticket.closed_by, ticket.close_reason, ticket.channel_id)
        return view, (TicketFeedback(rated["stars"], rated["comment"], rated["created_at"]) if rated else None), kept

    @staticmethod
    def transcript_policy() -> str:
        """The Content-Security-Policy to serve a kept transcript with: `sandbox` (no script can run, the page is
        its own opaque origin) and what the page itself allows (its inline style, images from Discord's CDN)."""
        return "sandbox; " + CSP.format(origins=" ".join(sorted(image_origins())))

    async def transcript(self, guild_id: int, ticket_id: int) -> str | None:
        """The kept HTML transcript of a ticket of this guild (a whole page with its own CSP; every message in it
        is escaped, cogs/tickets/transcript_html.py), or None."""
        return await feedback.transcript(self._pool, guild_id, ticket_id)


def _view(row: Any) -> TicketView:
    return TicketView(row["id"], row["status"], row["user_id"], row["username"], row["description"],
                      row["category"], row["priority"], row["claimed_by"], row["created_at"], row["closed_at"],
                      row["closed_by"], row["close_reason"], row["channel_id"])
