"""Automod's actions as moderation cases: when the moderation cog is loaded, every action automod takes on a member
(a warning, a mute, a timeout, a ban, an escalation step, the reversal of an approved appeal) is recorded in the
server's one case log through `core.case_log.CaseRecorder` (moderation implements it), with the rule as the
moderator and the message as evidence. Without the moderation cog, automod works as before and records no case.

A plain `delete` (the message removed, nobody told) is not a case: it stays in automod's own log.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Any

import discord

from cogs.automod.actions import Outcome
from core import case_log
from core.case_log import CaseRecorder

CASE_OF = {"warn": "warn", "mute": "mute", "timeout": "timeout", "ban": "ban"}
REVERSAL_OF = {"mute": "unmute", "timeout": "untimeout", "ban": "unban"}


EVENT_OF = {"timeout": "timeout", "ban": "ban"}  # the gateway event an action causes, moderation's word for it
REVERSAL_EVENT_OF = {"timeout": "timeout", "ban": "unban"}


def acting_on(bot: Any, guild_id: int, user_id: int, kind: str, *,
              reversal: bool = False) -> AbstractContextManager[None]:
    """Around automod's own Discord action (`kind`, or its reversal) on a member: moderation then does not record
    the gateway event it causes as an action taken outside Hearth (a no-op without moderation, or for a mute)."""
    return case_log.acting_on(bot, guild_id, user_id, (REVERSAL_EVENT_OF if reversal else EVENT_OF).get(kind))


def not_acting(bot: Any, guild_id: int, user_id: int, kind: str, *, reversal: bool = False) -> None:
    """After `acting_on` around an action that failed (a note, not an exception)."""
    case_log.not_acting(bot, guild_id, user_id, (REVERSAL_EVENT_OF if reversal else EVENT_OF).get(kind))


def evidence_of(message: discord.Message) -> dict[str, Any]:
    """What the offending message held, kept with the case even after the message is deleted."""
    return {"message_id": message.id, "channel_id": message.channel.id, "author_id": message.author.id,
            "content": (message.content or "")[:4000],
            "attachments": [attachment.url for attachment in message.attachments]}


async def record_action(bot: Any, guild: discord.Guild, outcome: Outcome, *, target_id: int, rule_name: str,
                        reason: str, points: float = 0.0, evidence: dict[str, Any] | None = None,
                        linked_case: int | None = None) -> int | None:
    """Record an action automod took as a case (None when moderation is not loaded, the action is no case, or
    it failed); the case number."""
    type_ = CASE_OF.get(outcome.kind)
    if type_ is None or not outcome.done:
        return None
    duration = outcome.duration if outcome.kind == "timeout" else None
    return await case_log.record_case(
        bot, guild, type_, what=f"automod's {outcome.kind} of {target_id}", target_id=target_id, reason=reason,
        automod_rule=rule_name, duration_seconds=duration,
        expires_at=bot.clock.now() + timedelta(seconds=duration) if duration else None, points=max(points, 0.0),
        evidence=evidence, linked_case=linked_case)


async def record_reversal(bot: Any, guild: discord.Guild, kind: str, *, target_id: int, moderator_id: int,
                          reason: str, case_number: int) -> int | None:
    """Record the reversal of an appealed action (unban, untimeout, unmute) as a case closing `case_number`."""
    api = bot.apis.get(CaseRecorder)
    type_ = REVERSAL_OF.get(kind)
    if api is None or type_ is None:
        return None
    case = await api.record_case(guild, type_, target_id=target_id, reason=reason, moderator_id=moderator_id,
                                 linked_case=case_number)
    return case.number
