"""Moderation's public API: the one case log (`core.case_log.CaseRecorder`), for every feature that acts on members.

The moderation cog publishes one `ModerationApi` on `bot.apis` under `CaseRecorder` while it is loaded; a caller asks
`bot.apis.get(CaseRecorder)` (None when moderation is not loaded: the caller then records no case). A case recorded here
is numbered like a manual one and posted to the mod-log channel.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

import discord

from cogs.moderation.cases import CASE_TYPES, CaseLog
from core.case_log import CaseRecord, CaseRecorder


class ModerationApi(CaseRecorder):
    """The guilds' case logs, for other features (reached as `bot.apis.get(CaseRecorder)`)."""

    TYPES = CASE_TYPES

    def __init__(self, cases: CaseLog) -> None:
        self._cases = cases

    async def record_case(self, guild: discord.Guild, type_: str, *, target_id: int | None, reason: str | None,
                          moderator_id: int | None = None, automod_rule: str | None = None,
                          duration_seconds: int | None = None, expires_at: datetime | None = None,
                          points: float = 0.0, evidence: dict[str, Any] | None = None,
                          linked_case: int | None = None) -> CaseRecord:
        """Record a case (an automatic one names its `automod_rule` and no moderator) and post it to the mod log."""
        case = await self._cases.record(guild, type_, target_id=target_id, moderator_id=moderator_id,
                                        automod_rule=automod_rule, reason=reason, duration_seconds=duration_seconds,
                                        expires_at=expires_at, points=points, evidence=evidence,
                                        linked_case=linked_case)
        return CaseRecord(case.number, case.type, case.target_id, case.reason, case.points, case.created_at)

    def acting_on(self, guild_id: int, user_id: int, *kinds: str) -> AbstractContextManager[None]:
        """See `core.case_log.CaseRecorder.acting_on`."""
        return self._cases.acting_on(guild_id, user_id, *kinds)

    def not_acting(self, guild_id: int, user_id: int, *kinds: str) -> None:
        """See `core.case_log.CaseRecorder.not_acting`."""
        self._cases.not_acting(guild_id, user_id, *kinds)
