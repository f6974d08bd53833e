"""The audit tracker: every command, success or failure, buffered and written in batches; /command_stats."""

from core.hearth_bot import HearthBot


async def setup(bot: HearthBot) -> None:
    from cogs.audit.cog import AuditCog

    await bot.add_cog(AuditCog(bot))
