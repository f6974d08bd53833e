"""Moderation by hand: numbered cases shared with automod, warnings with points, notes, member actions, the mod
log; the channel tools (purge, slowmode, lock) join as a mixin."""

from core.hearth_bot import HearthBot


async def setup(bot: HearthBot) -> None:
    from cogs.moderation.cog import ModerationCog

    await bot.add_cog(ModerationCog(bot))
