"""A burst of messages on a cold guild makes one settings query, not one per message (single-flight loading).

Queries are counted at the pool the shared services use (a counting wrapper around it, nothing of discord.py is
touched); the messages arrive through the stand-in's gateway like a real burst after a restart."""

from __future__ import annotations

from typing import Any

from tests.hearth_harness import Hearth

BURST = 50
SETTINGS_READ = "FROM bot_settings WHERE guild_id = $1"


class CountingPool:
    """The services' pool, counting the guild settings reads made through it (by guild id)."""

    def __init__(self, pool: Any) -> None:
        self.pool = pool
        self.settings_reads: list[int] = []

    async def fetch(self, query: str, *args: Any, **kwargs: Any) -> Any:
        if SETTINGS_READ in query:
            self.settings_reads.append(args[0])
        return await self.pool.fetch(query, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.pool, name)


async def test_a_burst_on_a_cold_guild_reads_its_settings_once(hearth: Hearth) -> None:
    g, d = hearth.guild, hearth.discord
    bot = await hearth.restart()
    settings = bot.guild_settings
    counting = CountingPool(settings.pool)
    settings.pool = counting
    try:
        settings.invalidate(g.guild.id)  # cold: nothing of the guild in memory, as right after a restart
        for n in range(BURST):
            await d.say(g.general, g.member, f"burst message {n}", settle=False)
        await d.settle()
    finally:
        settings.pool = counting.pool
    assert counting.settings_reads.count(g.guild.id) == 1
    # Every message of the burst went through the pipeline (engagement counted each one).
    assert await bot.get_cog("Engagement").flush() == BURST
