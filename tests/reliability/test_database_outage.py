"""The database goes down for a while (the `outage_db` cluster is stopped mid-run, then started again).

The outage runs once (the module's `outage` fixture) and each story checks one part of what it observed.

While it is down: commands of several cogs answer "temporarily unavailable" inside Discord's 3-second window
(the stand-in refuses later answers), the buffered writes (command records, engagement counts, custom-command
uses, automod stats) stay in bounded buffers, the background loops (buffer flushes, the timers dispatcher, the
LISTEN connection) fail and back off, and GET /api/health answers 503. Once it is back, everything recovers on
its own: the buffers are written, the reminder that fell due during the outage is posted once, LISTEN is in
place again, /api/health is 200, and nothing written before the outage is lost.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import pytest_asyncio

from cogs.audit.buffer import AuditBuffer, AuditRecord
from cogs.automod.stats import StatsBuffer
from cogs.custom_commands import repo as custom_commands_repo
from cogs.custom_commands.uses import UsesBuffer
from cogs.engagement.buffer import EngagementBuffer
from core.command_tree import TOO_SLOW
from tests.hearth_harness import bot_factory
from tests.standin import StandIn
from tests.standin.plugin import DefaultGuild, build_default_guild
from tests.waiting import eventually
from utils.clock import ManualClock
from utils.errors import DatabaseUnavailable

DOWN = DatabaseUnavailable().message
FLUSH = 0.25  # seconds between buffer writes in this test (instead of 2–10 s)
MAX_BACKOFF = 1.0  # the flush loops' longest wait while the database is down (instead of 60–120 s)
MESSAGES = 6  # counted messages posted during the outage


class Attempts:
    """Wraps a flush method: counts the calls and when they happened (the loop's back-off, observed)."""

    def __init__(self, target: Any, name: str) -> None:
        self.calls: list[tuple[float, bool]] = []  # (monotonic time, succeeded)
        original = getattr(target, name)

        async def counted(*args: Any, **kwargs: Any) -> Any:
            try:
                result = await original(*args, **kwargs)
            except BaseException:
                self.calls.append((time.monotonic(), False))
                raise
            self.calls.append((time.monotonic(), True))
            return result

        setattr(target, name, counted)

    def failures_between(self, start: float, end: float) -> list[float]:
        return [at for at, ok in self.calls if not ok and start <= at <= end]



@pytest_asyncio.fixture(loop_scope="session")
async def outage_url(outage_db, _reset_sql: str) -> AsyncIterator[str]:
    """The outage cluster, emptied, with short flush intervals; always up again after the test."""
    conn = await asyncpg.connect(outage_db.url)
    try:
        async with conn.transaction():
            await conn.execute(_reset_sql)
    finally:
        await conn.close()
    try:
        yield outage_db.url
    finally:
        if not (outage_db.server.data_dir / "postmaster.pid").exists():
            await outage_db.start()


@dataclass
class OutageRun:
    """What one run of the outage scenario observed; each story below checks one part of it."""

    answers: dict[str, tuple[str, bool, float]]  # command → (text, ephemeral, seconds), sent while down
    commands: int  # how many commands were sent while down
    down_notices_in_general: list[str]  # the bot's public messages in #general that carry the "down" text
    custom_replies: int  # the custom command's answers in #general (one before, one during the outage)
    judged_deleted: bool  # the message the deleting rule judged during the outage
    fallbacks: dict[str, int]  # caches that answered from memory: custom commands, automod, guild settings
    errors_logged: list[str]
    buffered: dict[str, int]  # what the buffers held during the outage
    capacities: list[int]  # the buffers' caps
    dropped: tuple[int, int, int, int]  # audit, engagement increments, custom-command uses, automod stats
    retries: dict[str, int]  # failed writes of each flush loop while the database was down
    waits: dict[str, list[float]]  # each loop's wait after each failed turn (clock seconds)
    timer_warnings: list[str]
    listen_warnings: list[str]
    recovered: dict[str, float | None]  # seconds until written again after the restart (None: never)
    failed_commands_recorded: int  # audit_logs rows with success = false
    weekly_messages: int  # engagement_weekly_messages rows
    reminder_posts: int  # "⏰ Standup" posts in #general
    reminder_last_sent_at: datetime | None
    due: datetime  # when the reminder fell due (during the outage)
    health_down: tuple[int, dict[str, Any]]  # /api/health while down: status, body
    health_up: int  # /api/health status after recovery
    reminders_before: int
    reminders_after: int
    automod_rules: int
    automod_stats_rule_id: int | None
    rule_id: int
    timezone_after: Any  # the guild's timezone after the failed /config set
    cache_reloaded: bool  # the custom commands' cache loaded again after the reconnect
    notify_dropped_cache: bool  # another process's change reached the bot over LISTEN after the outage
    config_set_again: str  # the answer to /config set once the database is back
    standin_problems: list[str]  # what the Discord stand-in found wrong (unimplemented routes, errors)
    outage_seconds: float = 0.0


class _Records(logging.Handler):
    """Collects every log record while the scenario runs (what `caplog` gives a single test)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def _within(check: Any, timeout: float = 30.0) -> float | None:  # noqa: ASYNC109
    """`eventually`, but a timeout is recorded (None) for the story that checks it instead of failing the run."""
    try:
        return await eventually(check, timeout=timeout)
    except AssertionError:
        return None


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def outage(outage_db, _reset_sql: str) -> AsyncIterator[OutageRun]:
    """The database goes down and comes back once for all the stories below (the run takes about 20 s)."""
    conn = await asyncpg.connect(outage_db.url)
    try:
        async with conn.transaction():
            await conn.execute(_reset_sql)
    finally:
        await conn.close()
    records = _Records()
    root = logging.getLogger()
    level = root.level
    root.addHandler(records)
    root.setLevel(logging.INFO)
    standin = StandIn()
    await standin.start()
    try:
        yield await _run_outage(standin, build_default_guild(standin), outage_db, outage_db.url, records)
    finally:
        root.removeHandler(records)
        root.setLevel(level)
        with contextlib.suppress(Exception):
            await standin.close()
        if not (outage_db.server.data_dir / "postmaster.pid").exists():
            await outage_db.start()


async def _run_outage(standin: StandIn, g: DefaultGuild, outage_db: Any, outage_url: str,
                      caplog: _Records) -> OutageRun:
    clock = ManualClock(datetime(2026, 6, 1, 9, tzinfo=UTC))
    bot = await standin.connect(bot_factory(outage_url, clock)(api_enabled=True, api_port=0))
    audit, engagement = bot.get_cog("Audit"), bot.get_cog("Engagement")
    custom, automod = bot.get_cog("CustomCommands"), bot.get_cog("Automod")
    for cog in (audit, engagement, custom, automod):  # write every FLUSH s, back off up to MAX_BACKOFF
        cog.flusher.interval, cog.flusher.max_backoff = FLUSH, MAX_BACKOFF
        cog.flusher.wake.set()  # the loop was waiting with the production interval
    standin.busy_checks.append(lambda: f"{n} database operation(s)" if (n := bot.db.in_flight()) else None)
    db = await asyncpg.connect(outage_url)
    api = httpx.AsyncClient(base_url=f"http://127.0.0.1:{bot.api.port}", timeout=10)
    try:
        # --- before: rows written, caches warm --------------------------------------------------------------------
        await bot.guild_settings.set(g.guild.id, "system", "log_channel", g.general.id, changed_by=1)
        admin = {"user": g.admin, "guild": g.guild}
        assert "added" in (await standin.slash("config custom_commands add", **admin, options={
            "name": "rules", "trigger_type": "exact", "trigger": "!rules", "response": "Be kind."})).text
        await standin.slash("config automod action_add", **admin, options={"type": "delete"})
        action_id = await db.fetchval("SELECT id FROM automod_actions")
        assert "added" in (await standin.slash("config automod add", **admin, options={
            "name": "Zorble", "type": "regex", "pattern": r"zorbl+e", "action": action_id})).text
        rule_id = await db.fetchval("SELECT id FROM automod_rules")
        await bot.get_cog("Reminders")._save(g.guild.id, {
            "name": "Standup", "channel_id": g.general.id, "days": [str(d) for d in range(7)],
            "time": datetime(2026, 1, 1, 9, 30).time(), "call_time": datetime(2026, 1, 1, 9, 30).time()}, None)
        due = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)  # falls due during the outage
        await standin.say(g.general, g.member, "hello before")
        await standin.say(g.general, g.member, "!rules")
        await standin.say(g.general, g.member, "a zorble here")
        written_before = (
            "SELECT (SELECT count(*) FROM audit_logs), (SELECT sum(messages) FROM engagement_daily_counts), "
            "(SELECT uses FROM custom_commands), (SELECT triggers_count FROM automod_stats)")

        async def all_written() -> bool:  # by the flush loops (a manual flush could race with one in flight)
            return tuple(await db.fetchrow(written_before)) == (3, 2, 1, 1)

        clock.advance(seconds=FLUSH)  # the flush loops' next turn
        await eventually(all_written, timeout=10)
        before = {"reminders": await db.fetchval("SELECT count(*) FROM reminders")}
        assert (await api.get("/api/health")).status_code == 200
        listener = bot.notify_listener
        listener.max_backoff = 0.5  # reconnect attempts at most every 0.5 s (instead of 30 s) in this test
        connections = listener.connections
        flushers = {"audit": audit.flusher, "engagement": engagement.flusher, "custom_commands": custom.flusher,
                    "automod": automod.flusher}
        flushes = {name: Attempts(flusher, "flush") for name, flusher in flushers.items()}
        await db.close()

        # --- the outage -------------------------------------------------------------------------------------------
        await outage_db.stop()
        down_at = time.monotonic()
        answers: dict[str, tuple[str, bool, float]] = {}
        commands = [
            ("config set", g.admin, {"scope": "system", "key": "timezone", "value": "Asia/Tokyo"}),
            ("command_stats", g.admin, {}),
            ("profile", g.member, {}),
            ("leaderboard", g.member, {}),
            ("faq search", g.member, {"query": "rules"}),
            ("my_premium", g.member, {}),
            ("growthhistory", g.member, {}),
        ]
        async with standin.expect_errors(required=False):
            for name, user, options in commands:
                started = time.perf_counter()
                reply = await standin.slash(name, user=user, guild=g.guild, options=options)
                answers[name] = (reply.text, reply.last.ephemeral, round(time.perf_counter() - started, 3))
        # Messages keep flowing: counted, answered and judged from memory (the caches were marked stale when the
        # LISTEN connection dropped; their reloads fail, so the last known values are used).
        for n in range(MESSAGES):
            await standin.say(g.general, g.member, f"during the outage {n}")
        await standin.say(g.general, g.member, "!rules")
        judged = await standin.say(g.general, g.member, "another zorblle")
        health_down = await api.get("/api/health")
        # The timers dispatcher: the reminder falls due; every pass fails and the wait doubles.
        clock.set(due + timedelta(minutes=1))
        for _ in range(3):
            bot.timers.rearm()
            await bot.timers.idle(timeout=10)

        def held() -> dict[str, int]:
            return {"audit": len(audit.buffer), "engagement_increments": engagement.buffer._batch.increments,
                    "engagement_index": len(engagement.buffer), "custom_command_uses": len(custom.uses),
                    "automod_stats": len(automod.stats)}

        # Read between two failed write attempts (an attempt holds its batch outside the buffer for a moment).
        await _within(lambda: held()["engagement_increments"] == MESSAGES + 1 and held()["audit"] >= len(commands)
                      and held()["custom_command_uses"] == held()["automod_stats"] == 1, timeout=5)
        buffered = held()
        # Let every flush loop fail a few times: each move of the clock past the longest wait is one more turn of
        # every loop, and after each failed turn the loop's next attempt is further away (up to MAX_BACKOFF).
        waits: dict[str, list[float]] = {name: [] for name in flushes}

        def failures() -> dict[str, int]:
            return {name: len(spy.failures_between(down_at, time.monotonic())) for name, spy in flushes.items()}

        async def observe_turn(failed_before: dict[str, int]) -> None:
            """Wait until every loop failed once more and waits again; note how long it now waits."""
            await eventually(lambda: all(failures()[name] > failed_before[name]
                                         and flushers[name].next_attempt > clock.now() for name in flushes),
                             timeout=10)
            for name in flushes:
                waits[name].append((flushers[name].next_attempt - clock.now()).total_seconds())

        await observe_turn(dict.fromkeys(flushes, 0))  # the turn the reminder's clock move caused
        for _ in range(4):
            failed_before = failures()
            clock.advance(seconds=MAX_BACKOFF)
            await observe_turn(failed_before)
        outage_seconds = time.monotonic() - down_at

        # --- recovery ---------------------------------------------------------------------------------------------
        await outage_db.start()
        up_at = time.monotonic()
        db = await asyncpg.connect(outage_url)
        clock.advance(seconds=MAX_BACKOFF)  # the flush loops' next turn
        recovered = {
            "audit": await _within(lambda: _count_is(db, "SELECT count(*) FROM audit_logs", 3 + len(commands))),
            "engagement": await _within(lambda: _count_is(
                db, "SELECT sum(messages) FROM engagement_daily_counts", 2 + MESSAGES + 1)),
            "custom_commands": await _within(lambda: _count_is(db, "SELECT uses FROM custom_commands", 2)),
            "automod": await _within(lambda: _count_is(db, "SELECT triggers_count FROM automod_stats", 2)),
            "listen": await _within(lambda: listener.listening and listener.connections > connections),
        }
        health_up = await api.get("/api/health")
        # A job the dispatcher took as the database came back finishes first: a minute of clock moved under a
        # running job would be its timeout.
        await bot.timers.idle(timeout=10)
        clock.advance(minutes=1)  # past the dispatcher's back-off
        bot.timers.rearm()
        await bot.timers.idle(timeout=10)
        await standin.settle()
        bot.timers.rearm()  # a second pass must not post it again
        await bot.timers.idle(timeout=10)
        await standin.settle()

        # --- what was observed ------------------------------------------------------------------------------------
        retries = {name: len(spy.failures_between(down_at, up_at)) for name, spy in flushes.items()}
        timer_warnings = [r.getMessage() for r in caplog.records
                          if r.name == "core.timers" and "database unavailable" in r.getMessage()]
        listen_warnings = [r.getMessage() for r in caplog.records
                           if r.name == "core.notify" and "cannot connect" in r.getMessage()]
        print(f"\noutage: {outage_seconds:.1f}s; answers: {answers}\nbuffered while down: {buffered}\n"
              f"flush retries: {retries}; waits after each failed turn (clock seconds): {waits}\n"
              f"recovered after restart (s): { {k: v if v is None else round(v, 2) for k, v in recovered.items()} } "
              f"(database back {time.monotonic() - up_at:.1f}s ago)\n"
              f"timers: {timer_warnings}\nLISTEN: {len(listen_warnings)} failed reconnects: {listen_warnings[:3]}\n"
              f"errors logged: {sorted({(r.name, r.getMessage()[:90]) for r in caplog.records if r.levelno >= 40})}")
        general = standin.messages_in(g.general)
        posts = [m for m in general if m.embeds and m.embeds[0].get("title") == "⏰ Standup"]
        timezone_after = await bot.guild_settings.get(g.guild.id, "system", "timezone")
        # LISTEN is really back: another process's change reaches this one and drops its cached commands.
        await custom.cache.get(g.guild.id)  # loaded again from the database (the reconnect marked it stale)
        cache_reloaded = custom.cache.peek(g.guild.id) is not None
        await db.execute("SELECT pg_notify($1, $2)", custom_commands_repo.CHANNEL, str(g.guild.id))
        notify_dropped_cache = await _within(lambda: custom.cache.peek(g.guild.id) is None, timeout=5) is not None
        # And commands work again.
        again = await standin.slash("config set", user=g.admin, guild=g.guild, scope="system", key="timezone",
                                    value="Asia/Tokyo")
        run = OutageRun(
            answers=answers, commands=len(commands),
            down_notices_in_general=[m.content for m in general if m.author.id == bot.user.id and DOWN in m.content],
            custom_replies=len([m for m in general if m.author.id == bot.user.id and m.content == "Be kind."]),
            judged_deleted=standin.world.messages[judged.id].deleted,
            fallbacks={"custom": custom.cache.fallbacks, "automod": automod.cache.fallbacks,
                       "settings": bot.guild_settings.fallbacks},
            errors_logged=[r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR],
            buffered=buffered,
            capacities=[getattr(holder, cap) for holder, cap in (
                (audit.buffer, "capacity"), (engagement.buffer, "key_capacity"),
                (engagement.buffer, "message_capacity"), (custom.uses, "capacity"), (automod.stats, "capacity"))],
            dropped=(audit.buffer.dropped, engagement.buffer.dropped_increments, custom.uses.dropped,
                     automod.stats.dropped),
            retries=retries, waits=waits, timer_warnings=timer_warnings, listen_warnings=listen_warnings,
            recovered=recovered,
            failed_commands_recorded=await db.fetchval("SELECT count(*) FROM audit_logs WHERE success = false"),
            weekly_messages=await db.fetchval("SELECT count(*) FROM engagement_weekly_messages"),
            reminder_posts=len(posts), reminder_last_sent_at=await db.fetchval("SELECT last_sent_at FROM reminders"),
            due=due, health_down=(health_down.status_code, health_down.json()), health_up=health_up.status_code,
            reminders_before=before["reminders"], reminders_after=await db.fetchval("SELECT count(*) FROM reminders"),
            automod_rules=await db.fetchval("SELECT count(*) FROM automod_rules"),
            automod_stats_rule_id=await db.fetchval("SELECT rule_id FROM automod_stats"), rule_id=rule_id,
            timezone_after=timezone_after, cache_reloaded=cache_reloaded, notify_dropped_cache=notify_dropped_cache,
            config_set_again=again.text, standin_problems=[], outage_seconds=outage_seconds)
    finally:
        await api.aclose()
        if not db.is_closed():
            await db.close()
        await standin.disconnect(bot)
    await standin.close()
    run.standin_problems = standin.problems()
    return run


# --- the stories: each checks one part of what the run observed ------------------------------------------------------


async def test_commands_of_every_cog_answer_in_time_privately_with_the_clear_message(outage: OutageRun) -> None:
    # Commands of every cog answered, in time (the stand-in enforces 3 s), with the clear message, privately.
    for name, (text, ephemeral, _seconds) in outage.answers.items():
        assert text == DOWN, (name, text)
        assert ephemeral, name  # also for /profile and /leaderboard: their public "thinking…" is removed
    assert not outage.down_notices_in_general


async def test_the_message_pipeline_keeps_working_from_memory(outage: OutageRun) -> None:
    # The message pipeline kept working from memory: the custom command answered, the deleting rule deleted.
    assert outage.custom_replies == 2
    assert outage.judged_deleted
    assert outage.fallbacks["custom"] >= 1 and outage.fallbacks["automod"] >= 1 and outage.fallbacks["settings"] >= 1


async def test_nothing_is_logged_as_an_error(outage: OutageRun) -> None:
    assert outage.errors_logged == []


async def test_writes_are_buffered_within_their_caps_and_none_dropped(outage: OutageRun) -> None:
    # Buffered, not lost; bounded by a cap, nothing dropped in this short outage.
    buffered = outage.buffered
    assert buffered["audit"] >= outage.commands and buffered["engagement_increments"] == MESSAGES + 1
    assert buffered["custom_command_uses"] == 1 and buffered["automod_stats"] == 1
    for cap in outage.capacities:
        assert cap > 0
    assert outage.dropped == (0, 0, 0, 0)


async def test_flush_loops_retry_with_a_doubling_wait_up_to_the_ceiling(outage: OutageRun) -> None:
    # The loops retried with back-off, and wrote everything once the database was back.
    assert all(count >= 2 for count in outage.retries.values()), outage.retries
    # The wait doubled after each failed turn, up to the ceiling (and was FLUSH while writes succeeded).
    assert all(wait == [FLUSH * 2, MAX_BACKOFF, MAX_BACKOFF, MAX_BACKOFF, MAX_BACKOFF]
               for wait in outage.waits.values()), outage.waits


async def test_every_buffer_is_written_and_listen_is_back_after_the_restart(outage: OutageRun) -> None:
    assert all(seconds is not None for seconds in outage.recovered.values()), outage.recovered
    assert outage.failed_commands_recorded >= outage.commands
    assert outage.weekly_messages == 2 + MESSAGES + 1


async def test_the_timers_dispatcher_backs_off_and_listen_reconnects_are_logged(outage: OutageRun) -> None:
    timer_warnings = outage.timer_warnings
    assert [m for m in timer_warnings if "retrying in 1s" in m] and [m for m in timer_warnings
                                                                    if "retrying in 4s" in m]
    assert len(outage.listen_warnings) >= 1


async def test_the_reminder_due_during_the_outage_is_posted_once_after_recovery(outage: OutageRun) -> None:
    # The reminder that fell due during the outage: posted once after recovery.
    assert outage.reminder_posts == 1
    assert outage.reminder_last_sent_at == outage.due


async def test_health_is_503_while_down_and_200_after(outage: OutageRun) -> None:
    # Health: 503 while down, 200 after.
    status, body = outage.health_down
    assert status == 503 and body["database"]["status"] == "down"
    assert outage.health_up == 200


async def test_nothing_written_before_the_outage_is_lost(outage: OutageRun) -> None:
    # Nothing written before the outage was lost, and the failed /config set changed nothing.
    assert outage.reminders_after == outage.reminders_before
    assert outage.automod_rules == 1
    assert outage.automod_stats_rule_id == outage.rule_id
    assert outage.timezone_after == "UTC"


async def test_listen_is_really_back_and_commands_work_again(outage: OutageRun) -> None:
    # LISTEN is really back: another process's change reaches this one and drops its cached commands.
    assert outage.cache_reloaded
    assert outage.notify_dropped_cache
    # And commands work again.
    assert "→ `Asia/Tokyo`" in outage.config_set_again


async def test_the_discord_stand_in_saw_no_problems(outage: OutageRun) -> None:
    assert outage.standin_problems == []


async def _count_is(db: asyncpg.Connection, query: str, expected: int) -> bool:
    return (await db.fetchval(query)) == expected



class _DownPool:
    """A pool whose database is down: every statement fails like a refused connection."""

    async def execute(self, *_args: Any) -> None:
        raise ConnectionRefusedError("database down")


async def test_buffers_are_capped_and_count_what_they_drop_while_writes_fail(caplog) -> None:
    caplog.set_level(logging.WARNING)
    now = datetime(2026, 6, 1, 9, tzinfo=UTC)
    down = _DownPool()
    audit = AuditBuffer(capacity=3)
    for n in range(5):
        audit.add(AuditRecord(1, n, "config get", "slash", True, None, now))
    failed = audit.take(2)
    audit.add(AuditRecord(1, 9, "config get", "slash", True, None, now))
    audit.put_back(failed)  # the write failed: back in front, within the cap
    assert (len(audit), audit.dropped) == (3, 3)

    engagement = EngagementBuffer(message_capacity=4, key_capacity=2)
    for user in range(4):  # four members: only two counter keys fit (a member needs a daily and a streak key)
        engagement.add_message(1, user, 5, 100 + user, now, now.date(), False, None)
    engagement.add_reaction(1, 100, +1)
    assert engagement.keys <= 2 and len(engagement) <= 4
    assert (engagement.dropped_increments, engagement.dropped_reactions) == (3, 1)
    failed_batch = engagement.take()  # a write failed while another member kept writing
    engagement.add_message(1, 7, 5, 200, now, now.date(), False, None)
    engagement.put_back(failed_batch)
    assert engagement.keys <= 2 and engagement.dropped_increments == 4

    uses = UsesBuffer(capacity=2)
    for command_id in (1, 2, 3, 3, 1):
        uses.add(1, command_id)
    with pytest.raises(ConnectionRefusedError):
        await uses.flush(down)
    uses.add(1, 4)  # a new command while the counts are back in the buffer: no room
    assert (len(uses), uses.dropped, uses.pending(1, 1)) == (2, 3, 2)

    stats = StatsBuffer(capacity=2)
    for rule_id in (1, 2, 3):
        stats.add(1, rule_id, now.date(), triggers=1)
    with pytest.raises(ConnectionRefusedError):
        await stats.flush(down)
    stats.add(1, 1, now.date(), triggers=1)  # an existing key still counts
    assert (len(stats), stats.dropped) == (2, 1)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("use-count buffer is full" in w for w in warnings)
    assert any("stats buffer is full" in w for w in warnings)


def _cluster_processes(data_dir: Path) -> list[int]:
    """The postmaster of a cluster and its children (backends, checkpointer, …), from /proc."""
    master = int((data_dir / "postmaster.pid").read_text().split()[0])
    pids = [master]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == master:
                    pids.append(int(entry.name))
    return pids


async def test_frozen_database_commands_still_answer_in_time(standin: StandIn, default_guild, outage_db,
                                                             outage_url: str) -> None:
    """A database that hangs (SIGSTOP: connections stay open, nothing answers) instead of refusing: a query on an
    open connection would wait DB_COMMAND_TIMEOUT (10 s); the command tree answers before Discord's 3 s."""
    g = default_guild
    bot = await standin.connect(bot_factory(outage_url, ManualClock())(db_acquire_timeout=2.5))
    try:
        assert "UTC" in (await standin.slash("config get", user=g.admin, guild=g.guild, scope="system",
                                             key="timezone")).text
        frozen = _cluster_processes(outage_db.server.data_dir)
        for pid in frozen:
            os.kill(pid, signal.SIGSTOP)
        answers = {}
        try:
            for name, options in (("config set", {"scope": "system", "key": "timezone", "value": "Asia/Tokyo"}),
                                  ("faq search", {"query": "rules"})):
                started = time.perf_counter()
                reply = await standin.slash(name, user=g.admin, guild=g.guild, options=options, settle=False)
                await reply.wait(lambda r: r.responded, timeout=5)
                answers[name] = (reply.text, reply.last.ephemeral, round(time.perf_counter() - started, 2))
        finally:
            for pid in frozen:
                os.kill(pid, signal.SIGCONT)
        await standin.settle(timeout=15)
        print(f"\nfrozen database: {answers}")
        assert answers == {name: (TOO_SLOW, True, answers[name][2]) for name in answers}
        assert all(seconds < 3 for _text, _ephemeral, seconds in answers.values())
        # Recorded as failed commands, and the database works again once it thaws.
        await bot.get_cog("Audit").flush()
        again = await standin.slash("config set", user=g.admin, guild=g.guild, scope="system", key="timezone",
                                    value="Asia/Tokyo")
        assert "→ `Asia/Tokyo`" in again.text
        conn = await asyncpg.connect(outage_url)
        try:
            failed = await conn.fetch("SELECT command_name, error_message FROM audit_logs WHERE NOT success "
                                      "ORDER BY id")
        finally:
            await conn.close()
        too_slow = "TimeoutError: no answer within 2.2s"
        assert [(r["command_name"], r["error_message"]) for r in failed] == [("config set", too_slow),
                                                                              ("faq search", too_slow)]
    finally:
        await standin.disconnect(bot)
