"""Announcements: `/announce` (now or scheduled, mention-safe) and `/embed` (a builder modal; edit a posted embed)."""

from core.hearth_bot import HearthBot


async def setup(bot: HearthBot) -> None:
    from cogs.announcements.cog import AnnouncementsCog

    await bot.add_cog(AnnouncementsCog(bot))
