"""FAQ: a guild's knowledge base, searched with full-text ranking plus typo-tolerant trigram matching."""

from core.hearth_bot import HearthBot


async def setup(bot: HearthBot) -> None:
    from cogs.faq.cog import FaqCog

    await bot.add_cog(FaqCog(bot))
