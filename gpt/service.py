"""`LLMService`: what cogs use to ask the LLM, with per-guild settings, daily quotas and clear failures.

```python
llm = LLMService.from_bot(bot, pool)                      # in a cog's load(); `await llm.close()` in unload()
text = await llm.ask(messages, guild_id=g, user_id=u)     # user-initiated: charged to u's daily quota
data = await llm.ask_json(messages, guild_id=g, required=("summary",))  # system call (no user): not charged
```

Every failure is a `UserFacingError` (see gpt.errors): not configured, turned off on the server, over quota
(with the reset time), the service failing (logged; the charged unit is refunded), an unusable JSON answer.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from gpt.client import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, LLMClient, LLMError, Provider
from gpt.errors import AIDisabled, AIInvalidResponse, AINotConfigured, AIUnavailable, QuotaExceeded
from gpt.json_output import InvalidJSONAnswer, parse_json_object
from gpt.probe import LLMProbe
from gpt.prompts import ChatMessage, json_instruction, json_repair_messages
from gpt.quota import (
    QuotaCheck,
    check_and_increment_gpt_quota,
    daily_limit,
    next_reset,
    refund_gpt_quota,
    usage_day,
    usage_today,
)
from gpt.repo import Executor
from gpt.settings import GPT_ENABLED, GPT_MODEL, GPT_TEMPERATURE
from utils.clock import Clock
from utils.guild_settings import GuildSettings, UnknownSetting
from utils.premium_guard import PremiumGuard
from utils.settings_registry import SettingSpec

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GuildLLMOptions:
    """The model and temperature one guild's calls use."""

    model: str
    temperature: float


class LLMService:
    """The LLM for every cog: one client for the process-wide provider, options per guild, quotas per user."""

    def __init__(self, config: Any, guild_settings: GuildSettings, premium: PremiumGuard, clock: Clock,
                 pool: Executor, *, timeout: float = DEFAULT_TIMEOUT, max_retries: int = DEFAULT_MAX_RETRIES) -> None:
        self.config = config
        self.guild_settings = guild_settings
        self.premium = premium
        self.clock = clock
        self.pool = pool
        provider = Provider.from_settings(config)
        # `client.timeout` and `client.max_retries` may be changed at run time (tests make them small).
        self.client = LLMClient(provider, timeout=timeout, max_retries=max_retries) if provider else None
        self.probe = LLMProbe(config, clock=clock, client=self.client)

    @classmethod
    def from_bot(cls, bot: Any, pool: Executor, **options: Any) -> LLMService:
        """A service for `bot` (its config, guild settings, premium guard and clock), counting usage in `pool`."""
        options.setdefault("timeout", getattr(bot.config, "openai_timeout", DEFAULT_TIMEOUT))
        options.setdefault("max_retries", getattr(bot.config, "openai_max_retries", DEFAULT_MAX_RETRIES))
        return cls(bot.config, bot.guild_settings, bot.premium, bot.clock, pool, **options)

    @property
    def configured(self) -> bool:
        """Whether an API key is set (the AI features can run at all)."""
        return self.client is not None

    async def close(self) -> None:
        """Close the HTTP connections."""
        await self.probe.close()
        if self.client is not None:
            await self.client.close()

    # --- readiness -------------------------------------------------------------------------------------

    async def guild_options(self, guild_id: int) -> GuildLLMOptions:
        """The guild's model and temperature; raises `AINotConfigured` or `AIDisabled` when AI cannot run there."""
        if self.client is None:
            raise AINotConfigured()
        if not await self._setting(guild_id, GPT_ENABLED):
            raise AIDisabled()
        model = await self._setting(guild_id, GPT_MODEL) or self.config.openai_model
        temperature = min(2.0, max(0.0, float(await self._setting(guild_id, GPT_TEMPERATURE))))
        return GuildLLMOptions(model, temperature)

    async def quota_left(self, user_id: int, guild_id: int) -> int | None:
        """Calls `user_id` has left today in the guild (None = unlimited); charges nothing."""
        tier = await self.premium.tier(user_id, guild_id)
        limit = daily_limit(tier)
        if limit is None:
            return None
        return max(0, limit - await usage_today(self.pool, user_id, guild_id, usage_day(self.clock.now())))

    async def ensure_ready(self, guild_id: int, user_id: int | None = None) -> GuildLLMOptions:
        """Raise the reason a call would be refused now (not configured, turned off, no quota left); charges nothing.

        Use before asking the user for input (a modal), so nobody types for nothing; `ask` checks again.
        """
        options = await self.guild_options(guild_id)
        if user_id is not None and await self.quota_left(user_id, guild_id) == 0:
            tier = await self.premium.tier(user_id, guild_id)
            raise QuotaExceeded(daily_limit(tier) or 0, next_reset(self.clock.now()), premium=tier is not None)
        return options

    # --- asking ----------------------------------------------------------------------------------------

    async def ask(self, messages: Sequence[ChatMessage], *, guild_id: int, user_id: int | None = None,
                  max_tokens: int | None = None) -> str:
        """The LLM's answer to `messages` with the guild's model and temperature.

        With `user_id`, the call is charged to that user's daily quota in the guild (refunded if it fails);
        without, it is a system call (ticket summaries, embed watcher, AI automod) and is not charged.
        """
        options = await self.guild_options(guild_id)
        async with self._charged(user_id, guild_id):
            return await self._chat(messages, options, max_tokens=max_tokens, charged=user_id is not None)

    async def ask_json(self, messages: Sequence[ChatMessage], *, guild_id: int, required: Sequence[str] = (),
                       user_id: int | None = None, max_tokens: int | None = None) -> dict[str, Any]:
        """A JSON object with the `required` keys; one repair request at most when the first answer is unusable.

        Charged once (with `user_id`), like `ask`; raises `AIInvalidResponse` when the repair fails too.
        """
        options = await self.guild_options(guild_id)
        charged = user_id is not None
        asked = [*messages, json_instruction(required)]
        async with self._charged(user_id, guild_id):
            answer = await self._chat(asked, options, max_tokens=max_tokens, json_mode=True, charged=charged)
            try:
                return parse_json_object(answer, required)
            except InvalidJSONAnswer as first:
                log.info("LLM answer was not the JSON asked for (%s); asking once to repair it", first)
                repair = json_repair_messages(asked, answer, str(first), required)
                answer = await self._chat(repair, options, max_tokens=max_tokens, json_mode=True, charged=charged)
            try:
                return parse_json_object(answer, required)
            except InvalidJSONAnswer as second:
                log.warning("LLM answer was still unusable after a repair request: %s", second)
                raise AIInvalidResponse(refunded=charged) from second

    async def status(self) -> dict[str, Any]:
        """The health report's `llm` entry (see `LLMProbe.status`)."""
        return await self.probe.status()

    # --- internals -------------------------------------------------------------------------------------

    async def _chat(self, messages: Sequence[ChatMessage], options: GuildLLMOptions, *, max_tokens: int | None,
                    charged: bool, json_mode: bool = False) -> str:
        assert self.client is not None  # guild_options() raised otherwise
        try:
            return await self.client.chat(messages, model=options.model, temperature=options.temperature,
                                          max_tokens=max_tokens, json_mode=json_mode)
        except LLMError as exc:  # already logged by the client, with the cause
            raise AIUnavailable(refunded=charged) from exc

    @asynccontextmanager
    async def _charged(self, user_id: int | None, guild_id: int) -> AsyncIterator[QuotaCheck | None]:
        """Charge one call for the block (nothing for system calls); refund it if the block fails."""
        if user_id is None:
            yield None
            return
        tier = await self.premium.tier(user_id, guild_id)
        now = self.clock.now()
        check = await check_and_increment_gpt_quota(self.pool, user_id, guild_id, tier, usage_day(now))
        if not check.allowed:
            raise QuotaExceeded(check.limit or 0, next_reset(now), premium=tier is not None)
        try:
            yield check
        except BaseException:
            await self._refund(user_id, guild_id, check)
            raise

    async def _refund(self, user_id: int, guild_id: int, check: QuotaCheck) -> None:
        try:
            await refund_gpt_quota(self.pool, user_id, guild_id, check.day)
        except Exception:  # the original failure matters more; the lost unit is logged
            log.exception("Could not refund an AI call of user %s in guild %s", user_id, guild_id)

    async def _setting(self, guild_id: int, spec: SettingSpec) -> Any:
        # The `gpt` scope is declared by the cog that owns it; without it loaded, the defaults apply.
        try:
            return await self.guild_settings.get(guild_id, spec.scope, spec.key)
        except UnknownSetting:
            return spec.default
