"""The embed watcher: event announcements in watched channels become reminder proposals for staff.

Nothing is created silently. A message (from a member or another bot) in a channel of
`reminders.watch_channels` that announces an upcoming event gets a prompt in the staff channel with
"Create reminder" / "Ignore". The buttons are persistent items (`core.persistent_items`) carrying the message
ids, so they keep working after a restart. Editing the announcement offers to move its reminder; deleting it
cancels the reminder.

The LLM reads only what the deterministic parser cannot, and only when all of these hold (anyone may post in a
watched channel, and every LLM call costs the operator money):
1. the message looks like an announcement (`looks_like_announcement`: a half-read date or time, an embed, a link);
2. the channel and the guild are under their rate limits (`CHANNEL_RATE`, `GUILD_RATE`, in memory, per process);
3. the guild's daily budget of background AI calls allows it (`AI_GUILD_DAILY_BUDGET`, counted in
   `gpt_guild_usage`; when it is used up the log channel is told once and the LLM is not asked until midnight UTC).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import discord
from discord.ext import commands

from cogs.reminders import planner, repo
from cogs.reminders.contract import MixinMeta
from cogs.reminders.event_parser import Announcement, SpottedEvent, looks_like_announcement, spot_event
from cogs.reminders.posting import ts
from cogs.reminders.settings import REMINDERS_MANAGER_ROLE, REMINDERS_WATCH_CHANNELS, REMINDERS_WATCH_PROMPT_CHANNEL
from core.channel_access import ChannelBlocked
from core.guild_kit import ANY, CHANNEL, StaffRule, is_staff
from core.guild_settings import GuildValues
from core.message_pipeline import MessageContext
from core.persistent_items import Look, PersistentItem, choices
from core.settings_registry import SYSTEM_LOG_CHANNEL, SYSTEM_STAFF_ROLE, SYSTEM_TIMEZONE
from gpt.errors import AIDisabled, AINotConfigured, GuildBudgetExceeded
from gpt.prompts import event_extraction_messages
from utils.cooldowns import Cooldown
from utils.errors import UserFacingError

log = logging.getLogger(__name__)

# LLM reads of announcements: (calls, per seconds). A burst in one channel costs at most CHANNEL_RATE calls, a
# guild with many watched channels at most GUILD_RATE; the guild's daily budget bounds the day.
CHANNEL_RATE = (3, 600.0)
GUILD_RATE = (10, 3600.0)
BACKGROUND_FEATURE = "embed watcher"


def announcement_of(message: discord.Message) -> Announcement:
    """The parts of a message the parser reads."""
    titles, texts, fields = [], [], {}
    for embed in message.embeds:
        titles.append(embed.title or "")
        texts.append(embed.description or "")
        for field in embed.fields:
            texts.append(f"{field.name}: {field.value}")
            fields[(field.name or "").lower()] = field.value or ""
    return Announcement(message.content or "", titles, texts, fields)


# Staff for reminders: Manage Events where the button was clicked, or the reminders manager role, or the server's
# staff role (each counts: the manager role adds to the staff role).
MANAGERS = StaffRule(permissions=("manage_events",), where=CHANNEL, combine=ANY,
                     roles=(REMINDERS_MANAGER_ROLE, SYSTEM_STAFF_ROLE))


async def may_manage(cog: MixinMeta, interaction: discord.Interaction) -> bool:
    """Staff for reminders: Manage Events, the reminders manager role or the server's staff role (`MANAGERS`)."""
    return await is_staff(cog.bot, MANAGERS, interaction)


class _WatchButton(PersistentItem[discord.ui.Button[Any], MixinMeta], cog="Reminders", prefix="watch",
                   template=r"(?P<action>create|ignore):(?P<channel_id>\d+):(?P<message_id>\d+)",
                   unavailable="Reminders are not available right now, try again later."):
    """Create reminder / Ignore on a proposal; the custom_id carries the announcement's channel and message."""

    action: str
    channel_id: int
    message_id: int
    looks = choices(create=Look("Create reminder", discord.ButtonStyle.success), ignore=Look("Ignore"))

    def describe(self) -> str:
        return f"the event proposal button {self.action}"

    async def clicked(self, interaction: discord.Interaction, cog: MixinMeta) -> None:
        # A failure (e.g. the guild's AI budget is used up) is told to the staff member, ephemerally, by the base.
        if not await may_manage(cog, interaction):
            await interaction.response.send_message("Only staff (Manage Events or the reminders role) can decide "
                                                    "on event proposals.", ephemeral=True)
            return
        if self.action == "ignore":
            await interaction.response.edit_message(content=f"🙈 Ignored by {interaction.user.mention}.", view=None)
            return
        await cog.create_from_announcement(interaction, self.channel_id, self.message_id)


class WatcherMixin(MixinMeta):
    """The listeners of the embed watcher, mixed into the reminders cog."""

    _watch_limits: tuple[Cooldown, Cooldown] | None = None

    def _limits(self) -> tuple[Cooldown, Cooldown]:
        """The per-channel and per-guild rate limits of LLM reads, on the bot's clock."""
        if self._watch_limits is None:
            self._watch_limits = (Cooldown(*CHANNEL_RATE, self.bot.clock, what="AI reads in this channel"),
                                  Cooldown(*GUILD_RATE, self.bot.clock, what="AI reads on this server"))
        return self._watch_limits

    def _take_rate(self, guild_id: int, channel_id: int) -> bool:
        """Count one LLM read against the channel's and the guild's rate limits; False (nothing counted) when
        either is used up."""
        pairs = tuple(zip(self._limits(), (channel_id, guild_id), strict=True))
        if any(limit.retry_after(key) > 0 for limit, key in pairs):
            return False
        for limit, key in pairs:
            limit.hit(key)
        return True

    async def _watched(self, message: discord.Message) -> bool:
        if message.guild is None or message.author.id == self.bot.user.id:
            return False
        return await self._is_watched_channel(message.guild.id, message.channel.id)

    async def _is_watched_channel(self, guild_id: int, channel_id: int) -> bool:
        # Settings are cached per guild: no database round trip per message, edit or deletion.
        channels = await self.bot.guild_settings.setting(guild_id, REMINDERS_WATCH_CHANNELS)
        return channel_id in (channels or [])

    async def _prompt_channel(self, guild: discord.Guild) -> discord.TextChannel | None:
        for spec in (REMINDERS_WATCH_PROMPT_CHANNEL, SYSTEM_LOG_CHANNEL):
            channel_id = await self.bot.guild_settings.setting(guild.id, spec)
            channel = guild.get_channel(channel_id) if channel_id else None
            if isinstance(channel, discord.TextChannel):
                return channel
        return None

    async def spot(self, message: discord.Message, *, requested: bool = False) -> SpottedEvent | None:
        """The event announced by `message`: the deterministic parser first, the LLM (if configured) only when
        that finds nothing and the message passes the gate (see the module's docstring). LLM calls here are
        charged to the guild's daily budget of background calls, never to a member's quota.

        `requested`: a staff member's click asks, not a chat message, so the rate limits do not apply (every
        click answers a proposal the gate already let through) and a used-up budget is told to them."""
        tz = ZoneInfo(await self.bot.guild_settings.setting(message.guild.id, SYSTEM_TIMEZONE))
        announcement = announcement_of(message)
        now = self.bot.clock.now()
        event = spot_event(announcement, tz, now)
        if event is not None or not self.llm.configured:
            return event
        text = "\n".join(part for part in (announcement.content, *announcement.embed_titles,
                                            *announcement.embed_texts) if part)
        if len(text.strip()) < 10 or not looks_like_announcement(announcement):
            return None  # ordinary chat: no LLM call
        if not requested and not self._take_rate(message.guild.id, message.channel.id):
            log.debug("Guild %s: an announcement in channel %s was not read by AI (rate limit)", message.guild.id,
                      message.channel.id)
            return None
        try:
            return await self._spot_with_llm(text, message.guild.id, tz, now)
        except GuildBudgetExceeded:  # the log channel was told once by the LLM service
            if requested:
                raise
            return None

    async def _spot_with_llm(self, text: str, guild_id: int, tz: ZoneInfo, now: datetime) -> SpottedEvent | None:
        messages = event_extraction_messages(text, f"{now.astimezone(tz):%Y-%m-%d %H:%M}", tz.key)
        try:
            answer = await self.llm.ask_json(messages, guild_id=guild_id,
                                             required=("is_event", "title", "start", "location"),
                                             background=BACKGROUND_FEATURE)
        except (AINotConfigured, AIDisabled):
            return None
        except GuildBudgetExceeded:
            raise
        except UserFacingError as exc:  # the LLM is down or answered nonsense: no proposal, but say so in the log
            log.warning("Guild %s: the LLM could not read an announcement: %s", guild_id, exc)
            return None
        try:
            start = datetime.fromisoformat(str(answer["start"])).replace(tzinfo=tz).astimezone(UTC)
        except ValueError:
            return None
        if not answer.get("is_event") or start <= now:
            return None
        location = str(answer["location"])[:200] if answer.get("location") else None
        return SpottedEvent(title=str(answer["title"] or "Event")[:100], at=start, location=location)

    async def _propose(self, message: discord.Message, event: SpottedEvent, text: str,
                       view: discord.ui.View | None) -> None:
        channel = await self._prompt_channel(message.guild)
        if channel is None:
            log.info("Guild %s: an event was spotted but no prompt or log channel is set", message.guild.id)
            return
        embed = discord.Embed(title=f"📅 {event.title}", description=text, colour=discord.Colour.blurple())
        embed.add_field(name="When", value=f"{ts(event.at)} ({ts(event.at, 'R')})")
        if event.location:
            embed.add_field(name="Where", value=event.location)
        embed.add_field(name="Announcement", value=message.jump_url, inline=False)
        try:
            await self.bot.channel_access.send(channel, what="an event proposal", embed=embed, view=view,
                                               allowed_mentions=discord.AllowedMentions.none())
        except ChannelBlocked:
            pass  # the admins were told once; proposals wait until the channel works again

    def watches_any(self, _guild_id: int, settings: GuildValues) -> bool:
        """Whether the guild has watched channels (the stage is left out of the guilds that have none)."""
        return bool(settings.value(REMINDERS_WATCH_CHANNELS))

    def watch_stage(self, context: MessageContext) -> Awaitable[None] | None:
        """The watcher's stage in the message pipeline (after automod: a deleted message is not proposed); no
        coroutine for a message outside the watched channels."""
        message = context.message
        if message.channel.id not in (context.settings.value(REMINDERS_WATCH_CHANNELS) or ()):
            return None
        return self.watch_message(message)

    async def watch_message(self, message: discord.Message) -> None:
        if not await self._watched(message):
            return
        event = await self.spot(message)
        if event is None:
            return
        view = _WatchButton.view_of(message.channel.id, message.id)
        await self._propose(message, event, f"Spotted in {message.channel.mention}. Create a reminder for it?", view)

    @commands.Cog.listener("on_raw_message_edit")
    async def watch_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        after = payload.message  # raw: also for announcements older than the bot's message cache
        if after.guild is None or not await self._is_watched_channel(after.guild.id, after.channel.id):
            return
        linked = await repo.by_origin(self.pool, after.guild.id, after.id)
        event = await self.spot(after) if linked else None
        for reminder in linked:
            if event is not None and event.at != reminder.event_time:
                view = _WatchButton.view_of(after.channel.id, after.id, choices=("create",))
                await self._propose(after, event, f"The announcement of reminder #{reminder.id} changed. "
                                    "Create reminder replaces it with the new time.", view)

    @commands.Cog.listener("on_raw_message_delete")
    async def watch_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        if payload.guild_id is None or not await self._is_watched_channel(payload.guild_id, payload.channel_id):
            return
        async with self.pool.acquire() as conn, conn.transaction():
            linked = await repo.by_origin(conn, payload.guild_id, payload.message_id)
            for reminder in linked:
                await self.bot.timers.cancel(planner.JOB_KIND, f"{reminder.id}:", prefix=True, conn=conn)
                await repo.delete(conn, payload.guild_id, reminder.id)
        guild = self.bot.get_guild(payload.guild_id)
        channel = await self._prompt_channel(guild) if guild and linked else None
        if channel is not None:
            names = ", ".join(f"#{r.id} {r.name}" for r in linked)
            try:
                await self.bot.channel_access.send(
                    channel, what="a cancelled-reminder notice", allowed_mentions=discord.AllowedMentions.none(),
                    content=f"🗑️ The announcement was deleted, so its reminder was cancelled: {names}.")
            except ChannelBlocked:
                pass  # the admins were told once


WATCH_ITEMS = (_WatchButton,)
