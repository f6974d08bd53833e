"""Points: a balance per member and guild changed only through a ledger (`repo.post`), earned from activity,
level-ups, challenge wins and staff grants, spent in a shop of roles, temporary roles and custom rewards.

Earning never touches the database on the hot path: settings come from the guild settings cache, the per-member
cooldown is in memory, and credits go to a bounded buffer that `flush()` writes with one set-based statement every
few seconds, when the buffer fills up, and at shutdown (cog unload, which SIGTERM triggers).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from discord.ext import commands

from cogs.engagement.api import EngagementApi
from cogs.levels.api import LevelUp
from cogs.points import repo
from cogs.points.api import PointsApi
from cogs.points.buffer import ActivityGate, PointsBuffer
from cogs.points.buying import TEMP_ROLE_JOB, TEMP_ROLE_TIMEOUT, BuyingMixin
from cogs.points.redeems import RedeemButton, RedeemMixin
from cogs.points.settings import (
    POINTS_CHALLENGE_WIN_POINTS,
    POINTS_ENABLED,
    POINTS_IGNORED_CHANNELS,
    POINTS_LEVEL_UP_POINTS,
    POINTS_MESSAGE_COOLDOWN,
    POINTS_MESSAGE_POINTS,
    SETTINGS,
)
from cogs.points.shop import ShopMixin
from cogs.points.sources import HookLink
from cogs.points.wallet import WalletMixin
from core.cog_base import CompositeMetaClass, HearthCog
from core.flush_loop import FlushLoop
from core.message_pipeline import ORDER_ENGAGEMENT, MessageContext, attach
from core.modules import declare
from core.settings_registry import SYSTEM_TIMEZONE
from utils.local_days import LocalDays

log = logging.getLogger(__name__)

ORDER_POINTS = ORDER_ENGAGEMENT + 5  # after automod (a deleted message earns nothing) and the counters
FLUSH_INTERVAL = 3.0  # seconds between writes
MAX_BACKOFF = 60.0  # seconds between attempts while the database is down
SHUTDOWN_FLUSH_TIMEOUT = 10.0


class PointsCog(WalletMixin, ShopMixin, BuyingMixin, RedeemMixin, HearthCog, metaclass=CompositeMetaClass,
                name="Points"):
    """Balances, the ledger, earning, /give, the shop and its redeem queue.

    The mixins see the cog through `cogs.points.contract.MixinMeta`; this class provides what it declares."""

    pool_size = 2
    settings = SETTINGS
    module = declare("points", "Points", docs="points.md", summary="points, the shop and rewards")
    persistent_items = (RedeemButton,)

    def __init__(self, bot: Any) -> None:
        super().__init__(bot)
        self.buffer = PointsBuffer()
        self.gate = ActivityGate()
        self.days = LocalDays()  # each message's day in its guild's time zone
        self.flushes = 0
        self.api: PointsApi | None = None
        self._flush_lock = asyncio.Lock()
        self.flusher = FlushLoop("Points", self.flush, bot.clock, interval=FLUSH_INTERVAL, max_backoff=MAX_BACKOFF,
                                 backlog=lambda: f"{self.buffer.pending} point(s)",
                                 dropped=lambda: f"{self.buffer.dropped} point(s) dropped while full")
        self.hooks = (
            HookLink(lambda: bot.apis.get(EngagementApi), "add_challenge_won_listener",
                     "remove_challenge_won_listener", self.on_challenge_won),
        )

    # --- lifecycle -------------------------------------------------------------------------------------------------

    async def load(self) -> None:
        # Taking a temporary role back must happen: retried until it works (the log channel hears of it once).
        self.bot.timers.register(TEMP_ROLE_JOB, self.run_temp_role_end, on_skip=self.run_temp_role_end,
                                 describe=self.describe_temp_role, timeout=TEMP_ROLE_TIMEOUT)
        attach(self.bot).register("points", self.on_message, order=ORDER_POINTS, module=self.module,
                                  wanted=lambda _guild_id, settings: settings.value(POINTS_ENABLED)
                                  and settings.value(POINTS_MESSAGE_POINTS) > 0)
        self.link_hooks()
        self.flusher.start()
        self.api = PointsApi(self.balance_of)
        self.bot.apis.publish(PointsApi, self.api)

    async def unload(self) -> None:
        if self.api is not None:
            self.bot.apis.withdraw(PointsApi, self.api)
        pipeline = getattr(self.bot, "pipeline", None)
        if pipeline is not None:
            pipeline.unregister("points")
        with contextlib.suppress(RuntimeError):
            self.bot.timers.unregister(TEMP_ROLE_JOB)
        for hook in self.hooks:
            hook.close()
        await self.flusher.stop(SHUTDOWN_FLUSH_TIMEOUT)

    def link_hooks(self) -> None:
        """Listen to the features points come from, as they are loaded now (see `cogs.points.sources`)."""
        for hook in self.hooks:
            hook.ensure()

    # --- earning (hot path: memory only) -------------------------------------------------------------------------

    def on_message(self, context: MessageContext) -> None:
        """The pipeline stage: points for activity (memory only)."""
        settings = context.settings
        if not settings.value(POINTS_ENABLED):
            return
        amount = settings.value(POINTS_MESSAGE_POINTS)
        if amount <= 0:
            return
        message = context.message
        ignored = settings.value(POINTS_IGNORED_CHANNELS)
        if ignored and message.channel.id in ignored:
            return
        guild_id = message.guild.id
        now = context.now
        if not self.gate.allow(guild_id, message.author.id, now, settings.value(POINTS_MESSAGE_COOLDOWN)):
            return
        day = self.days.day(now, settings.value(SYSTEM_TIMEZONE))
        self.buffer.add(guild_id, message.author.id, amount, repo.ACTIVITY, f"activity:{day.isoformat()}",
                        "Messages")
        if self.buffer.pressure:
            self.flusher.wake.set()

    @commands.Cog.listener()
    async def on_hearth_level_up(self, event: LevelUp) -> None:
        """The levels feature's event (`hearth_level_up`): each level reached earns once per member, however
        often it is reached again (XP taken away and earned back)."""
        for level in range(event.old_level + 1, event.new_level + 1):
            await self._credit(event.guild_id, event.user_id, POINTS_LEVEL_UP_POINTS, "level", f"level:{level}",
                               f"Reached level {level}")

    async def on_challenge_won(self, guild_id: int, challenge_id: int, winner_id: int) -> None:
        """Engagement's hook: a member won a challenge (credited once per challenge)."""
        await self._credit(guild_id, winner_id, POINTS_CHALLENGE_WIN_POINTS, "challenge", f"challenge:{challenge_id}",
                           f"Won challenge #{challenge_id}")

    async def _credit(self, guild_id: int, user_id: int, spec: Any, kind: str, reference: str, reason: str) -> None:
        settings = self.bot.guild_settings
        if not await settings.setting(guild_id, POINTS_ENABLED):
            return
        amount = await settings.setting(guild_id, spec)
        if amount > 0:
            self.buffer.add(guild_id, user_id, amount, kind, reference, reason)

    # --- writing ---------------------------------------------------------------------------------------------------

    async def flush(self) -> int:
        """Write every buffered credit with one statement; returns the points written. A failed batch goes back
        into the buffer."""
        self.link_hooks()
        async with self._flush_lock:
            entries = self.buffer.take()
            if not entries:
                return 0
            try:
                await repo.post(self.pool, entries, self.bot.clock.now())
            except BaseException:
                self.buffer.put_back(entries)
                raise
            self.flushes += 1
        return sum(entry.amount for entry in entries)

    # --- GDPR (the tables: cogs/points/gdpr.py) ---------------------------------------------------------------------

    async def balance_of(self, guild_id: int, user_id: int) -> int:
        """A member's balance, fresh (the buffered credits written first): `/balance` and the PointsApi."""
        await self.flush()
        return await repo.balance(self.pool, guild_id, user_id)

    async def flush_for_gdpr(self) -> None:
        """Write what is buffered, so an export holds it and an erasure closes it."""
        await self.flush()

    async def forget_erased_user(self, user_id: int) -> None:
        """Drop what is still buffered about the user, so no later flush writes it back after the erasure."""
        async with self._flush_lock:
            self.buffer.forget_user(user_id)
            self.gate.forget_user(user_id)
