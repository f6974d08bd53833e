"""Automod: spam, content, regex and AI rules with actions, escalation, appeals and stats."""

from core.hearth_bot import HearthBot


async def setup(bot: HearthBot) -> None:
    from cogs.automod.cog import AutomodCog

    await bot.add_cog(AutomodCog(bot))
