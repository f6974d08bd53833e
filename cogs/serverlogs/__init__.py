"""Server event logs: what happened on the server (messages edited and deleted, members, moderation, the
server's structure, voice), each kind posted to its own channel in batches."""

from core.hearth_bot import HearthBot


async def setup(bot: HearthBot) -> None:
    from cogs.serverlogs.cog import ServerLogsCog

    await bot.add_cog(ServerLogsCog(bot))
