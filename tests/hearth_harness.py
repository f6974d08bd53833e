"""The bot under test: built by the same factory as `bot.py`, connected to the Discord stand-in, on the
session's PostgreSQL (emptied before each test), with a clock the test moves by hand."""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator, Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from types import ModuleType
from typing import Any, ClassVar

import pytest_asyncio

from core.config import Settings
from core.db import Database, HearthPool
from core.hearth_bot import HearthBot, create_bot
from tests.standin import StandIn
from tests.standin.plugin import DefaultGuild
from utils.clock import ManualClock


@dataclass
class Hearth:
    """Everything an end-to-end test touches."""

    discord: StandIn
    guild: DefaultGuild
    bot: HearthBot
    clock: ManualClock
    db: HearthPool  # the test's own pool, to seed rows and read what the bot wrote
    make_bot: Callable[..., HearthBot]

    async def connect_llm(self, llm: Any, **options: Any) -> HearthBot:
        """Restart with AI configured against the LLM stand-in; settling then also waits for its requests."""
        bot = await self.restart(openai_api_key="sk-test", openai_base_url=llm.base_url, **options)
        if not any(getattr(check, "llm_standin", None) is llm for check in self.discord.busy_checks):
            def llm_busy() -> str | None:
                return f"{llm.in_flight} LLM request(s)" if llm.in_flight else None

            llm_busy.llm_standin = llm  # type: ignore[attr-defined]
            self.discord.busy_checks.append(llm_busy)
        return bot

    async def move_clock(self, when: datetime, *, still_running: Collection[str] = ()) -> None:
        """Move the clock to `when` and let the bot run whatever became due (and answer on Discord).
        Timer jobs of the kinds in `still_running` may still be running afterwards (a test's hung handler)."""
        self.clock.set(when)
        self.bot.timers.rearm()
        await self.bot.timers.idle(ignoring=still_running)
        await self.discord.settle()

    async def restart(self, **options: Any) -> HearthBot:
        """Replace the running bot with a fresh one (same database, same Discord state)."""
        new = self.make_bot(**options)
        await self.discord.settle()  # let the old bot finish what it was doing, as a graceful shutdown does
        self.bot = await self.discord.restart(self.bot, new)
        return self.bot


class CogModules:
    """The cog modules, imported once per test session instead of once per test.

    Unloading or reloading an extension (tests of a cog's unload do) makes discord.py drop every
    `cogs.<name>.*` module from `sys.modules`, so the next bot would import and execute them again, and its
    classes would no longer be the ones the test modules imported. (`HearthBot.close` removes the cogs without
    unloading their extensions.) The modules hold no state of their own (the cogs keep it on their instances), so
    handing the same modules back before each load is what a long-running bot would see."""

    kept: ClassVar[dict[str, ModuleType]] = {}

    @classmethod
    def keep(cls) -> None:
        """Remember the cog submodules loaded now (the `cogs.<name>` package itself is executed by every load)."""
        cls.kept.update({name: module for name, module in sys.modules.items()
                         if name.startswith("cogs.") and name.count(".") >= 2})

    @classmethod
    def restore(cls) -> None:
        """Put the remembered submodules back where a fresh load's imports look for them. They replace any copy
        imported meanwhile without a bot (a GDPR or settings test), so every cog module sees the same modules."""
        sys.modules.update(cls.kept)

    @classmethod
    def reuse_in(cls, bot: HearthBot) -> None:
        """Make `bot` load its cogs from the remembered modules, and remember what it loaded."""
        load = bot.load_cogs

        async def load_from_kept_modules() -> list[str]:
            cls.restore()
            try:
                return await load()
            finally:
                cls.keep()

        bot.load_cogs = load_from_kept_modules  # type: ignore[method-assign]


def bot_factory(database_url: str, clock: ManualClock) -> Callable[..., HearthBot]:
    """Build Hearth bots for tests: no HTTP API unless asked, commands synced to the stand-in."""

    def make(cogs: list[str] | None = None, url: str | None = None, direct_url: str | None = None,
             **settings: Any) -> HearthBot:
        # HEARTH_TEST_COGS=config,audit,… limits the cogs every test bot loads (handy while a cog is half-built).
        wanted = os.environ.get("HEARTH_TEST_COGS")
        if cogs is None and wanted:
            cogs = [name.strip() for name in wanted.split(",") if name.strip()]
        # A generous acquire timeout: on a loaded 2-core CI machine a fresh connection has taken over a second,
        # and a timed-out acquire fails a timer job that the test then waits for in vain. Tests of the timeout
        # itself pass their own.
        values: dict[str, Any] = {"api_enabled": False, "sync_commands": True, "db_acquire_timeout": 10.0}
        values.update(settings)
        config = Settings(_env_file=None, **values)
        database = Database(url or database_url, max_connections=config.db_max_connections,
                            command_timeout=config.db_command_timeout, acquire_timeout=config.db_acquire_timeout,
                            direct_url=direct_url, transaction_pooling=config.transaction_pooling)
        bot = create_bot(config, database, clock=clock, cogs=cogs)
        CogModules.reuse_in(bot)
        return bot

    return make


@pytest_asyncio.fixture(loop_scope="session")
async def hearth(standin: StandIn, default_guild: DefaultGuild, database_url: str,
                 clean_db: HearthPool) -> AsyncIterator[Hearth]:
    """Hearth with every cog, connected to the stand-in's default guild."""
    clock = ManualClock()
    standin.world.now = clock.now  # Discord's "not in the past" checks follow the test clock
    make = bot_factory(database_url, clock)
    bot = await standin.connect(make())
    harness = Hearth(standin, default_guild, bot, clock, clean_db, make)

    def database_busy() -> str | None:
        busy = harness.bot.db.in_flight()
        return f"{busy} database operation(s) in flight" if busy else None

    standin.busy_checks.append(database_busy)
    yield harness
    await standin.disconnect(harness.bot)
