"""SIGTERM in the middle of work: a real `python bot.py` process on the Discord stand-in and the test database,
with command records and engagement counts still buffered and a reminder job leased whose post Discord is
slow to answer (the stand-in holds the request).

Shutdown must write the buffers, give the interrupted job back (lease cleared at once, not after its 2-minute
lease), close every pool (no `hearth:` connection left in pg_stat_activity) and exit 0 within a few seconds;
another process then posts the reminder at once, exactly one time.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from datetime import UTC, datetime, timedelta

from core.db import HearthPool
from tests.conftest import ROOT
from tests.hearth_harness import bot_factory
from tests.standin import StandIn
from utils.clock import ManualClock

SCRIPT = ROOT / "tests" / "foundation" / "bot_on_standin.py"
MESSAGES = 5


async def _hearth_connections(db: HearthPool) -> set[int]:
    """Backends of bot pools and listeners (the tests' own pool is `hearth:tests`)."""
    rows = await db.fetch("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                          "AND application_name LIKE 'hearth:%' AND application_name <> 'hearth:tests'")
    return {row["pid"] for row in rows}


async def _seed_reminder(db: HearthPool, guild_id: int, channel_id: int) -> int:
    """A one-off event reminder whose on-time post is due now (real time: the process uses the real clock)."""
    due = datetime.now(UTC) - timedelta(seconds=1)
    reminder_id = await db.fetchval(
        "INSERT INTO reminders (guild_id, name, channel_id, event_time) VALUES ($1, 'Launch', $2, $3) RETURNING id",
        guild_id, channel_id, due)
    await db.execute("INSERT INTO timers (guild_id, kind, key, due_at, payload) VALUES ($1, 'reminder', $2, $3, $4)",
                     guild_id, f"{reminder_id}:start", due, {"reminder_id": reminder_id, "phase": "start"})
    return reminder_id


async def test_sigterm_during_a_held_post_writes_buffers_releases_the_lease_and_closes_pools(
        standin: StandIn, default_guild, database_url: str, clean_db: HearthPool) -> None:
    g = default_guild
    reminder_id = await _seed_reminder(clean_db, g.guild.id, g.general.id)
    before = await _hearth_connections(clean_db)
    held = standin.hold("POST", "/channels/{channel_id}/messages")  # the reminder's post: Discord is slow
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DB_", "COGS", "EMBEDDED_"))}
    env.update(STANDIN_URL=standin.world.base_url, DISCORD_TOKEN="standin-token", DATABASE_URL=database_url,
               API_PORT="0", LOG_LEVEL="INFO", HEARTH_TEST_HOLD_BUFFERS="1")
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(SCRIPT), "--env-file", "no-such.env", env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        await asyncio.wait_for(held.reached.wait(), 30)  # the dispatcher claimed the job and is posting it
        lease = await clean_db.fetchrow("SELECT lease_token, lease_until, attempts FROM timers WHERE key = $1",
                                        f"{reminder_id}:start")
        assert lease["lease_token"] is not None and lease["attempts"] == 1
        for n in range(MESSAGES):
            await standin.say(g.general, g.member, f"message {n}", settle=False)
        # A command after the messages: once it is answered, the messages before it were counted (in memory).
        result = await standin.slash("config get", user=g.admin, guild=g.guild, scope="system", key="timezone",
                                     settle=False)
        await result.wait(lambda r: r.responded, timeout=10)
        # Nothing was written yet: the buffers hold it all.
        assert await clean_db.fetchval("SELECT count(*) FROM audit_logs") == 0
        assert await clean_db.fetchval("SELECT count(*) FROM engagement_daily_counts") == 0
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
        took = time.monotonic() - started
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    log = stderr.decode()
    print(f"SIGTERM to exit: {took:.2f}s")  # reported by the reliability review (-s to see it)
    assert process.returncode == 0, log
    assert took < 15, log
    assert "Traceback" not in log and "Hearth stopped cleanly" in log
    assert "released 1 interrupted job(s)" in log
    # Buffers written at shutdown.
    assert await clean_db.fetchval("SELECT command_name FROM audit_logs") == "config get"
    assert await clean_db.fetchval("SELECT sum(messages) FROM engagement_daily_counts WHERE user_id = $1",
                                   g.member.id) == MESSAGES
    assert await clean_db.fetchval("SELECT count(*) FROM engagement_weekly_messages") == MESSAGES
    # The interrupted job is free again, its attempt not counted; nothing was marked as sent.
    job = await clean_db.fetchrow("SELECT lease_token, lease_until, attempts FROM timers WHERE key = $1",
                                  f"{reminder_id}:start")
    assert (job["lease_token"], job["lease_until"], job["attempts"]) == (None, None, 0)
    assert await clean_db.fetchval("SELECT last_sent_at FROM reminders") is None
    # Every pool and the LISTEN connection were closed.
    assert await _hearth_connections(clean_db) - before == set()
    # Another process takes the job at once (its clock is the real time: no waiting for a lease to run out).
    assert not any(m.embeds for m in standin.messages_in(g.general))  # the held post never reached Discord
    other = await standin.connect(bot_factory(database_url, ManualClock(datetime.now(UTC)))(cogs=["reminders"]))
    try:
        other.timers.rearm()
        await other.timers.idle()
        await standin.settle()
        posts = [m for m in standin.messages_in(g.general) if m.embeds]
        assert [m.embeds[0]["title"] for m in posts] == ["🔔 Launch is starting now"]
        assert await clean_db.fetchval("SELECT count(*) FROM timers WHERE kind = 'reminder'") == 0
        assert await clean_db.fetchval("SELECT count(*) FROM reminders") == 0
    finally:
        await standin.disconnect(other)
