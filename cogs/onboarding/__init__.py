"""Onboarding: rules, questions and personalisation for new members, with roles at the end."""

from core.hearth_bot import HearthBot


async def setup(bot: HearthBot) -> None:
    from cogs.onboarding.cog import OnboardingCog

    await bot.add_cog(OnboardingCog(bot))
