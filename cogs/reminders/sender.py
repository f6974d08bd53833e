"""Sending reminders when their timer jobs come due.

Idempotent: `last_sent_at` records the occurrence a post was made for (its due time), so a job retried after a
crash between the post and the end of the job does not post twice. A channel the bot may not post in is
paused through `core.channel_access` (the admins are told once) and that occurrence is skipped, so no job
retries against Discord; other Discord errors are retried by the timers service, and a weekly reminder whose
last attempt failed moves on to its next occurrence instead of being dropped.
"""

from __future__ import annotations

import logging
from datetime import datetime, time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import discord

from cogs.premium.api import premium_of
from cogs.reminders import repo
from cogs.reminders.posting import reminder_embed
from cogs.reminders.schedule import next_occurrence
from core.channel_access import ChannelBlocked
from core.guild_kit import post_to_log
from core.settings_registry import SYSTEM_TIMEZONE
from core.timers import MAX_ATTEMPTS, Job
from utils.mentions import allowed_mentions_for, member_or_none

if TYPE_CHECKING:
    from core.db import HearthPool
    from core.hearth_bot import HearthBot

log = logging.getLogger(__name__)


class GuildUnavailable(RuntimeError):
    """The reminder's guild is not in the bot's cache right now; the job is retried later."""


class ReminderSender:
    """The handlers of `reminder` jobs."""

    def __init__(self, bot: HearthBot, pool: HearthPool) -> None:
        self.bot = bot
        self.pool = pool

    async def timezone(self, guild_id: int) -> ZoneInfo:
        """The guild's time zone (system.timezone)."""
        return ZoneInfo(await self.bot.guild_settings.setting(guild_id, SYSTEM_TIMEZONE))

    async def run(self, job: Job) -> datetime | None:
        """Post the reminder for this job; returns the next occurrence for weekly reminders."""
        phase = job.payload.get("phase")
        reminder = await repo.get(self.pool, job.guild_id, int(job.payload.get("reminder_id", 0)))
        if reminder is None:
            return None  # deleted meanwhile
        already_sent = reminder.last_sent_at is not None and reminder.last_sent_at >= job.due_at
        if not already_sent:
            try:
                message = await self._post(reminder, phase, job)  # (while the module is off, the job waits)
            except discord.HTTPException as exc:
                if job.attempts < MAX_ATTEMPTS:
                    raise  # the timers service retries with back-off (nothing was posted, nothing is recorded)
                # Discord kept failing through every attempt: this post is lost, the reminder is not (a weekly one
                # moves to its next occurrence, a finished event is cleaned up as if it had been posted).
                log.warning("Reminder #%s: the %s post due %s failed %d times (%s); giving up on this one",
                            reminder.id, phase, job.due_at, job.attempts, exc)
                message = None
            fields: dict[str, object] = {"last_sent_at": job.due_at}  # handled, posted or not
            if phase == "pre" and message is not None:
                fields["sent_message_id"] = message.id
            await repo.update(self.pool, job.guild_id, reminder.id, fields)
        if phase == "start":
            await self._finish_event(reminder)
            return None
        if phase == "repeat":
            return await self._next(reminder, after=max(job.due_at, self.bot.clock.now()))
        return None

    async def skip(self, job: Job) -> datetime | None:
        """Too late after downtime: nothing is posted; weekly reminders move on to their next occurrence."""
        reminder = await repo.get(self.pool, job.guild_id, int(job.payload.get("reminder_id", 0)))
        if reminder is None:
            return None
        if job.payload.get("phase") == "repeat":
            return await self._next(reminder, after=self.bot.clock.now())
        if job.payload.get("phase") == "start":
            await repo.delete(self.pool, job.guild_id, reminder.id)  # the event is over
        return None

    def describe(self, job: Job) -> str:
        """A line for the "skipped while offline" summary."""
        return f"reminder #{job.payload.get('reminder_id')} due <t:{int(job.due_at.timestamp())}:f>"

    async def _next(self, reminder: repo.Reminder, after: datetime) -> datetime:
        return next_occurrence(reminder.weekdays, reminder.call_time or time(0), await self.timezone(reminder.guild_id),
                               after)

    async def _post(self, reminder: repo.Reminder, phase: str, job: Job) -> discord.Message | None:
        guild = self.bot.get_guild(reminder.guild_id)
        if guild is None or guild.unavailable:
            # Not in this process's cache (the bot left), or listed but unavailable (a Discord outage, or its
            # GUILD_CREATE not received yet: no channels then, which must not read as "the channel was deleted"):
            # nothing is marked as sent; the timers service retries with back-off and gives up after its last attempt.
            raise GuildUnavailable(f"guild {reminder.guild_id} is not available to post reminder #{reminder.id}")
        channel = guild.get_channel(reminder.channel_id)
        if not isinstance(channel, discord.TextChannel):
            await post_to_log(self.bot, guild, content=f"⚠️ Reminder #{reminder.id} ({reminder.name}) could "
                              "not be posted: its channel no longer exists. Edit it with `/reminder edit`.")
            return None
        moment = reminder.event_time if phase in ("pre", "start") and reminder.event_time else job.due_at
        image = bool(reminder.image_url) and reminder.created_by is not None and await premium_of(self.bot).is_premium(
            reminder.created_by, guild.id)
        # Whoever last set the message (or where and when it is posted) decides what it may ping, as of now.
        author = await member_or_none(guild, reminder.message_set_by) if reminder.message else None
        try:
            return await self.bot.channel_access.send(
                channel, what=f"reminder #{reminder.id} ({reminder.name})",
                content=reminder.message or None,
                embed=reminder_embed(reminder, phase, moment, image=image, late_by=job.late_by),
                allowed_mentions=allowed_mentions_for(reminder.message, channel, [author]),
            )
        except ChannelBlocked as exc:
            # The admins were told once; this occurrence is skipped (recorded as handled), the next one is planned.
            log.info("Reminder #%s: occurrence %s skipped: %s", reminder.id, job.due_at, exc.problem)
            return None

    async def _finish_event(self, reminder: repo.Reminder) -> None:
        """At T0: remove the early reminder's message, then the finished one-off reminder."""
        guild = self.bot.get_guild(reminder.guild_id)
        channel = guild.get_channel(reminder.channel_id) if guild else None
        if reminder.sent_message_id and isinstance(channel, discord.TextChannel):
            try:
                await channel.get_partial_message(reminder.sent_message_id).delete()
            except discord.NotFound:
                pass  # already deleted by someone
            except discord.HTTPException as exc:  # best effort (403, or Discord failing): the event is over anyway
                log.info("Could not delete the early reminder %s: %s", reminder.sent_message_id, exc)
        await repo.delete(self.pool, reminder.guild_id, reminder.id)
