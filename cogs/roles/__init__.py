"""Self-assign roles: role menus (buttons or a select menu, with modes), reaction roles on existing messages,
autoroles on join (after a delay, or after verification or onboarding) and sticky roles given back on return.
Every role is checked by role safety when it is configured and again each time it is given."""

from core.hearth_bot import HearthBot


async def setup(bot: HearthBot) -> None:
    from cogs.roles.cog import RolesCog

    await bot.add_cog(RolesCog(bot))
