"""Events: sign-ups with Going / Maybe / Can't, capacity and waitlist, approval, DM reminders, recurrence."""

from core.hearth_bot import HearthBot


async def setup(bot: HearthBot) -> None:
    from cogs.events.cog import EventsCog

    await bot.add_cog(EventsCog(bot))
