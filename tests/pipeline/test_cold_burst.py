"""A burst of messages on a cold guild makes one settings query, not one per message (single-flight loading).

Queries are counted at the pool the shared services use (a counting wrapper around it, nothing of discord.py is
touched); the messages arrive through the stand-in's gateway like a real burst after a restart."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.hearth_harness import Hearth

BURST = 50
SETTINGS_READ = "FROM bot_settings WHERE guild_id = ANY($1"  # the guilds read together (core/guild_settings.py)


class CountingPool:
    """The services' pool, counting the guild settings reads made through it (by guild id)."""

    def __init__(self, pool: Any) -> None:
        self.pool = pool
        self.settings_reads: list[int] = []
        self.queries = 0

    async def fetch(self, query: str, *args: Any, **kwargs: Any) -> Any:
        if SETTINGS_READ in query:
            self.queries += 1
            self.settings_reads.extend(args[0])
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


async def test_first_reads_of_many_guilds_at_once_are_one_query(hearth: Hearth) -> None:
    """At start-up every guild's GUILD_CREATE wakes listeners that read its settings: thousands of guilds at once
    are read in one query per 1,000 guilds, not one query each (benchmarks/guilds_at_scale.py)."""
    from core.settings_registry import SYSTEM_TIMEZONE

    settings = hearth.bot.guild_settings
    guilds = [900_000 + n for n in range(30)]
    await settings.set(guilds[7], "system", "timezone", "Europe/Paris", changed_by=1)
    await hearth.discord.settle()  # the change's listeners (gated by module switches) have read the settings
    for guild_id in guilds:
        settings.invalidate(guild_id)
    counting = CountingPool(settings.pool)
    settings.pool = counting
    try:
        zones = await asyncio.gather(*(settings.setting(g, SYSTEM_TIMEZONE) for g in guilds))
        again = await settings.setting(guilds[7], SYSTEM_TIMEZONE)  # from memory now
    finally:
        settings.pool = counting.pool
    assert sorted(counting.settings_reads) == guilds  # every guild once, in one query
    assert counting.queries == 1
    assert zones[7] == again == "Europe/Paris" and set(zones[:7] + zones[8:]) == {"UTC"}
