"""Automod: a stage of the message pipeline that checks every guild message against the guild's rules.

The hot path (a clean message) is memory only: the guild's compiled rules come from a cache loaded once per
guild and dropped when a rule or action changes, in this process or another (LISTEN `hearth_automod`). Only a
message that breaks a rule touches the database (log, points) and Discord (delete, DM, timeout …); trigger
counts are buffered and written in batches. AI rules are judged by a background worker.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any

import discord

from cogs.automod import appeals, repo
from cogs.automod.ai import AIModerator
from cogs.automod.api import AutomodApi
from cogs.automod.commands import AutomodCommands
from cogs.automod.matchers import GuildRules, Hit, MessageFacts
from cogs.automod.rules import Rule
from cogs.automod.settings import SETTINGS
from cogs.automod.staff import EXEMPT
from cogs.automod.stats import StatsBuffer
from cogs.automod.violations import Violations
from cogs.premium.api import premium_of
from core import notify
from core.cog_base import HearthCog
from core.flush_loop import FlushLoop
from core.guild_cache import GuildCache
from core.guild_kit import is_staff
from core.guild_settings import GuildValues
from core.message_pipeline import ORDER_AUTOMOD, MessageContext, attach
from core.modules import declare
from gpt.service import LLMService
from utils.config_group import add_config_group, remove_config_group
from utils.errors import DATABASE_ERRORS

log = logging.getLogger(__name__)
FLUSH_INTERVAL = 10.0
MAX_BACKOFF = 120.0


def role_ids(member: discord.Member) -> frozenset[int]:
    """The member's role ids, without building Role objects (hot path)."""
    raw = getattr(member, "_roles", None)
    return frozenset(raw) if raw is not None else frozenset(r.id for r in member.roles)


def facts_of(message: discord.Message, member: discord.Member) -> MessageFacts:
    """What the rules look at in a message."""
    channel = message.channel
    channels = frozenset(c for c in (channel.id, getattr(channel, "category_id", None),
                                     getattr(channel, "parent_id", None)) if c)
    mentions = len(message.mentions) + len(message.role_mentions) + (1 if message.mention_everyone else 0)
    return MessageFacts(member.id, channels, role_ids(member), message.content or "", mentions,
                        len(message.attachments))


class AutomodCog(HearthCog, name="Automod"):
    """Rules, actions, escalation, appeals and stats; `/config automod …`.

    Its parts (violations, the AI worker, appeals, commands) see it as `cogs.automod.contract.AutomodContract`."""

    pool_size = 2
    persistent_items = appeals.ITEMS
    settings = SETTINGS
    module = declare("automod", "Automod", docs="automod.md",
                     summary="rules that delete, warn and time out automatically")

    def __init__(self, bot: Any) -> None:
        super().__init__(bot)
        self.cache: GuildCache[GuildRules] = GuildCache(self._load_rules)
        self.stats = StatsBuffer()
        self.violations = Violations(self)
        self.ai = AIModerator(self)
        self.group: AutomodCommands | None = None
        self.api: AutomodApi | None = None
        self.flusher = FlushLoop(
            "Automod stats", lambda: self.stats.flush(self.pool), bot.clock, interval=FLUSH_INTERVAL,
            max_backoff=MAX_BACKOFF, backlog=lambda: f"{len(self.stats)} stats row(s)",
            dropped=lambda: f"{self.stats.dropped} dropped while the buffer was full")

    # --- lifecycle -------------------------------------------------------------------------------------

    async def load(self) -> None:
        self.llm = LLMService.from_bot(self.bot, self.pool, premium=premium_of(self.bot))
        await notify.subscribe(self.bot, repo.CHANNEL, self.cache.invalidate_payload, self.cache.mark_stale)
        pipeline = attach(self.bot)
        pipeline.register("automod", self.on_message, order=ORDER_AUTOMOD, module=self.module, wanted=self._has_rules)
        self.cache.on_change = pipeline.replan  # a guild's first rule, or its last one gone: planned again
        self.group = AutomodCommands(self)
        add_config_group(self.bot, self.group)
        self.ai.start()
        self.flusher.start()
        self.api = AutomodApi(self)
        self.bot.apis.publish(AutomodApi, self.api)  # moderation's warnings feed the same escalation

    async def unload(self) -> None:
        if self.api is not None:
            self.bot.apis.withdraw(AutomodApi, self.api)
        pipeline = getattr(self.bot, "pipeline", None)
        if pipeline is not None:
            pipeline.unregister("automod")
        if self.group is not None:
            remove_config_group(self.bot, self.group.name)
        await self.ai.stop()
        await notify.unsubscribe(self.bot, repo.CHANNEL)
        await self.flusher.stop(timeout=5)
        await self.llm.close()

    async def forget_erased_user(self, user_id: int) -> None:
        """GDPR erasure (the tables: cogs/automod/gdpr.py): the in-memory spam history goes too (rebuilt)."""
        self.cache.invalidate()

    async def _load_rules(self, guild_id: int) -> GuildRules:
        rows = await repo.rules(self.pool, guild_id)
        return GuildRules(guild_id, [Rule.from_row(row) for row in rows])

    # --- the pipeline stage (hot path) -----------------------------------------------------------------

    def _has_rules(self, guild_id: int, _settings: GuildValues) -> bool:
        """Whether the stage has a guild's messages to check (yes while its rules are not in memory yet)."""
        rules = self.cache.peek(guild_id)
        return rules is None or not rules.empty

    def on_message(self, ctx: MessageContext) -> Awaitable[None] | None:
        """Check one guild message against the guild's rules: in memory, and a coroutine only for a message that
        breaks one (or may break an AI rule), or while the guild's rules are not in memory yet."""
        rules = self.cache.peek(ctx.message.guild.id)
        if rules is None:
            return self._check_after_loading(ctx)
        return self._check(ctx, rules)

    async def _check_after_loading(self, ctx: MessageContext) -> None:
        pending = self._check(ctx, await self.cache.get(ctx.message.guild.id))
        if pending is not None:
            await pending

    def _check(self, ctx: MessageContext, rules: GuildRules) -> Awaitable[None] | None:
        if rules.empty:
            return None
        message = ctx.message
        member = message.author
        if not isinstance(member, discord.Member):
            return None
        facts = facts_of(message, member)
        hits = rules.evaluate(facts, ctx.now.timestamp())
        ai_rules = rules.ai_candidates(facts) if rules.ai_rules and message.content else []
        if not hits and not ai_rules:
            return None
        return self._act(ctx, member, hits, ai_rules)

    async def _act(self, ctx: MessageContext, member: discord.Member, hits: list[Hit], ai_rules: list[Rule]) -> None:
        """A message that broke rules (`hits`) or goes to the AI check (`ai_rules`): unless its author is staff."""
        message = ctx.message
        if await self.is_staff(member):
            return  # staff are never acted on
        if hits:
            ctx.flags["automod"] = [h.rule.id for h in hits]
            try:
                await self.violations.handle(message, member, hits, received=ctx.received, ctx=ctx)
            except DATABASE_ERRORS as exc:
                # The rules come from memory, so a deleting rule still deleted; points and the log need the database.
                log.warning("Automod: rule(s) %s fired on message %s while the database is unavailable (%s); "
                            "the violation was not recorded", ctx.flags["automod"], message.id, exc)
        if ai_rules and not ctx.deleted:
            self.ai.submit(message, ai_rules, ctx.received)

    async def is_staff(self, member: discord.Member) -> bool:
        """The staff role, or Administrator / Manage Server / Timeout Members (`staff.EXEMPT`)."""
        return await is_staff(self.bot, EXEMPT, member)
