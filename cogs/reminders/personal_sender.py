"""Delivering personal reminders when their timer jobs come due (kind `personal_reminder`).

- `<id>:due` is the reminder's occurrence: delivered, recorded in `last_sent_at` (so a job retried after a crash
  does not deliver twice), and a recurring reminder returns its next occurrence (the timers service moves the job).
  A delivered one-off is kept as `done` for a week so its Snooze button still works, then pruned.
- `<id>:snooze` is a snooze of it, recorded in `snooze_sent_at` the same way.
- By DM, with a Snooze button. When the member's DMs are closed the reminder goes to the channel where it was
  asked, if they may still read and write there (with a line saying why); otherwise it is dropped (logged). Asked
  "here", it is posted in that channel if the member may still send there, and by DM otherwise. The only ping is
  the member themself; their text is in the embed, which never pings.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import discord

from cogs.reminders import personal_repo
from cogs.reminders.personal_repo import PersonalReminder
from cogs.reminders.posting import ts
from cogs.reminders.schedule import next_in_rule
from cogs.reminders.snooze import SnoozeButton
from core.timers import Job

if TYPE_CHECKING:
    from core.db import HearthPool
    from core.hearth_bot import HearthBot

log = logging.getLogger(__name__)

KEEP_DONE = timedelta(days=7)  # how long a delivered one-off stays snoozable
DMS_CLOSED = "I couldn't DM you (your DMs are closed to me), so here it is."


class GuildUnavailable(RuntimeError):
    """The reminder's guild is not in the bot's cache right now; the job is retried later."""


def reminder_card(reminder: PersonalReminder, moment: datetime, *, snoozed: bool = False) -> discord.Embed:
    """The embed of a delivered personal reminder."""
    embed = discord.Embed(title="⏰ Reminder" + (" (snoozed)" if snoozed else ""), colour=discord.Colour.orange(),
                          description=reminder.text[:4000])
    embed.add_field(name="Set", value=f"{ts(reminder.created_at, 'R')}", inline=True)
    if reminder.jump_url:
        embed.add_field(name="About", value=f"[this message]({reminder.jump_url})", inline=True)
    if reminder.rule and not snoozed:
        embed.set_footer(text=f"Repeating reminder #{reminder.id} · /remindme delete to stop it")
    else:
        embed.set_footer(text=f"Reminder #{reminder.id}")
    embed.timestamp = moment
    return embed


class PersonalSender:
    """The handlers of `personal_reminder` jobs."""

    def __init__(self, bot: HearthBot, pool: HearthPool) -> None:
        self.bot = bot
        self.pool = pool

    async def run(self, job: Job) -> datetime | None:
        """Deliver the reminder (or its snooze); returns a recurring reminder's next occurrence."""
        reminder = await personal_repo.get(self.pool, job.guild_id, int(job.payload.get("reminder_id", 0)))
        if reminder is None:
            return None  # deleted meanwhile
        snoozed = job.payload.get("phase") == "snooze"
        sent = reminder.snooze_sent_at if snoozed else reminder.last_sent_at
        if sent is None or sent < job.due_at:  # (while the module is off, the job waits: core/modules.py)
            await self._deliver(reminder, job.due_at, snoozed)
        return await self._record(reminder, job, snoozed)

    async def skip(self, job: Job) -> datetime | None:
        """Too late after downtime: nothing is delivered; a recurring reminder moves to its next occurrence."""
        reminder = await personal_repo.get(self.pool, job.guild_id, int(job.payload.get("reminder_id", 0)))
        if reminder is None:
            return None
        return await self._record(reminder, job, job.payload.get("phase") == "snooze")

    def describe(self, job: Job) -> str:
        """A line for the guild's "skipped while offline" summary (no member's text in it)."""
        return f"personal reminder #{job.payload.get('reminder_id')} due <t:{int(job.due_at.timestamp())}:f>"

    async def _record(self, reminder: PersonalReminder, job: Job, snoozed: bool) -> datetime | None:
        now = self.bot.clock.now()
        if snoozed:
            await personal_repo.snooze_delivered(self.pool, reminder.guild_id, reminder.id, job.due_at)
            return None
        upcoming = (next_in_rule(reminder.rule, ZoneInfo(reminder.timezone), max(job.due_at, now))
                    if reminder.rule else None)
        await personal_repo.delivered(self.pool, reminder.guild_id, reminder.id, job.due_at, upcoming,
                                      done=upcoming is None)
        await personal_repo.prune_done(self.pool, reminder.guild_id, now - KEEP_DONE)
        return upcoming

    async def _deliver(self, reminder: PersonalReminder, moment: datetime, snoozed: bool) -> None:
        guild = self.bot.get_guild(reminder.guild_id)
        if guild is None or guild.unavailable:
            raise GuildUnavailable(f"guild {reminder.guild_id} is not available for personal reminder #{reminder.id}")
        embed = reminder_card(reminder, moment, snoozed=snoozed)
        view = SnoozeButton.view_of(reminder.guild_id, reminder.id)
        channel = guild.get_channel(reminder.channel_id) if reminder.channel_id else None
        member = guild.get_member(reminder.user_id)
        usable = isinstance(channel, discord.TextChannel | discord.Thread) and member is not None and (
            channel.permissions_for(member).send_messages and channel.permissions_for(member).view_channel)
        if reminder.deliver == "here" and usable:
            if await self._post(channel, reminder.user_id, embed, view):
                return
        if await self._dm(reminder.user_id, embed, view):
            return
        if reminder.deliver == "dm" and usable and await self._post(channel, reminder.user_id, embed, view,
                                                                    note=DMS_CLOSED):
            return
        log.info("Personal reminder #%s of user %s: neither a DM nor its channel could take it; dropped",
                 reminder.id, reminder.user_id)

    async def _dm(self, user_id: int, embed: discord.Embed, view: discord.ui.View) -> bool:
        try:
            user = self.bot.get_user(user_id) or await self.bot.fetch_user(user_id)
            await user.send(embed=embed, view=view, allowed_mentions=discord.AllowedMentions.none())
        except discord.Forbidden:
            return False  # DMs closed (50007), or the user blocks the bot
        except discord.NotFound:
            return False  # the account is gone
        return True

    async def _post(self, channel: discord.abc.Messageable, user_id: int, embed: discord.Embed,
                    view: discord.ui.View, note: str | None = None) -> bool:
        content = f"<@{user_id}>" + (f" {note}" if note else "")
        try:
            await channel.send(content, embed=embed, view=view, allowed_mentions=discord.AllowedMentions(
                everyone=False, roles=False, users=[discord.Object(user_id)], replied_user=False))
        except discord.Forbidden:
            return False  # the bot may not post there (any more)
        return True
