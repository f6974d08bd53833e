"""Engagement: a stage of the message pipeline that counts messages in memory, and the features built on the
counts (streaks and their nickname suffix, challenges, weekly awards, OG claims, profile and leaderboard cards).

The hot path never touches the database: settings come from the guild settings cache, active challenges from
an in-memory map, and counts go to a bounded buffer that `flush()` writes with one set-based statement per table
every few seconds, when the buffer fills up, and at shutdown (cog unload, which SIGTERM triggers).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from zoneinfo import ZoneInfo

import discord
from discord.ext import commands

from cogs.engagement import repo
from cogs.engagement.api import EngagementApi
from cogs.engagement.awards import AWARDS_JOB, AWARDS_TIMEOUT, AwardsMixin
from cogs.engagement.buffer import EngagementBuffer
from cogs.engagement.challenges import CHALLENGE_END_TIMEOUT, CHALLENGE_JOB, ChallengesMixin
from cogs.engagement.nicknames import SWEEP_JOB, SWEEP_TIMEOUT, NicknamesMixin
from cogs.engagement.og import OG_ITEMS, OGMixin
from cogs.engagement.profile import ProfileMixin
from cogs.engagement.rules import local_day, strip_suffix
from cogs.engagement.settings import ENGAGEMENT_ENABLED, ENGAGEMENT_IGNORED_CHANNELS, SCOPE, SETTINGS
from core.cog_base import CompositeMetaClass, HearthCog
from core.flush_loop import FlushLoop
from core.message_pipeline import ORDER_ENGAGEMENT, MessageContext, attach
from core.modules import declare
from core.settings_registry import SYSTEM_TIMEZONE
from utils.cards import avatar_bytes
from utils.cooldowns import Cooldown
from utils.local_days import LocalDays

log = logging.getLogger(__name__)

FLUSH_INTERVAL = 3.0  # seconds between writes
MAX_BACKOFF = 60.0  # seconds between attempts while the database is down
SHUTDOWN_FLUSH_TIMEOUT = 10.0
CARD_RATE, CARD_PER = 3, 60.0  # /profile and /leaderboard: 3 cards per member per minute
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".heic", ".avif")


def has_image(message: discord.Message) -> bool:
    """Whether the message carries a picture (an image attachment or an image embed)."""
    if not message.attachments and not message.embeds:  # most messages: no generator made
        return False
    for attachment in message.attachments:
        kind = (attachment.content_type or "").lower()
        if kind.startswith("image/") or attachment.filename.lower().endswith(IMAGE_SUFFIXES):
            return True
    return any(embed.type == "image" or embed.image for embed in message.embeds)


class EngagementCog(ProfileMixin, OGMixin, AwardsMixin, ChallengesMixin, NicknamesMixin, HearthCog,
                    metaclass=CompositeMetaClass, name="Engagement"):
    """Counting, streaks, challenges, weekly awards, OG claims, profile and leaderboard cards.

    The mixins see the cog through `cogs.engagement.contract.MixinMeta`; this class provides what it declares."""

    pool_size = 4
    persistent_items = OG_ITEMS
    settings = SETTINGS
    module = declare("engagement", "Engagement", docs="engagement.md",
                     summary="message counts, leaderboards, streaks, challenges")

    def __init__(self, bot: Any) -> None:
        super().__init__(bot)
        self.buffer = EngagementBuffer()
        self.days = LocalDays()  # each message's day in its guild's time zone
        self.rng = random.Random()  # the random challenge draw (tests may seed or replace it)
        self.challenges: dict[tuple[int, int], int] = {}  # (guild, channel) → active challenge id
        self.flushes = 0
        self.last_statements = 0
        self._flush_lock = asyncio.Lock()
        # Cards are drawn in threads of their own: a slow call elsewhere that fills asyncio's default executor
        # (a DNS lookup, say) must never keep /profile from answering.
        self.drawing = ThreadPoolExecutor(max_workers=2, thread_name_prefix="engagement-cards")
        self.flusher = FlushLoop(
            "Engagement", lambda: self.flush(background=True), bot.clock, interval=FLUSH_INTERVAL,
            max_backoff=MAX_BACKOFF,
            backlog=lambda: f"{self.buffer.pending_increments} message count(s)",
            dropped=lambda: (f"{self.buffer.dropped_messages} index row(s), {self.buffer.dropped_increments} "
                             f"increment(s) and {self.buffer.dropped_reactions} reaction(s) dropped while full"))
        self._og_locks: dict[int, asyncio.Lock] = {}
        self._og_dirty: set[int] = set()
        self._renames: set[asyncio.Task[None]] = set()  # nickname updates running after a flush
        self._nickname_lock = asyncio.Lock()
        # Cards cost a database read and a drawing each: a few per member per minute (per process; a guild's
        # interactions all reach the process holding its shard).
        self.card_cooldown = Cooldown(CARD_RATE, CARD_PER, bot.clock)
        self.api = EngagementApi(self.profile_figures)  # other features hear of challenge winners through it

    # --- lifecycle -----------------------------------------------------------------------------------------

    async def load(self) -> None:
        for row in await repo.active_challenges(self.pool):
            self.challenges[(row["guild_id"], row["channel_id"])] = row["id"]
        timers = self.bot.timers
        # A challenge must end (winner, badge, the channel freed): it is retried until it works.
        timers.register(CHALLENGE_JOB, self.run_challenge_end, on_skip=self.run_challenge_end,
                        describe=lambda job: f"the end of challenge #{job.key}", timeout=CHALLENGE_END_TIMEOUT,
                        switch=self.module.switch)
        # Recurring: a week or a night that keeps failing is skipped, the series goes on.
        timers.register(AWARDS_JOB, self.run_weekly_awards, on_skip=self.run_weekly_awards,
                        describe=lambda job: "the weekly awards", timeout=AWARDS_TIMEOUT,
                        next_occurrence=self.next_weekly_awards, switch=self.module.switch)
        timers.register(SWEEP_JOB, self.run_streak_sweep, on_skip=self.run_streak_sweep,
                        describe=lambda job: "the daily streak check", timeout=SWEEP_TIMEOUT,
                        next_occurrence=self.next_streak_sweep)
        attach(self.bot).register("engagement", self.on_message, order=ORDER_ENGAGEMENT, module=self.module,
                                  wanted=lambda _guild_id, settings: settings.value(ENGAGEMENT_ENABLED))
        self.flusher.start()
        self.bot.apis.publish(EngagementApi, self.api)

    async def unload(self) -> None:
        self.bot.apis.withdraw(EngagementApi, self.api)
        pipeline = getattr(self.bot, "pipeline", None)
        if pipeline is not None:
            pipeline.unregister("engagement")
        for kind in (CHALLENGE_JOB, AWARDS_JOB, SWEEP_JOB):
            with contextlib.suppress(RuntimeError):
                self.bot.timers.unregister(kind)
        for task in self._renames:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.flusher.stop(SHUTDOWN_FLUSH_TIMEOUT, final=lambda: self.flush(nicknames=False))
        self.drawing.shutdown(wait=False, cancel_futures=True)

    # --- the pipeline stage (hot path: memory only) ---------------------------------------------------------

    def on_message(self, context: MessageContext) -> None:
        """The pipeline stage: count the message (memory only)."""
        settings = context.settings
        if not settings.value(ENGAGEMENT_ENABLED):
            return
        message = context.message
        channel_id = message.channel.id
        ignored = settings.value(ENGAGEMENT_IGNORED_CHANNELS)
        if ignored and channel_id in ignored:
            return
        guild_id = message.guild.id
        now = context.now
        if self.buffer.add_message(guild_id, message.author.id, channel_id, message.id, now,
                                   self.days.day(now, settings.value(SYSTEM_TIMEZONE)), has_image(message),
                                   self.challenges.get((guild_id, channel_id))):
            self.flusher.wake.set()

    @commands.Cog.listener()
    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        await self._reaction(payload, +1)

    @commands.Cog.listener()
    async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        await self._reaction(payload, -1)

    async def _reaction(self, payload: discord.RawReactionActionEvent, delta: int) -> None:
        if payload.guild_id is None or (self.bot.user is not None and payload.user_id == self.bot.user.id):
            return
        member = payload.member or self._member(payload.guild_id, payload.user_id)
        if member is not None and member.bot:
            return
        if not await self.bot.guild_settings.setting(payload.guild_id, ENGAGEMENT_ENABLED):
            return
        self.buffer.add_reaction(payload.guild_id, payload.message_id, delta)

    def _member(self, guild_id: int, user_id: int) -> discord.Member | None:
        guild = self.bot.get_guild(guild_id)
        return guild.get_member(user_id) if guild else None

    # --- writing -----------------------------------------------------------------------------------------------

    async def flush(self, *, nicknames: bool = True, background: bool = False) -> int:
        """Write everything buffered in one transaction; returns the messages written. A failed batch goes back
        into the buffer. Nickname suffixes are updated afterwards, outside the lock (in a background task when
        `background`, so Discord's rate limits on renames never delay the next write)."""
        async with self._flush_lock:
            batch = self.buffer.take()
            if not batch:
                return 0
            streak_guilds = await self._streak_guilds({g for g, _ in batch.streaks}) if nicknames else set()
            try:
                async with self.pool.acquire() as conn, conn.transaction():
                    result = await repo.flush(conn, batch, streak_guilds=streak_guilds)
            except BaseException:
                self.buffer.put_back(batch)
                raise
            self.flushes += 1
            self.last_statements = result.statements
        if result.streaks:
            if background:
                task = asyncio.create_task(self.apply_streak_nicknames(result.streaks), name="engagement-nicknames")
                self._renames.add(task)
                task.add_done_callback(self._renames.discard)
            else:
                await self.apply_streak_nicknames(result.streaks)
        return batch.increments

    # --- reacting to settings ------------------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_hearth_settings_changed(self, guild_id: int, keys: list[tuple[str, str]]) -> None:
        changed = set(keys)
        timezone = ("system", "timezone") in changed
        if timezone or changed & {(SCOPE, "awards_channel"), (SCOPE, "awards_time")}:
            await self.plan_awards(guild_id)
        if timezone or changed & {(SCOPE, "streak_nicknames"), (SCOPE, "enabled"), (SCOPE, "streak_nickname_min")}:
            await self.plan_streak_sweep(guild_id)

    async def tz(self, guild_id: int) -> ZoneInfo:
        """The guild's time zone (system.timezone)."""
        return ZoneInfo(await self.bot.guild_settings.setting(guild_id, SYSTEM_TIMEZONE))

    def today(self, tz: ZoneInfo) -> Any:
        return local_day(self.bot.clock.now(), tz)

    # --- GDPR (the tables: cogs/engagement/gdpr.py) -----------------------------------------------------------------

    async def flush_for_gdpr(self) -> None:
        """Write what is buffered, so an export holds it and an erasure deletes it."""
        await self.flush(nicknames=False)

    async def forget_erased_user(self, user_id: int) -> None:
        """Drop what is still buffered about the user (after the flush under way, if any), so no later flush writes
        it back after the erasure."""
        async with self._flush_lock:
            self.buffer.forget_user(user_id)

    # --- small helpers shared by the mixins ----------------------------------------------------------------------

    def name_of(self, guild: discord.Guild, user_id: int) -> str:
        member = guild.get_member(user_id)
        return (strip_suffix(member.display_name) or member.name) if member else f"Former member {user_id}"

    async def avatar_of(self, member: discord.abc.User | None) -> bytes | None:
        """A custom avatar's bytes (small), or None for default avatars and on any failure."""
        return await avatar_bytes(member)
