"""The companion app's signed webhooks: reflections shared with the bot, and their revocation."""

from core.hearth_bot import HearthBot


async def setup(bot: HearthBot) -> None:
    from cogs.companion.cog import CompanionCog

    await bot.add_cog(CompanionCog(bot))
