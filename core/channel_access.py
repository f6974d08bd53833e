"""Background posts to a channel the bot may not post in: one notice, then silence until permissions change.

Work nobody is waiting for (reminders, awards, transcripts, log entries …) posts through `ChannelAccess.send`.
When Discord answers 403 there, the channel is remembered as blocked (per process, with the missing permission
in words), the admins are told once — in the log channel, or by DM to the server owner when the log channel is
the blocked one — and later posts to that channel are skipped without any request to Discord. The block is
lifted when something that could fix it happens: the channel (or its category) is edited, a role's permissions
change, the bot's own roles change, or a channel setting is changed with /config. As a safety net against a
refusal the bot cannot see in its own permission cache, a block also expires after `BLOCK_EXPIRY` (at most one
probe per expiry). The admins hear about a channel once per "broken period": a probe that fails again stays
silent, and a successful post ends the period.
Callers catch `ChannelBlocked` where they used to catch `discord.Forbidden` and move on: a timer job
finishes (or moves to its next occurrence) instead of retrying against Discord.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

import discord

from core.settings_registry import SYSTEM_LOG_CHANNEL, SettingType
from utils.errors import missing_permission_message

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine

    from core.guild_settings import GuildSettings
    from core.settings_registry import SettingsRegistry
    from utils.clock import Clock

log = logging.getLogger(__name__)

# The safety net for a refusal the permission cache does not explain: at most one probe per channel this often.
BLOCK_EXPIRY = timedelta(hours=6)
CHANNEL_TYPES = (SettingType.CHANNEL, SettingType.CHANNELS)


class ChannelBlocked(Exception):
    """A background post was not made: the bot lacks a permission in the channel (the admins were told)."""

    def __init__(self, channel_id: int, problem: str) -> None:
        super().__init__(problem)
        self.channel_id = channel_id
        self.problem = problem


@dataclass
class Block:
    """Why and since when posting in a channel is paused."""

    guild_id: int
    problem: str
    since: datetime
    category_id: int | None = None


class ChannelAccessBot(Protocol):
    """What `ChannelAccess` uses of the bot (`HearthBot` provides it; the bot builds its `ChannelAccess`)."""

    clock: Clock
    settings_registry: SettingsRegistry

    @property
    def guild_settings(self) -> GuildSettings:
        """Per-guild settings (the log channel)."""

    @property
    def user(self) -> discord.ClientUser | None:
        """The bot's own user (None before login)."""

    def add_listener(self, func: Callable[..., Coroutine[Any, Any, Any]], /, name: str = ...) -> None:
        """Listen to a Discord or Hearth event."""


class ChannelAccess:
    """Per-process memory of channels the bot may not post in, and the one notice per block."""

    def __init__(self, bot: ChannelAccessBot, *, expiry: timedelta = BLOCK_EXPIRY) -> None:
        self.bot = bot
        self.expiry = expiry
        self._blocked: dict[int, Block] = {}
        self._told: set[int] = set()  # channels the admins were told about and that have not worked since
        self.skipped = 0  # posts not attempted because their channel was blocked (for tests and diagnostics)

    # --- asking and posting -------------------------------------------------------------------------------------

    def blocked(self, channel_id: int, channel: discord.abc.GuildChannel | None = None) -> Block | None:
        """The block on `channel_id`, or None when the bot may try to post there.

        An expired block is renewed without asking Discord when the bot's own view of its permissions (discord.py's
        cache, kept current by gateway events) still shows the permission missing; otherwise it is lifted and the
        next post is the probe."""
        block = self._blocked.get(channel_id)
        if block is None or self.bot.clock.now() - block.since < self.expiry:
            return block
        if channel is not None and not self._can_post(channel):
            block.since = self.bot.clock.now()
            return block
        del self._blocked[channel_id]
        return None

    @staticmethod
    def _can_post(channel: discord.abc.GuildChannel) -> bool:
        allowed = channel.permissions_for(channel.guild.me)
        return allowed.view_channel and allowed.send_messages

    async def send(self, channel: discord.abc.GuildChannel, *, what: str, **kwargs: Any) -> discord.Message:
        """`channel.send(**kwargs)` for background work; `what` names the post for the admins' notice.

        Raises `ChannelBlocked` (no request made) while the channel is blocked, and after a 403 (which blocks it
        and tells the admins once). Other Discord errors propagate: 429 and 5xx were already retried by
        discord.py, and the caller decides whether to retry later.
        """
        block = self.blocked(channel.id, channel)
        if block is not None:
            self.skipped += 1
            log.info("Guild %s: not posting %s in channel %s: %s", block.guild_id, what, channel.id, block.problem)
            raise ChannelBlocked(channel.id, block.problem)
        try:
            message = await channel.send(**kwargs)  # type: ignore[attr-defined]
        except discord.Forbidden as exc:
            problem = missing_permission_message(exc)
            await self.block(channel, problem, what)
            raise ChannelBlocked(channel.id, problem) from exc
        self._told.discard(channel.id)  # it works (again): a later block is news for the admins
        return message

    async def block(self, channel: discord.abc.GuildChannel, problem: str, what: str) -> None:
        """Remember that the bot cannot post in `channel` and tell the admins (once per block)."""
        if self.blocked(channel.id) is not None:
            return
        self._blocked[channel.id] = Block(channel.guild.id, problem, self.bot.clock.now(),
                                          getattr(channel, "category_id", None))
        log.warning("Guild %s: posting paused in channel %s: %s", channel.guild.id, channel.id, problem)
        if channel.id not in self._told:
            self._told.add(channel.id)
            await self._tell_admins(channel, problem, what)

    # --- lifting blocks -----------------------------------------------------------------------------------------

    def unblock(self, *, guild_id: int | None = None, channel_id: int | None = None) -> int:
        """Lift the block on one channel (and the channels of a category), or on every channel of a guild."""
        lifted = [cid for cid, block in self._blocked.items()
                  if (channel_id is not None and channel_id in (cid, block.category_id))
                  or (channel_id is None and block.guild_id == guild_id)]
        for cid in lifted:
            del self._blocked[cid]
        if lifted:
            log.info("Posting resumed in channel(s) %s", ", ".join(map(str, lifted)))
        return len(lifted)

    def attach(self) -> None:
        """Listen to the events after which a blocked channel may work again."""
        self.bot.add_listener(self.on_guild_channel_update, "on_guild_channel_update")
        self.bot.add_listener(self.on_guild_role_update, "on_guild_role_update")
        self.bot.add_listener(self.on_member_update, "on_member_update")
        self.bot.add_listener(self.on_hearth_settings_changed, "on_hearth_settings_changed")

    async def on_guild_channel_update(self, before: discord.abc.GuildChannel,
                                      after: discord.abc.GuildChannel) -> None:
        """A channel or category was edited (permission overwrites, moved …): try its channels again."""
        self.unblock(channel_id=after.id)

    async def on_guild_role_update(self, before: discord.Role, after: discord.Role) -> None:
        """A role's permissions changed: any blocked channel of the guild may work now."""
        if before.permissions != after.permissions:
            self.unblock(guild_id=after.guild.id)

    async def on_member_update(self, before: discord.Member, after: discord.Member) -> None:
        """The bot was given or lost a role."""
        if self.bot.user is not None and after.id == self.bot.user.id and before.roles != after.roles:
            self.unblock(guild_id=after.guild.id)

    async def on_hearth_settings_changed(self, guild_id: int, keys: list[tuple[str, str]]) -> None:
        """A channel setting was changed with /config: the admin is fixing things, try again."""
        registry = self.bot.settings_registry
        if any((spec := registry.get(scope, key)) is not None and spec.type in CHANNEL_TYPES for scope, key in keys):
            self.unblock(guild_id=guild_id)

    # --- the notice ---------------------------------------------------------------------------------------------

    async def _tell_admins(self, channel: discord.abc.GuildChannel, problem: str, what: str) -> None:
        guild = channel.guild
        notice = (f"⚠️ I couldn't post {what} in {channel.mention}. {problem}\n"
                  f"I won't try to post in {channel.mention} again until its permissions or my roles change "
                  "(or a channel setting is changed with `/config`); posts due meanwhile are skipped.")
        log_id = await self.bot.guild_settings.setting(guild.id, SYSTEM_LOG_CHANNEL)
        log_channel = guild.get_channel(log_id) if log_id else None
        if isinstance(log_channel, discord.TextChannel) and self.blocked(log_channel.id) is None:
            try:
                await log_channel.send(notice[:2000], allowed_mentions=discord.AllowedMentions.none())
                return
            except discord.Forbidden as exc:  # the log channel is blocked too: remember it, tell the owner
                self._blocked[log_channel.id] = Block(guild.id, missing_permission_message(exc),
                                                      self.bot.clock.now(), log_channel.category_id)
                self._told.add(log_channel.id)  # this very DM says so
                notice += f"\nI can't post in the log channel {log_channel.mention} either."
            except discord.HTTPException as exc:
                log.warning("Guild %s: the log channel refused the notice (%s): %s", guild.id, exc.status, notice)
                return
        await self._tell_owner(guild, f"**{guild.name}**: {notice}")

    async def _tell_owner(self, guild: discord.Guild, notice: str) -> None:
        try:
            owner = guild.owner or await guild.fetch_member(guild.owner_id)  # type: ignore[arg-type]
            await owner.send(notice[:2000], allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException as exc:
            log.warning("Guild %s: could not tell the owner (%s) either: %s", guild.id, exc.status, notice)
