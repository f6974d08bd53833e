"""Tags: named snippets (text, links, an image) that members post with /tag get."""

from core.hearth_bot import HearthBot


async def setup(bot: HearthBot) -> None:
    from cogs.tags.cog import TagsCog

    await bot.add_cog(TagsCog(bot))
