"""What a reminder looks like in Discord (who it may ping: utils.mentions)."""

from __future__ import annotations

from datetime import datetime, timedelta

import discord

from cogs.reminders.repo import Reminder
from cogs.reminders.schedule import describe_days


def ts(moment: datetime, style: str = "F") -> str:
    """A Discord timestamp, shown in each reader's own time zone."""
    return f"<t:{int(moment.timestamp())}:{style}>"


def reminder_embed(reminder: Reminder, phase: str, moment: datetime, *, image: bool,
                   late_by: timedelta = timedelta(0)) -> discord.Embed:
    """The embed for one post: `phase` is repeat (weekly), pre (early reminder) or start (on time)."""
    titles = {"repeat": f"⏰ {reminder.name}", "pre": f"⏰ {reminder.name} starts {ts(moment, 'R')}",
              "start": f"🔔 {reminder.name} is starting now"}
    embed = discord.Embed(title=titles[phase][:256], colour=discord.Colour.orange())
    embed.add_field(name="When", value=f"{ts(moment)} ({ts(moment, 'R')})", inline=False)
    if reminder.recurring:
        embed.add_field(name="Repeats", value=describe_days(reminder.weekdays), inline=True)
    if reminder.location:
        embed.add_field(name="Where", value=reminder.location[:1024], inline=True)
    if image and reminder.image_url:
        embed.set_image(url=reminder.image_url)
    if late_by >= timedelta(minutes=1):
        embed.set_footer(text=f"Sent {int(late_by.total_seconds() // 60)} min late: the bot was offline.")
    return embed

