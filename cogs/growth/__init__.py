"""`/growthcheckin` and `/growthhistory`: short AI coaching on a member's goal, kept per server."""

from core.hearth_bot import HearthBot


async def setup(bot: HearthBot) -> None:
    from cogs.growth.cog import GrowthCog

    await bot.add_cog(GrowthCog(bot))
