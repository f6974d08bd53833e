"""Moderation's public API: the one case log (`core.case_log.CaseRecorder`), for every feature that acts on members.

The moderation cog publishes one `ModerationApi` on `bot.apis` under `CaseRecorder` while it is loaded; a caller asks
`bot.apis.get(CaseRecorder)` (None when moderation is not loaded: the caller then records no case). A case recorded here
is numbered like a manual one and posted to the mod-log channel. It is also published as `ModerationApi` for the
reads of the case log (the dashboard's cases page, `GET /api/v1/guilds/{id}/cases`).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import discord

from cogs.moderation import web_repo
from cogs.moderation.cases import CASE_TYPES, TITLES, Case, CaseLog
from core.case_log import CaseRecord, CaseRecorder

CASE_STATES = ("active", "expired")


@dataclass(frozen=True)
class CaseEntry:
    """A case as the dashboard and the REST API show it: the stored case, its title ("Temporary ban"), and whether
    it is still active (not run out, not lifted by a later case)."""

    case: Case
    active: bool

    @property
    def title(self) -> str:
        """The case type in words."""
        return TITLES[self.case.type]


def _entry(row: Any) -> CaseEntry:
    return CaseEntry(Case.of(row), bool(row["active"]))


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

    async def cases(self, guild_id: int, *, target_id: int | None = None, moderator_id: int | None = None,
                    type_: str | None = None, state: str | None = None, before: int | None = None,
                    limit: int = 50) -> list[CaseEntry]:
        """The guild's live (not deleted) cases, newest first, numbered below `before` (a cursor), at most `limit`,
        filtered by member, moderator, type (one of `TYPES`) and `state` ("active" or "expired")."""
        rows = await web_repo.page(self._cases.pool, guild_id, target_id=target_id, moderator_id=moderator_id,
                                   type_=type_, state=state, now=self._cases.bot.clock.now(), before=before,
                                   limit=limit)
        return [_entry(row) for row in rows]

    async def case(self, guild_id: int, number: int) -> CaseEntry | None:
        """One live case of the guild (None: no such case here, or it was deleted)."""
        row = await web_repo.one(self._cases.pool, guild_id, number, self._cases.bot.clock.now())
        return None if row is None else _entry(row)

    def acting_on(self, guild_id: int, user_id: int, *kinds: str) -> AbstractContextManager[None]:
        """See `core.case_log.CaseRecorder.acting_on`."""
        return self._cases.acting_on(guild_id, user_id, *kinds)

    def not_acting(self, guild_id: int, user_id: int, *kinds: str) -> None:
        """See `core.case_log.CaseRecorder.not_acting`."""
        self._cases.not_acting(guild_id, user_id, *kinds)
