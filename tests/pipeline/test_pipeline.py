"""The shared message pipeline, the per-guild cache and LISTEN/NOTIFY with reconnection."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import TypeVar

import asyncpg

from core.db import PoolBudget
from core.guild_cache import GuildCache
from core.guild_settings import GuildValues
from core.message_pipeline import MessageContext, MessagePipeline, attach
from core.modules import declare
from core.notify import NotifyListener, notify
from core.settings_registry import SettingSpec, SettingType
from tests.hearth_harness import Hearth
from utils.clock import ManualClock

T = TypeVar("T")


def _message(author_id: int = 5, *, bot: bool = False, guild: bool = True) -> SimpleNamespace:
    return SimpleNamespace(id=1, author=SimpleNamespace(id=author_id, bot=bot), webhook_id=None,
                           guild=SimpleNamespace(id=9) if guild else None)


class _Bot:
    def __init__(self) -> None:
        self.user = SimpleNamespace(id=1)
        self.listeners: list[tuple[object, str]] = []
        self.clock = ManualClock()
        self.memory = GuildValues({}, {})  # the guild's settings, as in memory
        self.guild_settings = SimpleNamespace(in_memory=lambda guild_id: self.memory)

    def add_listener(self, func: object, name: str) -> None:
        self.listeners.append((func, name))


async def test_stages_run_in_order_and_see_each_other() -> None:
    pipeline = MessagePipeline(_Bot())
    seen: list[str] = []

    async def automod(ctx: MessageContext) -> None:
        seen.append("automod")
        ctx.mark_deleted()

    async def commands(ctx: MessageContext) -> None:
        seen.append("commands")

    async def counter(ctx: MessageContext) -> None:
        seen.append(f"counter deleted={ctx.deleted}")

    async def broken(ctx: MessageContext) -> None:
        raise RuntimeError("boom")

    pipeline.register("counter", counter, order=70, run_after_delete=True)
    pipeline.register("commands", commands, order=50)
    pipeline.register("broken", broken, order=20)
    pipeline.register("automod", automod, order=10)
    assert pipeline.stage_names == ["automod", "broken", "commands", "counter"]
    await pipeline.dispatch(_message())
    assert seen == ["automod", "counter deleted=True"]  # commands skipped (deleted); broken did not stop others
    pipeline.unregister("broken")
    assert "broken" not in pipeline.stage_names


async def test_bots_dms_and_its_own_messages() -> None:
    pipeline = MessagePipeline(_Bot())
    seen: list[str] = []

    async def members_only(ctx: MessageContext) -> None:
        seen.append("members")

    async def watcher(ctx: MessageContext) -> None:
        seen.append("watcher")

    pipeline.register("members", members_only, order=10)
    pipeline.register("watcher", watcher, order=90, include_bots=True)
    assert await pipeline.dispatch(_message(author_id=1)) is None  # the bot itself
    await pipeline.dispatch(_message(bot=True))
    await pipeline.dispatch(_message(guild=False))
    assert seen == ["watcher"]


@dataclass(frozen=True)
class _CountedValues(GuildValues):
    """Settings that count how often a value is read from them (in `reads`, shared by their replacements)."""

    reads: list[int] = field(default_factory=lambda: [0])

    def value(self, spec: SettingSpec[T]) -> T:
        self.reads[0] += 1
        return super().value(spec)


class _SwitchedBot(_Bot):
    """A bot whose guild settings are in memory and replaced on a change, as `GuildSettings` does."""

    def __init__(self) -> None:
        super().__init__()
        self.counter = [0]

    @property
    def reads(self) -> int:
        return self.counter[0]

    def switch(self, spec: SettingSpec[bool], on: bool) -> None:
        self.memory = _CountedValues({spec.ref: on}, {}, self.counter)


async def test_a_guilds_stages_are_planned_once_per_settings_change() -> None:
    bot = _SwitchedBot()
    pipeline = MessagePipeline(bot)
    seen: list[str] = []
    module = declare("fun", "Fun", docs="fun.md", summary="games")
    bot.switch(module.switch, True)

    async def fun(ctx: MessageContext) -> None:
        seen.append("fun")

    async def always(ctx: MessageContext) -> None:
        seen.append("always")

    pipeline.register("fun", fun, order=10, module=module)
    pipeline.register("always", always, order=20)
    for _ in range(3):
        await pipeline.dispatch(_message())
    assert seen == ["fun", "always"] * 3 and bot.reads == 1  # one switch read for three messages

    bot.switch(module.switch, False)
    seen.clear()
    await pipeline.dispatch(_message())
    await pipeline.dispatch(_message())
    assert seen == ["always", "always"] and bot.reads == 2

    pipeline.unregister("always")  # new registrations: planned again
    bot.switch(module.switch, True)
    seen.clear()
    await pipeline.dispatch(_message())
    assert seen == ["fun"] and bot.reads == 3


async def test_feed_makes_no_coroutine_until_a_stage_has_io_to_do() -> None:
    bot = _Bot()
    pipeline = MessagePipeline(bot)
    seen: list[str] = []
    io = {"wanted": False}

    def counter(ctx: MessageContext) -> None:
        seen.append("counter")

    def maybe_io(ctx: MessageContext) -> Awaitable[None] | None:
        seen.append("check")
        return write(ctx) if io["wanted"] else None

    async def write(ctx: MessageContext) -> None:
        await asyncio.sleep(0)
        seen.append("write")
        raise RuntimeError("the write failed")  # logged; the stages after it still run

    def last(ctx: MessageContext) -> None:
        seen.append("last")

    pipeline.register("counter", counter, order=10)
    pipeline.register("maybe_io", maybe_io, order=20)
    pipeline.register("last", last, order=30)
    assert pipeline.feed(_message()) is None  # every stage done in memory: nothing to await
    assert seen == ["counter", "check", "last"]

    seen.clear()
    io["wanted"] = True
    pending = pipeline.feed(_message())
    assert pending is not None and seen == ["counter", "check"]  # the rest waits for the awaitable
    context = await pending
    assert seen == ["counter", "check", "write", "last"] and isinstance(context, MessageContext)
    assert pipeline.dispatched == 2


async def test_stages_get_the_guilds_settings_and_the_bots_clock() -> None:
    bot = _Bot()
    spec = SettingSpec("fun", "level", SettingType.INT, 1, "a test setting")
    loaded = GuildValues({spec.ref: 7}, {})
    reads: list[int] = []

    async def values(guild_id: int) -> GuildValues:  # the first message of a guild whose settings are not in memory
        reads.append(guild_id)
        bot.memory = loaded
        return loaded

    bot.memory = None  # type: ignore[assignment]
    bot.guild_settings.values = values
    pipeline = MessagePipeline(bot)
    got: list[tuple[int, object]] = []
    pipeline.register("reader", lambda ctx: got.append((ctx.settings.value(spec), ctx.now)), order=10,
                      guild_only=False)

    pending = pipeline.feed(_message())  # cold: the coroutine that reads the guild's settings first
    assert pending is not None and got == [] and reads == []
    await pending
    assert pipeline.feed(_message()) is None  # in memory now
    assert reads == [9] and got == [(7, bot.clock.now())] * 2
    bot.clock.advance(minutes=5)
    await pipeline.dispatch(_message(guild=False))  # a direct message: every setting at its default
    assert got[-1] == (1, bot.clock.now()) and reads == [9]


async def test_a_stage_is_planned_only_where_it_is_wanted() -> None:
    bot = _Bot()
    pipeline = MessagePipeline(bot)
    rules: GuildCache[list[str]] = GuildCache(lambda guild_id: _rules_of(guild_id), on_change=pipeline.replan)
    seen: list[str] = []
    pipeline.register("rules", lambda ctx: seen.append("rules"), order=10,
                      wanted=lambda guild_id, settings: rules.peek(guild_id) != [])  # unknown or some rules
    pipeline.register("always", lambda ctx: seen.append("always"), order=20)

    assert pipeline.feed(_message()) is None  # rules not in memory: the stage is wanted
    assert seen == ["rules", "always"] and pipeline.planned(9) == ["rules", "always"]
    assert await rules.get(9) == []  # loaded (none): the guild is planned again at its next message
    assert pipeline.planned(9) == []
    seen.clear()
    pipeline.feed(_message())
    assert seen == ["always"] and pipeline.planned(9) == ["always"]

    rules.put(9, ["no spam"])  # its first rule
    seen.clear()
    pipeline.feed(_message())
    assert seen == ["rules", "always"]
    rules.invalidate(9)  # a change elsewhere (NOTIFY): unknown again
    assert pipeline.planned(9) == []


async def _rules_of(guild_id: int) -> list[str]:
    return []


def test_attach_is_idempotent() -> None:
    bot = _Bot()
    first = attach(bot)
    assert attach(bot) is first and bot.pipeline is first and len(bot.listeners) == 1


async def test_the_running_bot_has_one_pipeline_with_both_stages(hearth: Hearth) -> None:
    pipeline = hearth.bot.pipeline
    assert pipeline.stage_names[:2] == ["automod", "custom_commands"]
    await hearth.discord.say(hearth.guild.general, hearth.guild.member, "hello")
    assert pipeline.dispatched >= 1
    # The cogs with cross-process caches, the settings, the timers and GDPR erasures listen over one shared
    # connection, counted in the budget.
    assert hearth.bot.notify_listener.channels == ["hearth_automod", "hearth_command_rules", "hearth_custom_commands",
                                                   "hearth_levels",
                                                   "hearth_premium", "hearth_roles", "hearth_settings",
                                                   "hearth_timers", "hearth_user_erased"]
    assert hearth.bot.db.budget.reserved["listen:shared"] == 1


async def test_cache_loads_once_and_never_keeps_a_stale_load() -> None:
    gate = asyncio.Event()
    loads: list[int] = []

    async def load(guild_id: int) -> list[int]:
        loads.append(guild_id)
        await gate.wait()
        return [len(loads)]

    cache: GuildCache[list[int]] = GuildCache(load)
    first = asyncio.ensure_future(cache.get(1))
    second = asyncio.ensure_future(cache.get(1))
    await asyncio.sleep(0)
    cache.invalidate(1)  # a change while the load is under way
    gate.set()
    assert await first == [1] and await second == [1]
    assert cache.peek(1) is None  # the overtaken load is not kept
    assert await cache.get(1) == [2] and cache.peek(1) == [2]
    cache.invalidate_payload("*")
    assert cache.peek(1) is None


async def test_notify_reaches_listeners_and_survives_a_dropped_connection(database_url: str) -> None:
    received: list[str] = []
    reconnects: list[int] = []
    budget = PoolBudget(5)
    listener = NotifyListener(database_url, "hearth_test", on_payload=received.append,
                              on_reconnect=lambda: reconnects.append(1), budget=budget, min_backoff=0.01,
                              name="test")
    await listener.start()
    assert budget.reserved == {"listen:test": 1}
    sender = await asyncpg.connect(database_url)
    try:
        async with sender.transaction():
            await notify(sender, "hearth_test", "42")
            await asyncio.sleep(0.05)
            assert received == []  # delivered on commit only
        await _until(lambda: received == ["42"])
        await sender.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                             "WHERE application_name = 'hearth:listen:test'")
        await _until(lambda: listener.connections == 2 and listener.listening)
        assert reconnects  # caches are dropped: notifications may have been missed
        await notify(sender, "hearth_test", "43")
        await _until(lambda: received == ["42", "43"])
    finally:
        await sender.close()
        await listener.stop()
    assert budget.reserved == {}


async def _until(condition, attempts: int = 500) -> None:
    for _ in range(attempts):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not reached")
