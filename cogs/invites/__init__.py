"""Invite tracking: who invited whom (never a guess), join announcements, `/invites` and its leaderboard card."""

from core.hearth_bot import HearthBot


async def setup(bot: HearthBot) -> None:
    from cogs.invites.cog import InvitesCog

    await bot.add_cog(InvitesCog(bot))
