"""Server insight's public API: a guild's daily figures for the last N days, one series per chart of the
dashboard's overview and of `GET /api/v1/guilds/{guild_id}/stats`.

The insight cog publishes one `StatsApi` on `bot.apis` while it is loaded; a caller asks `bot.apis.get(StatsApi)`.
Messages, joins and leaves are counted by the insight cog itself (`guild_daily_stats`); commands come from the
audit tracker (`AuditApi.daily_counts`), tickets from `TicketsApi`, automod actions from `AutomodApi`: a series
whose owner is not loaded is None ("not recorded"), never zeros. Days are UTC days, oldest first.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from cogs.audit.api import AuditApi
from cogs.automod.api import AutomodApi
from cogs.insight import repo
from cogs.tickets.api import TicketsApi

MAX_DAYS = 90
# (key, label) of every series, in the order the overview draws them.
SERIES: tuple[tuple[str, str], ...] = (
    ("joins", "Members joined"),
    ("leaves", "Members left"),
    ("messages", "Messages"),
    ("commands", "Commands used"),
    ("tickets_opened", "Tickets opened"),
    ("automod_actions", "Automod actions"),
)


@dataclass(frozen=True)
class Overview:
    """A guild's figures: `days` (oldest first), one list per series key aligned with `days` (None: that feature is
    not loaded, so nothing is recorded), and the tickets open now (None: tickets not loaded)."""

    days: list[date]
    series: dict[str, list[int] | None]
    open_tickets: int | None


class StatsApi:
    """Daily figures of every guild, for the dashboard and the REST API (reached as `bot.apis.get(StatsApi)`)."""

    def __init__(self, pool: Any, apis: Any, now: Callable[[], datetime], flush: Callable[[], Awaitable[object]],
                 counting: Callable[[int], Awaitable[bool]]) -> None:
        self._pool = pool
        self._apis = apis
        self._now = now
        self._flush = flush
        self._counting = counting

    async def overview(self, guild_id: int, days: int = 30) -> Overview:
        """The last `days` UTC days (1–90) up to today, every series; this process's counts are written first."""
        days = max(1, min(days, MAX_DAYS))
        today = self._now().astimezone(UTC).date()
        first = today - timedelta(days=days - 1)
        since = datetime.combine(first, time.min, tzinfo=UTC)
        dates = [first + timedelta(days=n) for n in range(days)]

        def aligned(counts: dict[date, int]) -> list[int]:
            return [int(counts.get(day, 0)) for day in dates]

        await self._flush()
        own = {row["day"]: row for row in await repo.days(self._pool, guild_id, first)}
        series: dict[str, list[int] | None] = {
            key: aligned({day: row[key] for day, row in own.items()}) for key in ("joins", "leaves", "messages")}
        audit, tickets, automod = (self._apis.get(AuditApi), self._apis.get(TicketsApi), self._apis.get(AutomodApi))
        series["commands"] = aligned(await audit.daily_counts(guild_id, since)) if audit else None
        series["tickets_opened"] = aligned(await tickets.daily_opened(guild_id, since)) if tickets else None
        series["automod_actions"] = aligned(await automod.daily_counts(guild_id, first)) if automod else None
        open_now = await tickets.open_count(guild_id) if tickets else None
        return Overview(dates, {key: series[key] for key, _ in SERIES}, open_now)

    async def counting(self, guild_id: int) -> bool:
        """Whether messages, joins and leaves are being counted on the guild (its stats module is on)."""
        return await self._counting(guild_id)


def overview_json(guild_id: int, overview: Overview) -> dict[str, Any]:
    """The JSON of an overview (ids as strings, days as ISO dates)."""
    return {"guild_id": str(guild_id), "days": [day.isoformat() for day in overview.days],
            "series": overview.series, "open_tickets": overview.open_tickets}
