"""Custom commands: guild-defined triggers with templated responses."""

from core.hearth_bot import HearthBot


async def setup(bot: HearthBot) -> None:
    from cogs.custom_commands.cog import CustomCommandsCog

    await bot.add_cog(CustomCommandsCog(bot))
