"""The data agreement's public API: whether a guild requires it and whether a member accepted it, for features
that wait for the acceptance (onboarding).

The GDPR cog publishes one `GdprApi` on `bot.apis` while it is loaded; a caller imports this module only and asks
`bot.apis.get(GdprApi)` (None when the GDPR cog is not loaded: then nothing waits for an agreement, as with
`gdpr.required` off). The SQL stays in `cogs/gdpr/repo.py`. (How each feature exports and erases is the GDPR
protocol in core/gdpr.py; a MEMBER's request for it, limited and recorded, is `requests` here: the dashboard's
member page asks through it, as `/export_my_data` and `/delete_my_data` do.)
"""

from __future__ import annotations

from typing import Any

from cogs.gdpr import repo
from cogs.gdpr.requests import DataRequests
from cogs.gdpr.settings import GDPR_REQUIRED


class GdprApi:
    """The data agreement of every guild, for other features (reached as `bot.apis.get(GdprApi)`)."""

    def __init__(self, pool: Any, guild_settings: Any, requests: DataRequests | None = None) -> None:
        self._pool = pool
        self._settings = guild_settings
        self.requests = requests  # a member's export and erasure (the same path as the slash commands)

    async def required(self, guild_id: int) -> bool:
        """Whether the guild requires the agreement before onboarding and other features (`gdpr.required`)."""
        return bool(await self._settings.setting(guild_id, GDPR_REQUIRED))

    async def has_accepted(self, guild_id: int, user_id: int) -> bool:
        """Whether the member clicked "I Agree" on the guild's agreement."""
        return await repo.has_accepted(self._pool, guild_id, user_id)

    async def acceptance_pending(self, guild_id: int, user_id: int) -> bool:
        """Whether the member must still accept the agreement before going on (required and not accepted)."""
        return await self.required(guild_id) and not await self.has_accepted(guild_id, user_id)
