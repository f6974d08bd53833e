"""Server insight: the daily figures the dashboard's overview charts (messages, joins and leaves counted here;
commands, tickets and automod actions read from their owners' public APIs)."""

from core.hearth_bot import HearthBot


async def setup(bot: HearthBot) -> None:
    from cogs.insight.cog import InsightCog

    await bot.add_cog(InsightCog(bot))
