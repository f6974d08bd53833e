"""Owner of the `gpt` settings scope (on/off, model, temperature per server) and of the daily job that deletes
quota counters (members' quotas and guilds' budgets) older than a week.
The features themselves (growth check-ins, summaries, AI moderation …) build
their own `gpt.service.LLMService` from these settings."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from core.cog_base import HearthCog
from core.modules import Module
from core.timers import Job
from gpt.quota import cleanup_old_guild_usage, cleanup_old_usage, next_reset, usage_day
from gpt.settings import GPT_ENABLED, GPT_SETTINGS, allowed_models, gpt_settings

CLEANUP_KIND = "gpt_usage_cleanup"
USAGE_RETENTION = timedelta(days=7)
CLEANUP_TIMEOUT = timedelta(minutes=5)


class AICog(HearthCog, name="AI"):
    """The `gpt` settings and the quota clean-up."""

    pool_size = 1
    settings = GPT_SETTINGS
    module = Module("ai", "AI", GPT_ENABLED, "ai.md",
                    "ticket summaries, suggested replies, AI verification and automod")

    def __init__(self, bot: Any) -> None:
        super().__init__(bot)
        # gpt.model accepts only the operator's allowed models (validated by /config set and import).
        self.settings = gpt_settings(allowed_models(bot.config))

    async def load(self) -> None:
        # A clean-up missed during downtime still runs (on_skip = run): it is housekeeping, not a post.
        # Recurring: a clean-up that failed every attempt waits for the next midnight's (never lost).
        self.bot.timers.register(CLEANUP_KIND, self.cleanup, on_skip=self.cleanup, timeout=CLEANUP_TIMEOUT,
                                 next_occurrence=self.next_cleanup)
        if await self.bot.timers.due_at(CLEANUP_KIND, "daily") is None:
            await self.bot.timers.schedule(0, CLEANUP_KIND, "daily", next_reset(self.bot.clock.now()))

    async def unload(self) -> None:
        self.bot.timers.unregister(CLEANUP_KIND)

    async def cleanup(self, job: Job | None = None) -> datetime:
        """Delete quota counters older than a week; returns when to run next (the next UTC midnight)."""
        now = self.bot.clock.now()
        await cleanup_old_usage(self.pool, usage_day(now) - USAGE_RETENTION)
        await cleanup_old_guild_usage(self.pool, usage_day(now) - USAGE_RETENTION)
        return next_reset(now)

    async def next_cleanup(self, job: Job) -> datetime:
        """The next UTC midnight: where a clean-up that failed every attempt goes."""
        return next_reset(self.bot.clock.now())
