"""`LLMService`: what cogs use to ask the LLM, with per-guild settings, daily quotas and clear failures.

```python
llm = LLMService.from_bot(bot, pool, premium=premium_of(bot))   # in a cog's load(); `await llm.close()` in unload()
text = await llm.ask(messages, guild_id=g, user_id=u)     # user-initiated: charged to u's daily quota
data = await llm.ask_json(messages, guild_id=g, required=("summary",), background="ticket summary")
                                                          # background feature: charged to the guild's budget
```

Every failure is a `UserFacingError` (see gpt.errors): not configured, turned off on the server, over quota
(with the reset time), the guild's background budget used up, the service failing (logged; the charged unit is
refunded), an unusable JSON answer. The model is the guild's choice among the operator's allowed models.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from core.db import Executor
from core.guild_kit import post_to_log
from core.guild_settings import GuildSettings, UnknownSetting
from core.settings_registry import SettingSpec
from gpt.client import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, LLMClient, LLMError, Provider
from gpt.errors import (
    AIDisabled,
    AIInvalidResponse,
    AINotConfigured,
    AIUnavailable,
    GuildBudgetExceeded,
    QuotaExceeded,
)
from gpt.json_output import InvalidJSONAnswer, parse_json_object
from gpt.probe import LLMProbe
from gpt.prompts import ChatMessage, json_instruction, json_repair_messages
from gpt.quota import (
    DEFAULT_FAIR_USE_DAILY_LIMIT,
    DEFAULT_GUILD_DAILY_BUDGET,
    QuotaCheck,
    charge_guild_budget,
    check_and_increment_gpt_quota,
    claim_budget_notice,
    daily_limit,
    is_fair_use_tier,
    next_reset,
    refund_gpt_quota,
    refund_guild_budget,
    usage_day,
    usage_today,
)
from gpt.settings import GPT_ENABLED, GPT_MODEL, GPT_TEMPERATURE, allowed_models
from utils.clock import Clock

log = logging.getLogger(__name__)

BudgetNotice = Callable[[int, GuildBudgetExceeded], Awaitable[None]]


class PremiumTiers(Protocol):
    """Who has which premium tier where: the premium cog's answer (`cogs.premium.api.premium_of(bot)`), passed in
    by the cog that builds the service, since gpt/ sits below the cogs."""

    async def tier(self, user_id: int, guild_id: int) -> str | None:
        """The user's active premium tier in the guild, or None (free)."""


@dataclass(frozen=True)
class GuildLLMOptions:
    """The model and temperature one guild's calls use."""

    model: str
    temperature: float


class LLMService:
    """The LLM for every cog: one client for the process-wide provider, options per guild, quotas per user."""

    def __init__(self, config: Any, guild_settings: GuildSettings, premium: PremiumTiers, clock: Clock,
                 pool: Executor, *, timeout: float = DEFAULT_TIMEOUT, max_retries: int = DEFAULT_MAX_RETRIES,
                 on_budget_exhausted: BudgetNotice | None = None) -> None:
        self.config = config
        self.guild_settings = guild_settings
        self.premium = premium
        self.clock = clock
        self.pool = pool
        self.models = allowed_models(config)
        self.fair_use_limit = int(getattr(config, "ai_fair_use_daily_limit", DEFAULT_FAIR_USE_DAILY_LIMIT))
        self.guild_budget = int(getattr(config, "ai_guild_daily_budget", DEFAULT_GUILD_DAILY_BUDGET))
        # Called once per guild and UTC day, by the first background call refused for the budget.
        self.on_budget_exhausted = on_budget_exhausted
        self._refused_models: set[tuple[int, str]] = set()
        provider = Provider.from_settings(config)
        # `client.timeout` and `client.max_retries` may be changed at run time (tests make them small).
        self.client = LLMClient(provider, timeout=timeout, max_retries=max_retries) if provider else None
        self.probe = LLMProbe(config, clock=clock, client=self.client)

    @classmethod
    def from_bot(cls, bot: Any, pool: Executor, *, premium: PremiumTiers, **options: Any) -> LLMService:
        """A service for `bot` (its config, guild settings and clock) and `premium` (who has which tier),
        counting usage in `pool`."""
        options.setdefault("timeout", getattr(bot.config, "openai_timeout", DEFAULT_TIMEOUT))
        options.setdefault("max_retries", getattr(bot.config, "openai_max_retries", DEFAULT_MAX_RETRIES))
        options.setdefault("on_budget_exhausted", _log_channel_notice(bot))
        return cls(bot.config, bot.guild_settings, premium, bot.clock, pool, **options)

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
        model = await self._setting(guild_id, GPT_MODEL) or self.models[0]
        if model not in self.models:
            # Stored before the allow-list existed, or the operator removed it since: never call it.
            if (guild_id, model) not in self._refused_models:
                self._refused_models.add((guild_id, model))
                log.warning("Guild %s: gpt.model %r is not an allowed model; using %s", guild_id, model,
                            self.models[0])
            model = self.models[0]
        temperature = min(2.0, max(0.0, float(await self._setting(guild_id, GPT_TEMPERATURE))))
        return GuildLLMOptions(model, temperature)

    def daily_limit(self, tier: str | None) -> int:
        """Calls a day for a member of `tier` (yearly and lifetime: the operator's fair-use ceiling)."""
        return daily_limit(tier, self.fair_use_limit)

    async def quota_left(self, user_id: int, guild_id: int) -> int:
        """Calls `user_id` has left today in the guild; charges nothing."""
        tier = await self.premium.tier(user_id, guild_id)
        limit = self.daily_limit(tier)
        return max(0, limit - await usage_today(self.pool, user_id, guild_id, usage_day(self.clock.now())))

    async def ensure_ready(self, guild_id: int, user_id: int | None = None) -> GuildLLMOptions:
        """Raise the reason a call would be refused now (not configured, turned off, no quota left); charges nothing.

        Use before asking the user for input (a modal), so nobody types for nothing; `ask` checks again.
        """
        options = await self.guild_options(guild_id)
        if user_id is not None and await self.quota_left(user_id, guild_id) == 0:
            tier = await self.premium.tier(user_id, guild_id)
            raise self._over_quota(tier, self.daily_limit(tier))
        return options

    # --- asking ----------------------------------------------------------------------------------------

    async def ask(self, messages: Sequence[ChatMessage], *, guild_id: int, user_id: int | None = None,
                  max_tokens: int | None = None, background: str | None = None) -> str:
        """The LLM's answer to `messages` with the guild's model and temperature.

        With `user_id`, the call is charged to that user's daily quota in the guild (refunded if it fails).
        With `background` (the feature's name, for the log), it is charged to the guild's daily budget of
        background calls instead; with neither, it is a system call (AI automod, verification) and is not charged.
        """
        options = await self.guild_options(guild_id)
        async with self._charged(user_id, guild_id), self._budgeted(guild_id, background):
            return await self._chat(messages, options, max_tokens=max_tokens, charged=user_id is not None)

    async def ask_json(self, messages: Sequence[ChatMessage], *, guild_id: int, required: Sequence[str] = (),
                       user_id: int | None = None, max_tokens: int | None = None,
                       background: str | None = None) -> dict[str, Any]:
        """A JSON object with the `required` keys; one repair request at most when the first answer is unusable.

        Charged once (with `user_id`), like `ask`; with `background`, each request (the repair too) is one unit
        of the guild's budget. Raises `AIInvalidResponse` when the repair fails too.
        """
        options = await self.guild_options(guild_id)
        charged = user_id is not None
        asked = [*messages, json_instruction(required)]
        async with self._charged(user_id, guild_id):
            async with self._budgeted(guild_id, background):
                answer = await self._chat(asked, options, max_tokens=max_tokens, json_mode=True, charged=charged)
            try:
                return parse_json_object(answer, required)
            except InvalidJSONAnswer as first:
                log.info("LLM answer was not the JSON asked for (%s); asking once to repair it", first)
                repair = json_repair_messages(asked, answer, str(first), required)
                async with self._budgeted(guild_id, background):
                    answer = await self._chat(repair, options, max_tokens=max_tokens, json_mode=True,
                                              charged=charged)
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
        check = await check_and_increment_gpt_quota(self.pool, user_id, guild_id, tier, usage_day(now),
                                                    fair_use_limit=self.fair_use_limit)
        if not check.allowed:
            raise self._over_quota(tier, check.limit)
        try:
            yield check
        except BaseException:
            await self._refund(user_id, guild_id, check)
            raise

    def _over_quota(self, tier: str | None, limit: int) -> QuotaExceeded:
        return QuotaExceeded(limit, next_reset(self.clock.now()), premium=tier is not None,
                             fair_use=is_fair_use_tier(tier))

    @asynccontextmanager
    async def _budgeted(self, guild_id: int, background: str | None) -> AsyncIterator[None]:
        """Charge one request of a background feature to the guild's daily budget; refund it if the LLM did not
        answer. Refused: the admins are told once a day (`on_budget_exhausted`) and `GuildBudgetExceeded` raised."""
        if background is None:
            yield
            return
        now = self.clock.now()
        check = await charge_guild_budget(self.pool, guild_id, usage_day(now), self.guild_budget)
        if not check.allowed:
            refused = GuildBudgetExceeded(check.limit, next_reset(now))
            log.info("Guild %s: %s skipped, the daily AI budget (%d) is used up", guild_id, background, check.limit)
            if await claim_budget_notice(self.pool, guild_id, check.day, now) and self.on_budget_exhausted:
                try:
                    await self.on_budget_exhausted(guild_id, refused)
                except Exception:  # telling the admins is best effort; the refusal stands
                    log.exception("Guild %s: could not report the used-up AI budget", guild_id)
            raise refused
        try:
            yield
        except AIUnavailable:
            try:
                await refund_guild_budget(self.pool, guild_id, check.day)
            except Exception:
                log.exception("Could not refund a background AI call of guild %s", guild_id)
            raise

    async def _refund(self, user_id: int, guild_id: int, check: QuotaCheck) -> None:
        try:
            await refund_gpt_quota(self.pool, user_id, guild_id, check.day)
        except Exception:  # the original failure matters more; the lost unit is logged
            log.exception("Could not refund an AI call of user %s in guild %s", user_id, guild_id)

    async def _setting(self, guild_id: int, spec: SettingSpec) -> Any:
        # The `gpt` scope is declared by the cog that owns it; without it loaded, the defaults apply.
        try:
            return await self.guild_settings.setting(guild_id, spec)
        except UnknownSetting:
            return spec.default


def _log_channel_notice(bot: Any) -> BudgetNotice:
    """Tell a guild's log channel that its background AI budget is used up for today."""

    async def notice(guild_id: int, refused: GuildBudgetExceeded) -> None:
        guild = bot.get_guild(guild_id)
        if guild is None:
            return
        problem = await post_to_log(bot, guild, content=(
            f"⏸️ {refused.message} Until then the embed watcher proposes only announcements it reads without AI, "
            "and closed tickets get no AI summary. The bot's operator sets the budget (`AI_GUILD_DAILY_BUDGET`)."))
        if problem:
            log.warning("Guild %s: the used-up AI budget was not reported: %s", guild_id, problem)

    return notice
