"""A cog with a two-connection pool that opens a connection on load."""

from discord.ext import commands

from core.cog_base import HearthCog
from core.settings_registry import SettingSpec, SettingType


class Healthy(HearthCog):
    """Opens its pool and runs a query, like a real cog warming its cache."""

    pool_size = 2
    settings = (SettingSpec("healthy", "enabled", SettingType.BOOL, True, "Test setting."),)

    async def load(self) -> None:
        self.loaded_value = await self.pool.fetchval("SELECT 41 + 1")


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Healthy(bot))
