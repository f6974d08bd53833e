"""Moderation: the channel tools (/purge, /slowmode, /lock, /unlock); the case log and member actions join them."""

from core.hearth_bot import HearthBot


async def setup(bot: HearthBot) -> None:
    from cogs.moderation.cog import ModerationCog

    await bot.add_cog(ModerationCog(bot))
