"""`GET /api/health` on the bot's HTTP API, with a history kept for 30 days."""

from core.hearth_bot import HearthBot


async def setup(bot: HearthBot) -> None:
    from cogs.health.cog import HealthCog

    await bot.add_cog(HealthCog(bot))
