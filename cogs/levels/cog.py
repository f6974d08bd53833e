"""Levels: a message pipeline stage and a voice listener that give XP in memory, a buffered flush that writes it
with one set-based statement and decides level-ups from what the write returned, and what a level-up does (level
roles, the announcement, the `hearth_level_up` hook).

The hot path never touches the database: settings come from the guild settings cache, level roles and multipliers
from a `GuildCache` (invalidated through NOTIFY), the cooldown from memory, and XP goes into a bounded
`CounterBuffer` that the flush loop writes every few seconds, when it fills up, and at shutdown (cog unload, which
SIGTERM triggers). Voice XP is credited in whole minutes at each flush and when a member stops earning.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

import discord
from discord.ext import commands

from cogs.levels import curve, repo
from cogs.levels.api import LEVEL_UP_EVENT, LevelsApi, LevelUp
from cogs.levels.buffer import Gain, Key, xp_buffer
from cogs.levels.commands import CommandsMixin
from cogs.levels.config_commands import LevelsConfig
from cogs.levels.rewards import RoleChange, announce, sync_roles
from cogs.levels.rules import GuildRules
from cogs.levels.settings import (
    LEVELS_COOLDOWN,
    LEVELS_ENABLED,
    LEVELS_ROLE_MODE,
    LEVELS_VOICE_XP,
    LEVELS_XP_MAX,
    LEVELS_XP_MIN,
    SCOPE,
    SETTINGS,
)
from cogs.levels.voice import Credit, VoiceTracker
from core import notify
from core.cog_base import CompositeMetaClass, HearthCog
from core.flush_loop import FlushLoop
from core.guild_cache import GuildCache
from core.message_pipeline import ORDER_LEVELS, MessageContext, attach
from core.modules import declare
from utils.config_group import add_config_group, remove_config_group
from utils.cooldowns import Cooldown

log = logging.getLogger(__name__)

FLUSH_INTERVAL = 5.0  # seconds between writes
MAX_BACKOFF = 60.0  # seconds between attempts while the database is down
SHUTDOWN_FLUSH_TIMEOUT = 10.0
CARD_RATE, CARD_PER = 3, 60.0  # /rank and /levels: 3 cards per member per minute
COOLDOWN_KEYS = 200_000  # remembered last awards before old ones are swept
LONGEST_COOLDOWN = 3600.0


def places(channel: Any) -> list[int | None]:
    """Where a multiplier may be set for a message or a minute in `channel`, most specific first: the channel, then
    a thread's channel, then the category."""
    if isinstance(channel, discord.Thread):
        parent = channel.parent
        return [channel.id, channel.parent_id, parent.category_id if parent is not None else None]
    return [channel.id, getattr(channel, "category_id", None)]


def role_ids(member: discord.Member | discord.User) -> list[int]:
    """The ids of a member's roles (none for a user the cache holds no membership of)."""
    return [role.id for role in getattr(member, "roles", ())]


class LevelsCog(CommandsMixin, HearthCog, metaclass=CompositeMetaClass, name="Levels"):
    """XP, levels, level roles, announcements, voice XP, /rank, /levels, /xp and `/config levels`."""

    pool_size = 2  # the flush and the occasional /rank or /levels
    settings = SETTINGS
    module = declare("levels", "Levels", docs="levels.md", summary="XP, levels and level roles")

    def __init__(self, bot: Any) -> None:
        super().__init__(bot)
        self.buffer = xp_buffer()
        self.voice = VoiceTracker()
        self.rules: GuildCache[GuildRules] = GuildCache(self._load_rules)
        self.rng = random.Random()  # the XP draw per message (tests may seed it)
        self.last_award: dict[Key, datetime] = {}  # the cooldown: when each member last earned message XP
        self.flush_lock = asyncio.Lock()
        self.flushes = 0
        self.level_ups = 0  # level-ups this process decided (and celebrated)
        self.flusher = FlushLoop(
            "Levels", lambda: self.flush(background=True), bot.clock, interval=FLUSH_INTERVAL,
            max_backoff=MAX_BACKOFF, backlog=lambda: f"XP of {len(self.buffer)} member(s)",
            dropped=lambda: f"{self.buffer.dropped} XP gain(s) dropped while the buffer was full")
        self._celebrations: set[asyncio.Task[None]] = set()
        self.card_cooldown = Cooldown(CARD_RATE, CARD_PER, bot.clock)
        # Cards are drawn in threads of their own, never on the event loop (nor in asyncio's shared executor).
        self.drawing = ThreadPoolExecutor(max_workers=2, thread_name_prefix="levels-cards")
        self.api: LevelsApi | None = None
        self.config_group: LevelsConfig | None = None

    # --- lifecycle ---------------------------------------------------------------------------------------------

    async def load(self) -> None:
        await notify.subscribe(self.bot, repo.CHANNEL, self.rules.invalidate_payload, self.rules.mark_stale)
        attach(self.bot).register("levels", self.on_message, order=ORDER_LEVELS, module=self.module,
                                  wanted=lambda _guild_id, settings: settings.value(LEVELS_ENABLED))
        self.api = LevelsApi(self.bot, self.pool, self.pending_xp, self)
        self.bot.apis.publish(LevelsApi, self.api)
        self.config_group = LevelsConfig(self)
        add_config_group(self.bot, self.config_group)
        for guild in self.bot.guilds:  # a reload: whoever is in voice now starts earning now
            await self.scan_voice(guild)
        self.flusher.start()

    async def unload(self) -> None:
        pipeline = getattr(self.bot, "pipeline", None)
        if pipeline is not None:
            pipeline.unregister("levels")
        if self.api is not None:
            self.bot.apis.withdraw(LevelsApi, self.api)
        if self.config_group is not None:
            remove_config_group(self.bot, self.config_group.name)
        await notify.unsubscribe(self.bot, repo.CHANNEL)
        # Voice minutes so far, then everything buffered; level-ups it decides are still announced (Discord is
        # still connected while cogs unload), within the shutdown budget.
        await self.flusher.stop(SHUTDOWN_FLUSH_TIMEOUT, final=self._final_flush)
        self.drawing.shutdown(wait=False, cancel_futures=True)

    async def _final_flush(self) -> None:
        await self.flush()
        if self._celebrations:
            await asyncio.gather(*self._celebrations, return_exceptions=True)

    # --- the pipeline stage (hot path: memory only) --------------------------------------------------------------

    def on_message(self, context: MessageContext) -> Awaitable[None] | None:
        """The pipeline stage: XP for a message past the member's cooldown (memory only, unless the guild's XP
        rules are not in memory yet)."""
        settings = context.settings
        if not settings.value(LEVELS_ENABLED):
            return None
        message = context.message
        key = (message.guild.id, message.author.id)
        last = self.last_award.get(key)
        if last is not None and (context.now - last).total_seconds() < settings.value(LEVELS_COOLDOWN):
            return None
        rules = self.rules.peek(key[0])
        if rules is None:
            return self._award_after_loading(context, key)
        self._award(context, key, rules)
        return None

    async def _award_after_loading(self, context: MessageContext, key: Key) -> None:
        self._award(context, key, await self.rules.get(key[0]))

    def _award(self, context: MessageContext, key: Key, rules: GuildRules) -> None:
        message = context.message
        author = message.author
        multiplier = rules.multiplier(places(message.channel), role_ids(author) if rules.member_roles else ())
        if multiplier <= 0:
            return
        settings = context.settings
        low, high = sorted((settings.value(LEVELS_XP_MIN), settings.value(LEVELS_XP_MAX)))
        self._remember_award(key, context.now)
        self.buffer.add(key, Gain(round(self.rng.randint(low, high) * multiplier), messages=1,
                                  channel_id=message.channel.id))
        if self.buffer.pressure:
            self.flusher.wake.set()

    def _remember_award(self, key: Key, now: datetime) -> None:
        if key not in self.last_award and len(self.last_award) >= COOLDOWN_KEYS:
            self.last_award = {k: at for k, at in self.last_award.items()
                               if (now - at).total_seconds() < LONGEST_COOLDOWN}
            if len(self.last_award) * 2 >= COOLDOWN_KEYS:  # still crowded: start over rather than sweep per message
                self.last_award = {}
        self.last_award[key] = now

    async def guild_rules(self, guild_id: int) -> GuildRules:
        return self.rules.peek(guild_id) or await self.rules.get(guild_id)

    async def _load_rules(self, guild_id: int) -> GuildRules:
        return await repo.rules(self.pool, guild_id)

    def pending_xp(self, guild_id: int, user_id: int) -> int:
        """XP this process holds for a member and has not written yet."""
        gain = self.buffer.get((guild_id, user_id))
        return gain.xp if gain is not None else 0

    # --- voice (memory only; credited in whole minutes) -----------------------------------------------------------

    @commands.Cog.listener()
    async def on_voice_state_update(self, member: discord.Member, before: discord.VoiceState,
                                    after: discord.VoiceState) -> None:
        guild = member.guild
        active = await self._voice_active(guild.id)
        now = self.bot.clock.now()
        credits: list[Credit] = []
        for channel in {before.channel, after.channel} - {None}:
            credits += self.voice.refresh(channel, now, active=active)  # type: ignore[arg-type]
        if after.channel is None:
            credits += self.voice.leave(guild.id, member.id, now)
        await self.credit(credits)

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        await self.scan_voice(guild)

    async def scan_voice(self, guild: discord.Guild) -> None:
        """Re-evaluate every voice channel of a guild (start-up, reconnect, a voice setting changed)."""
        active = await self._voice_active(guild.id)
        now = self.bot.clock.now()
        credits = self.voice.end_guild(guild.id, now) if not active else []
        for channel in (*guild.voice_channels, *guild.stage_channels):
            credits += self.voice.refresh(channel, now, active=active)
        await self.credit(credits)

    async def _voice_active(self, guild_id: int) -> bool:
        settings = self.bot.guild_settings
        return bool(await settings.setting(guild_id, LEVELS_ENABLED) and await settings.setting(guild_id,
                                                                                                  LEVELS_VOICE_XP))

    async def credit(self, credits: list[Credit]) -> None:
        """Turn voice minutes into buffered XP (the guild's rate, the channel's and the member's multipliers)."""
        for item in credits:
            rate = await self.bot.guild_settings.setting(item.guild_id, LEVELS_VOICE_XP)
            guild = self.bot.get_guild(item.guild_id)
            member = guild.get_member(item.user_id) if guild is not None else None
            channel = guild.get_channel(item.channel_id) if guild is not None else None
            rules = await self.guild_rules(item.guild_id)
            multiplier = rules.multiplier(places(channel) if channel else [item.channel_id],
                                          role_ids(member) if member is not None else ())
            self.buffer.add((item.guild_id, item.user_id),
                            Gain(round(item.minutes * rate * multiplier), voice_minutes=item.minutes))

    # --- writing ------------------------------------------------------------------------------------------------

    async def flush(self, *, background: bool = False) -> int:
        """Credit running voice sessions, write everything buffered in one statement, then celebrate the level-ups
        the write decided (in a background task when `background`, so Discord never delays the next write).
        Returns the members written; a failed batch goes back into the buffer."""
        await self.credit(self.voice.accrue(self.bot.clock.now()))
        async with self.flush_lock:
            written = len(self.buffer)
            events = await self.write_buffered()
        if events:
            if background:
                task = asyncio.create_task(self.celebrate(events), name="levels-celebrate")
                self._celebrations.add(task)
                task.add_done_callback(self._celebrations.discard)
            else:
                await self.celebrate(events)
        return written

    async def write_buffered(self) -> list[LevelUp]:
        """One transaction, one statement; the level-ups are the rows whose XP before this write (the total
        returned minus what this batch added) was below a level this write reached. Hold `flush_lock`."""
        batch = self.buffer.take()
        if not batch:
            return []
        rows = [(g, u, gain.xp, gain.messages, gain.voice_minutes) for (g, u), gain in batch.items()]
        try:
            async with self.pool.acquire() as conn, conn.transaction():
                written = await repo.flush(conn, rows, self.bot.clock.now())
        except BaseException:
            self.buffer.put_back(batch)
            raise
        self.flushes += 1
        events = []
        for row in written:
            gain = batch[(row["guild_id"], row["user_id"])]
            after = int(row["xp"])
            old, new = curve.level_of(after - gain.xp), curve.level_of(after)
            if new > old:
                events.append(LevelUp(row["guild_id"], row["user_id"], old, new, after, "activity", gain.channel_id))
        return events

    async def celebrate(self, events: list[LevelUp]) -> None:
        """For each level-up: the level roles, the announcement and the hook (one failure stops no other)."""
        for event in events:
            try:
                await self.celebrate_one(event)
            except Exception:
                log.exception("Levels: the level-up of %s in guild %s failed", event.user_id, event.guild_id)

    async def celebrate_one(self, event: LevelUp) -> RoleChange:
        """A member's level changed (up, or down by /xp): sync their level roles; for a level-up, announce it
        (earned ones only) and fire the `hearth_level_up` hook."""
        guild = self.bot.get_guild(event.guild_id)
        member = guild.get_member(event.user_id) if guild is not None else None
        change = RoleChange()
        if member is not None:
            mode = await self.bot.guild_settings.setting(guild.id, LEVELS_ROLE_MODE)
            change = await sync_roles(self.bot, member, event.new_level, await self.guild_rules(guild.id), mode)
            if event.source == "activity" and event.new_level > event.old_level:
                await announce(self.bot, member, event)
        if event.new_level > event.old_level:
            self.level_ups += 1
            self.bot.dispatch(LEVEL_UP_EVENT, event)
        return change

    # --- resets, settings, GDPR -----------------------------------------------------------------------------------

    def forget_guild_pending(self, guild_id: int, user_id: int | None = None) -> None:
        """Drop what is buffered for a guild (or one member of it) and restart their voice time: an XP reset."""
        def matches(key: Key) -> bool:
            return key[0] == guild_id and (user_id is None or key[1] == user_id)

        self.buffer.forget(matches)
        self.last_award = {key: at for key, at in self.last_award.items() if not matches(key)}
        now = self.bot.clock.now()
        for key, session in self.voice.sessions.items():
            if matches(key):
                session.since = now

    @commands.Cog.listener()
    async def on_hearth_settings_changed(self, guild_id: int, keys: list[tuple[str, str]]) -> None:
        if {(SCOPE, "enabled"), (SCOPE, "voice_xp")} & set(keys):
            guild = self.bot.get_guild(guild_id)
            if guild is not None:
                await self.scan_voice(guild)

    async def flush_for_gdpr(self) -> None:
        """Write what is buffered, so an export holds it and an erasure deletes it."""
        await self.flush()

    async def forget_erased_user(self, user_id: int) -> None:
        """Drop what is still held about the user (after the flush under way), and reload the level roles (their
        setter may have been the erased user)."""
        async with self.flush_lock:
            self.buffer.forget(lambda key: key[1] == user_id)
        self.last_award = {key: at for key, at in self.last_award.items() if key[1] != user_id}
        self.voice.forget([key for key in self.voice.sessions if key[1] == user_id])
        self.rules.invalidate()

    # --- small helpers for the commands ---------------------------------------------------------------------------

    def display_name(self, guild: discord.Guild, user_id: int) -> str:
        member = guild.get_member(user_id)
        return member.display_name if member is not None else f"Former member {user_id}"

    async def draw(self, render: Callable[..., bytes], *args: Any) -> bytes | None:  # type: ignore[override]
        try:
            return await asyncio.get_running_loop().run_in_executor(self.drawing, render, *args)
        except Exception:  # a broken font or image must not cost the member their answer
            log.exception("Levels: drawing a card failed; answering with text")
            return None
