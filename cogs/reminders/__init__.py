"""Reminders and events: weekly reminders and one-off events posted by the timers service."""

from core.hearth_bot import HearthBot


async def setup(bot: HearthBot) -> None:
    from cogs.reminders.cog import RemindersCog

    await bot.add_cog(RemindersCog(bot))
