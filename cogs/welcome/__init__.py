"""Welcome, farewell and ban messages with templates, by channel or DM, and the welcome card."""

from core.hearth_bot import HearthBot


async def setup(bot: HearthBot) -> None:
    from cogs.welcome.cog import WelcomeCog

    await bot.add_cog(WelcomeCog(bot))
