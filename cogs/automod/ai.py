"""AI rules, off the hot path: the pipeline stage only queues the message; a background worker asks the LLM
(through gpt/, as a system call that is never charged to the author) and acts when it flags the message.

Premium only: the worker checks `premium_of(bot).guild_has_premium` (cached) before each call. Without an LLM key
or with AI turned off on the server, AI rules do nothing (and say so once in the log). When the queue is full
(the LLM is slow), new messages are not judged and are counted in `dropped`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any

import discord

from cogs.automod.matchers import Hit
from cogs.automod.prompts import REQUIRED, moderation_messages
from cogs.automod.rules import Rule
from cogs.premium.api import premium_of
from gpt.errors import AIDisabled, AINotConfigured
from utils.errors import UserFacingError

if TYPE_CHECKING:
    from cogs.automod.contract import AutomodContract

log = logging.getLogger(__name__)
QUEUE_SIZE = 500


class AIModerator:
    """A bounded queue of (message, rules, received) and one worker task."""

    def __init__(self, cog: AutomodContract) -> None:
        self.cog = cog
        self.queue: asyncio.Queue[tuple[discord.Message, list[Rule], float]] = asyncio.Queue(QUEUE_SIZE)
        self.dropped = 0
        self.judged = 0
        self.pending = 0  # queued or being judged (tests settle on it)
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start the worker."""
        self._task = asyncio.create_task(self._work(), name="automod-ai")

    async def stop(self) -> None:
        """Stop the worker (queued messages are not judged)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def submit(self, message: discord.Message, rules: list[Rule], received: float) -> None:
        """Queue a message for judgement (never blocks)."""
        try:
            self.queue.put_nowait((message, rules, received))
        except asyncio.QueueFull:
            self.dropped += 1
        else:
            self.pending += 1

    async def idle(self) -> None:
        """Wait until every queued message was judged (tests)."""
        await self.queue.join()

    async def _work(self) -> None:
        while True:
            message, rules, received = await self.queue.get()
            try:
                await self.judge(message, rules, received)
            except Exception:
                log.exception("AI automod failed on message %s", message.id)
            finally:
                self.pending -= 1
                self.queue.task_done()

    async def judge(self, message: discord.Message, rules: list[Rule], received: float) -> dict[str, Any] | None:
        """Ask the LLM about one message and act on the rules whose threshold its answer reaches."""
        guild = message.guild
        if guild is None or not isinstance(message.author, discord.Member):
            return None
        if not await premium_of(self.cog.bot).guild_has_premium(guild.id):
            return None
        categories = sorted({c for rule in rules for c in rule.config.get("categories", [])})
        try:
            answer = await self.cog.llm.ask_json(moderation_messages(message.content, categories),
                                                 guild_id=guild.id, required=REQUIRED, user_id=None)
        except (AINotConfigured, AIDisabled):
            return None
        except UserFacingError as exc:
            log.warning("Guild %s: AI automod could not judge a message: %s", guild.id, exc)
            return None
        self.judged += 1
        try:
            confidence = float(answer.get("confidence") or 0)
        except (TypeError, ValueError):
            confidence = 0.0
        if answer.get("flagged") is not True:
            return answer
        category = str(answer.get("category") or "")
        hits = [Hit(rule, f"AI: {category} ({confidence:.0%}): {str(answer.get('reason') or '')[:200]}")
                for rule in rules
                if confidence >= float(rule.config.get("threshold", 0.8))
                and (not rule.config.get("categories") or category in rule.config["categories"])]
        if hits:
            await self.cog.violations.handle(message, message.author, hits, received=received, ai_analysis=answer)
        return answer
