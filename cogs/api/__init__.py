"""The HTTP API's keys (`/config api_key create|list|revoke`, the `api_keys` table) and its keyed v1 routes."""

from core.hearth_bot import HearthBot


async def setup(bot: HearthBot) -> None:
    from cogs.api.cog import ApiCog

    await bot.add_cog(ApiCog(bot))
