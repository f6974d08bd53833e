"""Engagement: buffered message counting, daily streaks, challenges, weekly awards, OG claims, profile cards."""

from core.hearth_bot import HearthBot


async def setup(bot: HearthBot) -> None:
    from cogs.engagement.cog import EngagementCog

    await bot.add_cog(EngagementCog(bot))
