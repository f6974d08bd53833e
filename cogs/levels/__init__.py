"""Levels: XP for messages and voice on MEE6's curve, level roles, announcements, /rank, /levels, /xp."""

from core.hearth_bot import HearthBot


async def setup(bot: HearthBot) -> None:
    from cogs.levels.cog import LevelsCog

    await bot.add_cog(LevelsCog(bot))
