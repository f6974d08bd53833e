"""Points: balances changed only through a ledger, earned from activity, level-ups, challenge wins and staff grants;
/give, a shop of roles, temporary roles and custom rewards, and a redeem queue for the staff."""

from core.hearth_bot import HearthBot


async def setup(bot: HearthBot) -> None:
    from cogs.points.cog import PointsCog

    await bot.add_cog(PointsCog(bot))
