"""Benchmark of the message pipeline (automod + custom commands) on the hot path.

    python benchmarks/message_pipeline.py [--messages 20000] [--users 5000]

Messages are real `discord.Message` objects built from gateway payloads and fed straight into the pipeline
(no network), in one guild with 50 automod rules (content, whole-word, regex, spam) and 50 custom commands
(exact, starts_with, contains, regex), with the real cogs (their caches, re2 sets, spam tracker, LISTEN
connections) on a real PostgreSQL. Printed, for clean messages on one core: messages per second, p50/p99 per
message and database round trips per 1,000 messages, next to a baseline handler that does one `SELECT 1` per
message, measured in the same run. Then the safety cases: a hostile regex rule attempt and a 100 kB message,
with a ticker task measuring the longest event-loop stall.

Targets: >= 5,000 clean messages/s, p99 < 2 ms, <= 5 round trips per 1,000 clean messages, no stall > 50 ms.
Then the server log's listeners on message edits and deletions (a log channel set): no round trip per event.
Last, both modules switched off (`/config modules`): the same messages through the pipeline must cost what a
pipeline with no stage costs (no stage runs, no round trip), measured against that empty pipeline in the run.
It uses its own embedded PostgreSQL under .test-data/bench (created on first run).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import discord  # noqa: E402

from benchmarks.bench_db import bench_server  # noqa: E402
from cogs.automod import repo as automod_repo  # noqa: E402
from cogs.automod.cog import AutomodCog  # noqa: E402
from cogs.automod.rules import clean_rule_config  # noqa: E402
from cogs.custom_commands import repo as commands_repo  # noqa: E402
from cogs.custom_commands.cog import CustomCommandsCog  # noqa: E402
from cogs.premium.api import PremiumApi  # noqa: E402
from core.config import Settings  # noqa: E402
from core.db import Database  # noqa: E402
from core.feature_apis import FeatureApis  # noqa: E402
from core.guild_settings import GuildSettings  # noqa: E402
from core.http_api import HttpApi  # noqa: E402
from core.message_pipeline import MessagePipeline  # noqa: E402
from core.modules import Modules  # noqa: E402
from core.settings_registry import SettingsRegistry, system_settings  # noqa: E402
from utils.clock import ManualClock  # noqa: E402
from utils.errors import BadInput  # noqa: E402

GUILD, CHANNEL, BOT = 1000, 1001, 1
WORDS = ("the", "game", "tonight", "anyone", "playing", "coffee", "break", "meeting", "later", "thanks", "great",
         "idea", "weekend", "photo", "music", "link", "book", "club", "cat", "dog", "pizza", "rain", "sunny",
         "work", "school", "lol", "nice", "yes", "no", "maybe", "tomorrow", "see", "you", "there", "cool")
DB_NAME = "hearth_bench_pipeline"


def build_state() -> tuple[Any, Any, Any]:
    """A discord.py connection state with one guild and one text channel, never connected."""
    client = discord.Client(intents=discord.Intents.all())
    state = client._connection
    role = {"id": str(GUILD), "name": "@everyone", "permissions": "1024", "position": 0, "color": 0,
            "hoist": False, "managed": False, "mentionable": False}
    guild = discord.Guild(data={"id": str(GUILD), "name": "Bench", "owner_id": "2", "roles": [role],
                                "channels": [], "members": [], "emojis": [], "stickers": [], "features": []},
                          state=state)
    state._add_guild(guild)
    channel = discord.TextChannel(state=state, guild=guild, data={
        "id": str(CHANNEL), "type": 0, "name": "general", "position": 0, "permission_overwrites": [],
        "guild_id": str(GUILD)})
    guild._add_channel(channel)
    return client, guild, channel


def make_message(state: Any, channel: Any, message_id: int, user_id: int, content: str) -> discord.Message:
    """A guild message as the gateway would deliver it."""
    return discord.Message(state=state, channel=channel, data={
        "id": str(message_id), "channel_id": str(CHANNEL), "guild_id": str(GUILD),
        "author": {"id": str(user_id), "username": f"user{user_id}", "discriminator": "0", "avatar": None},
        "member": {"roles": [], "joined_at": "2026-01-01T00:00:00+00:00", "deaf": False, "mute": False},
        "content": content, "timestamp": "2026-01-05T12:00:00+00:00", "edited_timestamp": None, "tts": False,
        "mention_everyone": False, "mentions": [], "mention_roles": [], "attachments": [], "embeds": [],
        "pinned": False, "type": 0})


async def make_bot(url: str, clock: ManualClock) -> Any:
    """The parts of HearthBot the two cogs use (no Discord connection)."""
    db = Database(url, max_connections=20)
    registry = SettingsRegistry()
    registry.register(*system_settings())
    services = await db.create_pool("services", 4)
    client, guild, channel = build_state()
    bot = SimpleNamespace(
        config=Settings(_env_file=None), db=db, clock=clock, settings_registry=registry,
        guild_settings=GuildSettings(registry, services, clock), apis=FeatureApis(), api=HttpApi("bench"),
        tree=SimpleNamespace(get_command=lambda name: None, get_commands=lambda **kind: []),
        add_dynamic_items=lambda *items: None,
        remove_dynamic_items=lambda *items: None, add_listener=lambda func, name: None,
        user=SimpleNamespace(id=BOT), state=client._connection, guild=guild, channel=channel)
    bot.apis.publish(PremiumApi, PremiumApi(services, clock))  # as the premium cog does when it loads
    bot.pipeline = MessagePipeline(bot)
    bot.modules = Modules(bot)
    return bot


async def seed(bot: Any, now: datetime) -> None:
    """50 automod rules and 50 custom commands in the guild."""
    pool = bot.db.pools["services"]
    action = await automod_repo.create_action(pool, GUILD, "delete", 1, {}, 2, now)
    rules: list[tuple[str, dict[str, Any]]] = []
    for n in range(20):
        rules.append(("content", {"words": [f"scamword{n}", f"free gift {n}", f"badphrase {n}", f"slur{n}x",
                                            f"spamlink{n}"]}))
    for n in range(5):
        rules.append(("content", {"words": [f"rude{n}", f"insult{n}"], "whole_word": True}))
    for n in range(15):
        rules.append(("regex", {"pattern": rf"(?:cheap|free)\s*(?:nitro|robux){n}\b|bit\.ly/x{n}"}))
    spam = [{"messages": 8, "seconds": 5}, {"duplicates": 4}, {"mentions": 6}, {"invites": True},
            {"links": True, "allow_domains": ["youtube.com", "github.com"]}, {"attachments": 5},
            {"messages": 20, "seconds": 30}, {"duplicates": 6, "duplicate_seconds": 300}, {"mentions": 10},
            {"invites": True, "exempt_channels": [42]}]
    rules += [("spam", config) for config in spam]
    for n, (rule_type, config) in enumerate(rules):
        await automod_repo.create_rule(pool, GUILD, rule_type, f"rule {n}", clean_rule_config(rule_type, config),
                                       action, False, 2, now)
    kinds = ["exact"] * 20 + ["starts_with"] * 10 + ["contains"] * 10 + ["regex"] * 10
    for n, kind in enumerate(kinds):
        trigger = {"exact": f"!cmd{n}", "starts_with": f"!run{n} ", "contains": f"xyzzy{n}",
                   "regex": rf"^!r{n}\s+(\d+)$"}[kind]
        values = {"name": f"cmd{n}", "trigger_type": kind, "trigger_value": trigger, "response": "Hi {user}",
                  "case_sensitive": False, "delete_trigger": False, "reply_to_user": True}
        await commands_repo.create(pool, GUILD, values, 2, now)


def clean_texts(count: int, rng: random.Random) -> list[str]:
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 18))) + f" {n}" for n in range(count)]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


async def run_batch(handler: Any, messages: list[discord.Message], clock: ManualClock) -> tuple[float, list[float]]:
    """Feed messages one by one on this core; returns (seconds, per-message seconds)."""
    times = []
    started = time.perf_counter()
    for message in messages:
        clock.advance(milliseconds=10)  # a busy chat: 100 messages per simulated second
        t0 = time.perf_counter()
        await handler(message)
        times.append(time.perf_counter() - t0)
    return time.perf_counter() - started, times


def trips(bot: Any) -> int:
    return sum(pool.acquisitions for pool in bot.db.pools.values())


async def stall_while(coroutine: Any) -> float:
    """Run `coroutine` next to a 1 ms ticker; returns the longest gap between ticks beyond 1 ms (seconds)."""
    longest = 0.0
    running = True

    async def ticker() -> None:
        nonlocal longest
        while running:
            before = time.perf_counter()
            await asyncio.sleep(0.001)
            longest = max(longest, time.perf_counter() - before - 0.001)

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0.01)
    try:
        await coroutine
    finally:
        running = False
        await task
    return longest


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--users", type=int, default=5_000)
    args = parser.parse_args()
    async with bench_server() as fresh_database:
        await bench(await fresh_database(DB_NAME), args.messages, args.users)


async def bench(url: str, count: int, users: int) -> None:
    clock = ManualClock(datetime(2026, 1, 5, 12, tzinfo=UTC))
    bot = await make_bot(url, clock)
    await seed(bot, clock.now())
    automod, commands = AutomodCog(bot), CustomCommandsCog(bot)
    await automod.cog_load()
    await commands.cog_load()
    bot.pipeline.register("automod", automod.on_message, order=10, module=automod.module)
    bot.pipeline.register("custom_commands", commands.on_message, order=50, module=commands.module)
    rng = random.Random(7)
    texts = clean_texts(count, rng)
    messages = [make_message(bot.state, bot.channel, 10_000 + n, 100 + rng.randrange(users), text)
                for n, text in enumerate(texts)]
    warm = [make_message(bot.state, bot.channel, 1 + n, 50, "warm up") for n in range(200)]
    await run_batch(bot.pipeline.dispatch, warm, clock)  # caches loaded, code paths warm

    select_pool = await bot.db.create_pool("baseline", 2)

    async def baseline(message: discord.Message) -> None:
        await select_pool.fetchval("SELECT 1")

    before = trips(bot)
    base_seconds, base_times = await run_batch(baseline, messages, clock)
    base_trips = trips(bot) - before
    before = trips(bot)
    seconds, times = await run_batch(bot.pipeline.dispatch, messages, clock)
    pipeline_trips = trips(bot) - before
    logged = await bot.db.pools["services"].fetchval("SELECT count(*) FROM automod_logs")
    print(f"clean messages: {count} from {users} members; 50 automod rules, 50 custom commands; one core")
    for name, total, per, used in (("baseline (SELECT 1 per message)", base_seconds, base_times, base_trips),
                                   ("pipeline (automod + custom commands)", seconds, times, pipeline_trips)):
        print(f"  {name}: {count / total:,.0f} messages/s, p50 {statistics.median(per) * 1000:.3f} ms, "
              f"p99 {percentile(per, 0.99) * 1000:.3f} ms, max {max(per) * 1000:.3f} ms, "
              f"{used * 1000 / count:.2f} database round trips per 1,000 messages")
    print(f"  rules fired on the clean messages: {logged} (must be 0)")

    print("hostile regex rule attempt:")
    for pattern in ("((a{100}){100}){100}", r"(a)\1", "(a+)+$"):
        try:
            clean_rule_config("regex", {"pattern": pattern, "normalise": False})
        except BadInput as exc:
            print(f"  {pattern!r}: refused at creation: {exc.message}")
        else:
            rule_id = await automod_repo.create_rule(bot.db.pools["services"], GUILD, "regex", "hostile",
                                                     {"pattern": pattern, "normalise": False}, None, True, 2,
                                                     clock.now())
            automod.cache.invalidate(GUILD)
            print(f"  {pattern!r}: accepted (re2 runs it in linear time) as trial rule #{rule_id}")
    await automod.cache.get(GUILD)
    evil = make_message(bot.state, bot.channel, 900_001, 77, "a" * 100_000 + "!")
    big = make_message(bot.state, bot.channel, 900_002, 78, " ".join(rng.choice(WORDS) for _ in range(20_000))[
        :100_000])
    per_case = {}
    worst = 0.0
    for label, message in (("100 kB of 'a' + '!' against (a+)+$", evil), ("100 kB of chat text", big)):
        elapsed: list[float] = []

        async def timed(message: discord.Message = message, elapsed: list[float] = elapsed) -> None:
            t0 = time.perf_counter()
            await bot.pipeline.dispatch(message)
            elapsed.append(time.perf_counter() - t0)

        stall = await stall_while(timed())
        per_case[label] = (elapsed[0], stall)
        worst = max(worst, stall)
    for label, (elapsed_s, stall) in per_case.items():
        print(f"  {label}: handled in {elapsed_s * 1000:.2f} ms; longest event-loop stall {stall * 1000:.1f} ms")
    mixed = [make_message(bot.state, bot.channel, 950_000 + n, 300 + n, texts[n]) for n in range(2000)]

    async def flood() -> None:
        for message in mixed:  # as discord.py does: one task per on_message event
            asyncio.create_task(bot.pipeline.dispatch(message))  # noqa: RUF006 - awaited below via sleep
            await asyncio.sleep(0)
        await asyncio.sleep(0.01)

    stall = await stall_while(flood())
    worst = max(worst, stall)
    print(f"  2,000 clean messages as gateway events (one task each): longest event-loop stall {stall * 1000:.1f} ms")
    rate, p99, per_1000 = count / seconds, percentile(times, 0.99) * 1000, pipeline_trips * 1000 / count
    verdict = rate >= 5000 and p99 < 2 and per_1000 <= 5 and worst < 0.050 and logged == 0
    print(f"targets: >= 5,000 messages/s ({rate:,.0f}), p99 < 2 ms ({p99:.3f}), <= 5 round trips per 1,000 "
          f"({per_1000:.2f}), longest stall < 50 ms ({worst * 1000:.1f}): {'PASS' if verdict else 'FAIL'}")
    await bench_server_logs(bot, messages[: count // 2], clock)
    await bench_modules_off(bot, [automod.module, commands.module], messages, clock, statistics.median(times))
    await commands.cog_unload()
    await automod.cog_unload()
    await bot.db.close_all()


async def bench_server_logs(bot: Any, messages: list[discord.Message], clock: ManualClock) -> None:
    """The server log's listeners on message edits and deletions, with a log channel set (the costly case: every
    event becomes an entry): events per second, p50/p99 and database round trips per 1,000 events."""
    from cogs.serverlogs.cog import ServerLogsCog
    from cogs.serverlogs.settings import LOGS_MESSAGES_CHANNEL, SETTINGS

    bot.settings_registry.register(*SETTINGS)
    bot.get_channel = lambda channel_id: bot.channel if channel_id == CHANNEL else None
    bot.get_guild = lambda guild_id: bot.guild if guild_id == GUILD else None
    await bot.guild_settings.set(GUILD, LOGS_MESSAGES_CHANNEL.scope, LOGS_MESSAGES_CHANNEL.key, 4242, changed_by=2)
    logs = ServerLogsCog(bot)  # not loaded: its poster does not run, entries only queue (and merge past 1,000)
    edits, deletes = [], []
    for message in messages:
        data = {"id": str(message.id), "channel_id": str(CHANNEL), "guild_id": str(GUILD)}
        edited = make_message(bot.state, bot.channel, message.id, message.author.id, message.content + " (edited)")
        edited._edited_timestamp = clock.now()
        edit = discord.RawMessageUpdateEvent(data=data, message=edited)  # type: ignore[arg-type]
        edit.cached_message = message
        edits.append(edit)
        delete = discord.RawMessageDeleteEvent(data=data)  # type: ignore[arg-type]
        delete.cached_message = message
        deletes.append(delete)
    await logs.on_raw_message_delete(deletes[0])  # the guild's settings in memory
    events = [(logs.on_raw_message_edit, e) for e in edits] + [(logs.on_raw_message_delete, d) for d in deletes]
    times = []
    before = trips(bot)
    started = time.perf_counter()
    for handler, payload in events:
        t0 = time.perf_counter()
        await handler(payload)
        times.append(time.perf_counter() - t0)
    seconds = time.perf_counter() - started
    used = trips(bot) - before
    queued = sum(len(q.pending) + sum(q.merged.values()) for q in logs.batcher.queues.values())
    per_1000 = used * 1000 / len(events)
    print(f"server logs ({len(edits)} edits + {len(deletes)} deletions, message log set): "
          f"{len(events) / seconds:,.0f} events/s, p50 {statistics.median(times) * 1000:.3f} ms, "
          f"p99 {percentile(times, 0.99) * 1000:.3f} ms, {per_1000:.2f} database round trips per 1,000 events; "
          f"{queued} entries queued or counted (must be {len(events) + 1}, with the warm-up)")
    ok = per_1000 == 0 and queued == len(events) + 1
    print(f"server log target: no database round trip per event ({per_1000:.2f}): {'PASS' if ok else 'FAIL'}")


async def bench_modules_off(bot: Any, modules: list[Any], messages: list[discord.Message], clock: ManualClock,
                            on_p50: float) -> None:
    """Both modules off in the guild: per-message cost against the same stages on (`on_p50`) and against a
    pipeline with one empty stage, same messages."""
    for module in modules:
        await bot.guild_settings.set(GUILD, module.switch.scope, module.switch.key, False, changed_by=2)
    await bot.pipeline.dispatch(messages[0])  # the guild's settings in memory again after the change
    empty = MessagePipeline(bot)
    empty.register("nothing", _nothing, order=1)  # a pipeline with one stage that does nothing
    before = trips(bot)
    off_seconds, off_times = await run_batch(bot.pipeline.dispatch, messages, clock)
    off_trips = trips(bot) - before
    _, empty_times = await run_batch(empty.dispatch, messages, clock)
    count = len(messages)
    off_p50, empty_p50 = statistics.median(off_times), statistics.median(empty_times)
    print(f"modules off (automod and custom commands switched off): {count / off_seconds:,.0f} messages/s, "
          f"p50 {off_p50 * 1e6:.1f} µs, against {on_p50 * 1e6:.1f} µs with both on ({off_p50 / on_p50:.0%}) and "
          f"{empty_p50 * 1e6:.1f} µs for a pipeline with one empty stage; {off_trips * 1000 / count:.2f} round "
          "trips per 1,000 messages")
    ok = off_trips == 0 and off_p50 < 0.1 * on_p50
    print(f"modules-off target: no round trip, under 10% of the cost with the modules on: {'PASS' if ok else 'FAIL'}")
    for module in modules:
        await bot.guild_settings.set(GUILD, module.switch.scope, module.switch.key, True, changed_by=2)


async def _nothing(context: Any) -> None:
    return None


if __name__ == "__main__":
    asyncio.run(main())
