"""Premium with Stripe: plans and checkout, the webhook endpoint, status, transfer, billing portal and expiry."""

from core.hearth_bot import HearthBot


async def setup(bot: HearthBot) -> None:
    from cogs.premium.cog import PremiumCog

    await bot.add_cog(PremiumCog(bot))
