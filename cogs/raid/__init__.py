"""Raid protection: the join-rate detector and its brake with a one-click undo, and the cross-member mention brake."""

from core.hearth_bot import HearthBot


async def setup(bot: HearthBot) -> None:
    from cogs.raid.cog import RaidCog

    await bot.add_cog(RaidCog(bot))
