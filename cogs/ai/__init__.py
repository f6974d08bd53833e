"""The AI features' shared part: the `gpt` settings scope and the daily clean-up of old quota counters."""

from core.hearth_bot import HearthBot


async def setup(bot: HearthBot) -> None:
    from cogs.ai.cog import AICog

    await bot.add_cog(AICog(bot))
