"""A cog that asks for more connections than a small budget holds."""

from discord.ext import commands

from core.cog_base import HearthCog


class Greedy(HearthCog):
    """Wants eight connections."""

    pool_size = 8


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Greedy(bot))
