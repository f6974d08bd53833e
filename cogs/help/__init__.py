"""`/help`: the commands a member may use here, grouped by module, and one command's usage with a docs link."""

from core.hearth_bot import HearthBot


async def setup(bot: HearthBot) -> None:
    from cogs.help.cog import HelpCog

    await bot.add_cog(HelpCog(bot))
