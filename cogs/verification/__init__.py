"""Verification: a "Verify" panel opens a private channel where a member uploads a payment screenshot; a vision
model judges it (auto-verify) or reviewers approve or reject it. A premium feature."""

from core.hearth_bot import HearthBot


async def setup(bot: HearthBot) -> None:
    from cogs.verification.cog import VerificationCog

    await bot.add_cog(VerificationCog(bot))
