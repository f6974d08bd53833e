"""Support tickets: a panel and /ticket open, private channels, a staff lifecycle, transcripts, AI summaries
that turn recurring questions into FAQ proposals, staff tools and metrics."""

from core.hearth_bot import HearthBot


async def setup(bot: HearthBot) -> None:
    from cogs.tickets.cog import TicketsCog

    await bot.add_cog(TicketsCog(bot))
