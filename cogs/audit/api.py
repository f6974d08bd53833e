"""The audit tracker's public API: figures of the recorded commands for other features (the health endpoint's
count of recent commands), a server's recent commands (the dashboard's audit page), and recording a change made
on the web dashboard like a command.

The audit cog publishes one `AuditApi` on `bot.apis` while it is loaded; a caller imports this module only and
asks `bot.apis.get(AuditApi)` (None when the audit cog is not loaded: nothing is recorded, so there is nothing to
count). The SQL stays in `cogs/audit/repo.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cogs.audit import repo


class AuditApi:
    """The recorded commands, for other features (reached as `bot.apis.get(AuditApi)`)."""

    def __init__(self, pool: Any, recorder: Callable[..., None] | None = None,
                 flush: Callable[[], Any] | None = None) -> None:
        self._pool = pool
        self._record = recorder
        self._flush = flush

    async def commands_since(self, since: datetime) -> int:
        """Commands written to the audit log since `since`, in all guilds (not those still in the buffer)."""
        return await repo.commands_since(self._pool, since)

    async def daily_counts(self, guild_id: int, since: datetime) -> dict[date, int]:
        """Commands used in the guild per UTC day since `since` (what is still buffered is written first; changes
        made on the dashboard or through the API are not commands and are not counted). Days without any are absent."""
        if self._flush is not None:
            await self._flush()
        return await repo.daily_counts(self._pool, guild_id, since)

    def record_web_change(self, guild_id: int, user_id: int, page: str, *, via: str = "dashboard") -> None:
        """A change made on the dashboard (or, `via="api"`, through the HTTP API with a key), recorded like a
        command: `<via> <page>`, kind `<via>` (buffered, never blocks)."""
        if self._record is not None:
            self._record(guild_id=guild_id, user_id=user_id, name=f"{via} {page}", kind=via, success=True)

    async def recent(self, guild_id: int, *, command: str | None = None, user_id: int | None = None,
                     limit: int = 50, offset: int = 0, before: int | None = None) -> list[AuditEntry]:
        """The guild's recorded commands, newest first, optionally of one command (and its subcommands) and one
        user, and only those with an id below `before` (the HTTP API's paging cursor); what is still buffered is
        written first."""
        if self._flush is not None:
            await self._flush()
        rows = await repo.recent(self._pool, guild_id, command, user_id, limit, offset, before)
        return [AuditEntry(**dict(row)) for row in rows]


@dataclass(frozen=True)
class AuditEntry:
    """One recorded command use."""

    user_id: int
    command_name: str
    command_type: str
    success: bool | None
    error_message: str | None
    created_at: datetime
    id: int = 0  # the row's id (the HTTP API's paging cursor)


def record_change(bot: Any, member: Any, area: str, *, via: str = "dashboard") -> None:
    """Record that `member` changed something of their server on the dashboard's `area` page (or, `via="api"`,
    through the HTTP API with a key), like a command; nothing when the audit cog is not loaded."""
    audit = bot.apis.get(AuditApi)
    if audit is not None:
        audit.record_web_change(member.guild.id, member.id, area, via=via)
