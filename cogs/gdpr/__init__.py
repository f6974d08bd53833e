"""GDPR: /export_my_data, /delete_my_data (fanned out to every cog), and the server's data agreement."""

from core.hearth_bot import HearthBot


async def setup(bot: HearthBot) -> None:
    from cogs.gdpr.cog import GDPRCog

    await bot.add_cog(GDPRCog(bot))
