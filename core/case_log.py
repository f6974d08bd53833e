"""The one case log, as features below moderation see it: the interface automod records its cases through.

The moderation cog owns the case log (numbering, the mod-log channel, its tables) and implements this interface in
`cogs/moderation/api.py`. Automod sits below moderation (moderation's `/warn` feeds automod's escalation through
automod's own API), so automod cannot import moderation: both meet here, in the floor under them. Moderation
publishes its implementation as `bot.apis.publish(CaseRecorder, api)`; a caller asks
`bot.apis.get(CaseRecorder)` (None when moderation is not loaded: the caller records no case).

A feature that acts on members itself (automod, raid protection) uses the module's functions, which do nothing
without moderation: `acting_on` around its Discord action, `not_acting` when that action failed quietly, and
`record_case` for the case of an action already done.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import discord

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CaseRecord:
    """A case as another feature sees it."""

    number: int
    type: str
    target_id: int | None
    reason: str | None
    points: float
    created_at: datetime


class CaseRecorder(ABC):
    """The guilds' case logs (reached as `bot.apis.get(CaseRecorder)`)."""

    @abstractmethod
    async def record_case(self, guild: discord.Guild, type_: str, *, target_id: int | None, reason: str | None,
                          moderator_id: int | None = None, automod_rule: str | None = None,
                          duration_seconds: int | None = None, expires_at: datetime | None = None,
                          points: float = 0.0, evidence: dict[str, Any] | None = None,
                          linked_case: int | None = None) -> CaseRecord:
        """Record a case (an automatic one names its `automod_rule` and no moderator) and post it to the mod log.
        `target_id` is None only for a case about the whole server (`server_brake`, `server_brake_lifted`).

        `evidence`: what the member's message held (`{"content", "attachments": [urls], "channel_id",
        "message_id"}`), captured now because the message may be deleted. `linked_case`: the case this one closes
        (an unban, untimeout or unmute: the case it reverses) or follows (an escalation: the case that reached the
        threshold)."""

    @abstractmethod
    def acting_on(self, guild_id: int, user_id: int, *kinds: str) -> AbstractContextManager[None]:
        """Wrap a Discord action another feature takes on a member (`with log.acting_on(guild.id, member.id):`) that
        it records as a case itself (`kinds`: "ban", "unban", "kick", "timeout"), so the gateway event it causes is
        not recorded again as an action taken outside Hearth."""

    @abstractmethod
    def not_acting(self, guild_id: int, user_id: int, *kinds: str) -> None:
        """The action wrapped in `acting_on` failed without raising (the caller turned Discord's refusal into a
        note): no gateway event is coming, so an action outside Hearth on the member soon after is still recorded."""


def acting_on(bot: Any, guild_id: int, user_id: int, *kinds: str | None) -> AbstractContextManager[None]:
    """Around a feature's own Discord action on a member (`kinds`: the gateway events it causes, "ban", "unban",
    "kick", "timeout"; None for an action that causes none): moderation then does not record those events as actions
    taken outside Hearth. A no-op without moderation or without kinds."""
    api = bot.apis.get(CaseRecorder)
    named = tuple(kind for kind in kinds if kind)
    return api.acting_on(guild_id, user_id, *named) if api is not None and named else nullcontext()


def not_acting(bot: Any, guild_id: int, user_id: int, *kinds: str | None) -> None:
    """After `acting_on` around an action that failed without raising (a note, not an exception): no gateway event
    is coming, so moderation must not keep expecting one (it would ignore a real outside action meanwhile)."""
    api = bot.apis.get(CaseRecorder)
    named = tuple(kind for kind in kinds if kind)
    if api is not None and named:
        api.not_acting(guild_id, user_id, *named)


async def record_case(bot: Any, guild: discord.Guild, type_: str, *, what: str, **fields: Any) -> int | None:
    """Record the case of an action already done (`fields`: `CaseRecorder.record_case`'s); its number, or None when
    moderation is not loaded or the case log failed. A failure is logged with `what` ("automod's ban of 42"), not
    raised: a case log that fails must not undo the action or the feature's own record of it."""
    api = bot.apis.get(CaseRecorder)
    if api is None:
        return None
    try:
        case = await api.record_case(guild, type_, **fields)
    except Exception:
        log.exception("Guild %s: %s was not recorded as a case", guild.id, what)
        return None
    return case.number
