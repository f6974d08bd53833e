"""The companion's public API: a member's own reflections (shared by the companion app), for features that use
them as context for that same member (the growth check-in), never for anyone else's flow.

The companion cog publishes one `CompanionApi` on `bot.apis` while it is loaded; a caller imports this module
only and asks `bot.apis.get(CompanionApi)` (None when the companion cog is not loaded: no reflections). The SQL
stays in `cogs/companion/repo.py`.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cogs.companion import repo


@dataclass(frozen=True)
class Reflection:
    """One reflection: its content as the app sent it (an object of text fields, or a text) and when it came."""

    content: Any
    created_at: datetime


class CompanionApi:
    """The members' reflections, for other features (reached as `bot.apis.get(CompanionApi)`)."""

    def __init__(self, pool: Any) -> None:
        self._pool = pool

    async def recent_reflections(self, user_id: int, now: datetime, *, days: int, limit: int) -> list[Reflection]:
        """The user's reflections of the last `days` days before `now`, newest first, at most `limit`."""
        reflections = []
        for row in await repo.recent(self._pool, user_id, now - timedelta(days=days), limit):
            content = row["plaintext_content"]
            if isinstance(content, str):
                # The pool decodes jsonb, but a JSON string holding an object is still worth reading.
                with contextlib.suppress(ValueError):
                    decoded = json.loads(content)
                    content = decoded if isinstance(decoded, dict) else content
            reflections.append(Reflection(content, row["created_at"]))
        return reflections
