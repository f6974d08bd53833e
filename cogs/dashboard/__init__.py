"""The web dashboard: Discord login, the servers a user manages, their settings (docs/dashboard.md)."""

from core.hearth_bot import HearthBot


async def setup(bot: HearthBot) -> None:
    from cogs.dashboard.cog import DashboardCog

    await bot.add_cog(DashboardCog(bot))
