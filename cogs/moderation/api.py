"""Moderation's public API: the one case log, for every feature that acts on members (automod next).

The moderation cog publishes one `ModerationApi` on `bot.apis` while it is loaded; a caller imports this module
only and asks `bot.apis.get(ModerationApi)` (None when moderation is not loaded: the caller then records no case).
A case recorded here is numbered like a manual one and posted to the mod-log channel.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import discord

from cogs.moderation.cases import CASE_TYPES, CaseLog


@dataclass(frozen=True)
class CaseRecord:
    """A case as another feature sees it."""

    number: int
    type: str
    target_id: int | None
    reason: str | None
    points: float
    created_at: datetime


class ModerationApi:
    """The guilds' case logs, for other features (reached as `bot.apis.get(ModerationApi)`)."""

    TYPES = CASE_TYPES

    def __init__(self, cases: CaseLog) -> None:
        self._cases = cases

    async def record_case(self, guild: discord.Guild, type_: str, *, target_id: int, reason: str | None,
                          moderator_id: int | None = None, automod_rule: str | None = None,
                          duration_seconds: int | None = None, expires_at: datetime | None = None,
                          points: float = 0.0, evidence: dict[str, Any] | None = None,
                          linked_case: int | None = None) -> CaseRecord:
        """Record a case (an automatic one names its `automod_rule` and no moderator) and post it to the mod log.

        `evidence`: what the member's message held (`{"content", "attachments": [urls], "channel_id",
        "message_id"}`), captured now because the message may be deleted. `linked_case`: the case this one closes
        (an unban, untimeout or unmute: the case it reverses) or follows (an escalation: the case that reached the
        threshold)."""
        case = await self._cases.record(guild, type_, target_id=target_id, moderator_id=moderator_id,
                                        automod_rule=automod_rule, reason=reason, duration_seconds=duration_seconds,
                                        expires_at=expires_at, points=points, evidence=evidence,
                                        linked_case=linked_case)
        return CaseRecord(case.number, case.type, case.target_id, case.reason, case.points, case.created_at)

    def acting_on(self, guild_id: int, user_id: int, *kinds: str) -> AbstractContextManager[None]:
        """Wrap a Discord action another feature takes on a member (`with api.acting_on(guild.id, member.id):`) that
        it records as a case itself (`kinds`: "ban", "unban", "kick", "timeout"), so the gateway event it causes is
        not recorded again as an action taken outside Hearth."""
        return self._cases.acting_on(guild_id, user_id, *kinds)
