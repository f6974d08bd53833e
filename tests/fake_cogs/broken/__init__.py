"""A cog whose setup fails, as a cog with a bug would."""

from discord.ext import commands


async def setup(bot: commands.Bot) -> None:
    raise RuntimeError("this cog is broken on purpose")
