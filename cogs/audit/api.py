"""The audit tracker's public API: figures of the recorded commands for other features (the health endpoint's
count of recent commands).

The audit cog publishes one `AuditApi` on `bot.apis` while it is loaded; a caller imports this module only and
asks `bot.apis.get(AuditApi)` (None when the audit cog is not loaded: nothing is recorded, so there is nothing to
count). The SQL stays in `cogs/audit/repo.py`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cogs.audit import repo


class AuditApi:
    """The recorded commands, for other features (reached as `bot.apis.get(AuditApi)`)."""

    def __init__(self, pool: Any) -> None:
        self._pool = pool

    async def commands_since(self, since: datetime) -> int:
        """Commands written to the audit log since `since`, in all guilds (not those still in the buffer)."""
        return await repo.commands_since(self._pool, since)
