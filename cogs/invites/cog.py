"""Invite tracking: who invited each new member (`tracker`, `attribution`), the joins and leaves as recorded
(`joins`), the join announcement (`announce`), `/invites` (`commands`), and `InvitesApi` for other features.

The invites are cached per guild in memory, rebuilt from Discord when the bot is ready (after a restart too: joins
while it was away are recorded as unknown, never attributed), when it joins a guild and when tracking is switched
on, and kept current by INVITE_CREATE / INVITE_DELETE. Nothing here runs per message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import discord
from discord.ext import commands

from cogs.invites.announce import announcement
from cogs.invites.api import InvitesApi, JoinAttribution
from cogs.invites.commands import InvitesCommands
from cogs.invites.joins import JoinBook
from cogs.invites.settings import (
    INVITES_ANNOUNCE_CHANNEL,
    INVITES_ANNOUNCE_TEMPLATE,
    INVITES_ENABLED,
    SCOPE,
    SETTINGS,
)
from cogs.invites.tracker import InviteTracker
from core.channel_access import ChannelBlocked
from core.cog_base import CompositeMetaClass, HearthCog
from core.guild_kit import post_to_log
from core.modules import declare
from utils.cooldowns import Cooldown
from utils.errors import DATABASE_ERRORS

log = logging.getLogger(__name__)

WARM_UP_AT_ONCE = 4  # guilds whose invites are read at the same time on start (Discord's rate limits)
CARD_RATE, CARD_PER = 3, 60.0  # /invites leaderboard: 3 cards per member per minute
BLIND = ("📨 I can't tell who invited new members: reading the server's invites needs my **Manage Server** "
         "permission. Until it is granted, joins are recorded as *unknown*. (Invite tracking can be switched off "
         "with `/config set scope:invites key:enabled value:off`.)")


class InvitesCog(InvitesCommands, HearthCog, metaclass=CompositeMetaClass, name="Invites"):
    """Invite tracking; the commands mixin sees it as `cogs.invites.contract.MixinMeta`."""

    pool_size = 1  # a write per join or leave; commands are rare
    settings = SETTINGS
    always_listening = frozenset({"on_member_join"})
    module = declare("invites", "Invite tracking", docs="invites.md", summary="who invited whom")

    def __init__(self, bot: Any) -> None:
        super().__init__(bot)
        self.tracker = InviteTracker(bot, self.report_blind)
        self.book: JoinBook | None = None
        self.api: InvitesApi | None = None
        self.drawing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="invites-cards")
        self.card_cooldown = Cooldown(CARD_RATE, CARD_PER, bot.clock, what="leaderboard cards")
        self._warm_up: asyncio.Task[None] | None = None

    async def load(self) -> None:
        self.book = JoinBook(self.bot, self.pool, self.tracker)
        self.api = InvitesApi(self.book.attribution)
        self.bot.apis.publish(InvitesApi, self.api)
        if self.bot.is_ready():  # loaded into a running bot: read the invites now (on start, on_ready does)
            self._warm_up = asyncio.create_task(self.warm_up(list(self.bot.guilds)), name="invites-warm-up")

    async def unload(self) -> None:
        if self.api is not None:
            self.bot.apis.withdraw(InvitesApi, self.api)
        if self._warm_up is not None:
            self._warm_up.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._warm_up
        if self.book is not None:
            for task in list(self.book.pending.values()):
                task.cancel()
        self.drawing.shutdown(wait=False, cancel_futures=True)

    # --- reading the invites -------------------------------------------------------------------------------------

    async def warm_up(self, guilds: list[discord.Guild], *, restart: bool = False) -> None:
        """Read the invites of `guilds` (where tracking is on) and catch up with what happened while away."""
        gate = asyncio.Semaphore(WARM_UP_AT_ONCE)

        async def one(guild: discord.Guild) -> None:
            async with gate:
                try:
                    if not await self.bot.guild_settings.setting(guild.id, INVITES_ENABLED):
                        self.tracker.forget(guild.id)
                        return
                    await self.tracker.refresh(guild)
                    if self.book is not None:
                        await self.book.catch_up(guild, restart=restart)
                except DATABASE_ERRORS as exc:
                    log.warning("Guild %s: catching up with joins failed (%s)", guild.id, exc)

        await asyncio.gather(*(one(guild) for guild in guilds))

    async def report_blind(self, guild: discord.Guild) -> None:
        """Tell the guild's log channel (once, until reading works again) that Manage Server is missing."""
        problem = await post_to_log(self.bot, guild, what="an invite tracking notice", content=BLIND)
        if problem:
            log.info("Guild %s: invites unreadable, and the notice could not be posted: %s", guild.id, problem)

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        await self.warm_up(list(self.bot.guilds))

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self.warm_up([guild])

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        if self.bot.is_ready():  # back after an outage (on start, on_ready reads every guild)
            await self.warm_up([guild])

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        self.tracker.forget(guild.id)

    @commands.Cog.listener()
    async def on_invite_create(self, invite: discord.Invite) -> None:
        self.tracker.created(invite)

    @commands.Cog.listener()
    async def on_invite_delete(self, invite: discord.Invite) -> None:
        self.tracker.deleted(invite)

    @commands.Cog.listener()
    async def on_guild_update(self, before: discord.Guild, after: discord.Guild) -> None:
        if before.vanity_url_code != after.vanity_url_code:
            await self.tracker.vanity_changed(after)

    @commands.Cog.listener()
    async def on_guild_role_update(self, before: discord.Role, after: discord.Role) -> None:
        guild = after.guild
        state = self.tracker.guilds.get(guild.id)
        if state is not None and state.snapshot is None and guild.me and guild.me.guild_permissions.manage_guild:
            await self.tracker.refresh(guild)  # Manage Server is back: the next join can be told again

    @commands.Cog.listener()
    async def on_hearth_settings_changed(self, guild_id: int, keys: list[tuple[str, str]]) -> None:
        if (SCOPE, "enabled") not in keys:
            return
        guild = self.bot.get_guild(guild_id)
        if guild is not None:  # on: tracking starts again now; off: the snapshot goes
            await self.warm_up([guild], restart=True)

    # --- joins and leaves ----------------------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_member_join(self, member: discord.Member) -> None:
        # Not gated by the module switch like the other listeners (`always_listening`): the join must be
        # registered before the first await, so another feature's join handler asking the API finds it. The switch
        # is read from memory here; a guild whose settings are not in memory yet is tracked this once.
        if self.book is None or not self._tracking(member.guild.id):
            return
        joined = await self.book.start(member)  # registered before the first await: the API finds it
        if not member.bot and self._tracking(member.guild.id):
            await self.announce(member, joined)

    def _tracking(self, guild_id: int) -> bool:
        """Whether the module is on in the guild, from memory only (True when not known yet)."""
        assert self.module is not None
        return self.bot.modules.known_state(guild_id, self.module) is not False

    @commands.Cog.listener()
    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        if self.book is None:
            return
        try:
            await self.book.left(payload.guild_id, payload.user.id)
        except DATABASE_ERRORS as exc:
            log.warning("Guild %s: the leave of %s could not be recorded (%s)", payload.guild_id, payload.user.id,
                        exc)

    async def announce(self, member: discord.Member, joined: JoinAttribution) -> None:
        """Post the join announcement when the guild has one (`invites.announce_channel`)."""
        guild, settings = member.guild, self.bot.guild_settings
        if not await settings.setting(guild.id, INVITES_ENABLED):
            return
        channel_id = await settings.setting(guild.id, INVITES_ANNOUNCE_CHANNEL)
        channel = guild.get_channel(channel_id) if channel_id else None
        if not isinstance(channel, discord.TextChannel):
            return
        inviter = None
        if joined.inviter_id is not None:
            inviter = guild.get_member(joined.inviter_id) or self.bot.get_user(joined.inviter_id)
        post = announcement(await settings.setting(guild.id, INVITES_ANNOUNCE_TEMPLATE), member, joined.how, inviter,
                            joined.inviter_id, joined.inviter_invites)
        try:
            await self.bot.channel_access.send(channel, what="the join announcement", content=post.content,
                                               allowed_mentions=post.allowed_mentions)
        except ChannelBlocked:
            pass  # the admins were told once by channel_access
        except discord.HTTPException as exc:
            log.warning("Guild %s: the join announcement failed (%s)", guild.id, exc)

    # --- GDPR (the tables: cogs/invites/gdpr.py) ----------------------------------------------------------------

    async def forget_erased_user(self, user_id: int) -> None:
        """Drop the attributions remembered in memory about the user."""
        if self.book is not None:
            self.book.forget(user_id)
