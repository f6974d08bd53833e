"""`/config`: admins read and change every registered setting, with history, rollback, export and import."""

from core.hearth_bot import HearthBot


async def setup(bot: HearthBot) -> None:
    from cogs.config.cog import ConfigCog

    await bot.add_cog(ConfigCog(bot))
