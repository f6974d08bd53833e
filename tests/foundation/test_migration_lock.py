"""Two bot processes started at once on a fresh database (issue 14, item 13).

Before: both read "no revision" and both ran the migrations; one of them crashed with a traceback on a
duplicate table. Now the upgrade runs under a PostgreSQL advisory lock: the second process waits, reads the
revision again once the first is done, finds it at head and starts normally.
"""

from __future__ import annotations

import asyncio
import os
import sys

import asyncpg

from core.migrations import current_revision, head_revision
from tests.conftest import ROOT, create_database, drop_database

DATABASE = "hearth_two_starts"


async def _waiting_on_a_lock(watcher: asyncpg.Connection) -> int:
    """Backends of the test database waiting for a lock (`watcher` is outside any transaction: inside one,
    pg_stat_activity would stay the snapshot of its first read)."""
    return await watcher.fetchval(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")


async def test_two_processes_starting_on_a_fresh_database_both_start(pg_server) -> None:
    url = await create_database(pg_server, DATABASE)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DISCORD_", "DATABASE_", "DB_", "EMBEDDED_", "COGS", "OPENAI_", "STRIPE_"))}
    env["DATABASE_URL"] = url
    blocker, watcher = await asyncpg.connect(url), await asyncpg.connect(url)
    processes: list[asyncio.subprocess.Process] = []
    try:
        # Make the two starts overlap for certain: the test holds an uncommitted table named like Alembic's
        # version table, so whichever process gets to create it waits there until the test lets go.
        holding = blocker.transaction()
        await holding.start()
        await blocker.execute("CREATE TABLE alembic_version (version_num varchar(32) NOT NULL)")
        for _ in range(2):
            processes.append(await asyncio.create_subprocess_exec(
                sys.executable, "bot.py", "--env-file", "no-such.env", "--check", cwd=ROOT, env=env,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE))
        deadline = asyncio.get_running_loop().time() + 60
        while await _waiting_on_a_lock(watcher) < 2:  # a separate process: poll with a deadline
            assert asyncio.get_running_loop().time() < deadline, "the two processes never both reached the database"
            assert all(p.returncode is None for p in processes), "a process exited before migrating"
            await asyncio.sleep(0.05)
        await holding.rollback()
        outputs = await asyncio.wait_for(asyncio.gather(*(p.communicate() for p in processes)), 120)
    finally:
        for process in processes:
            if process.returncode is None:
                process.kill()
                await process.wait()
        await blocker.close()
        await watcher.close()
    try:
        for process, (stdout, stderr) in zip(processes, outputs, strict=True):
            log = stderr.decode()
            assert process.returncode == 0, log
            assert "Traceback" not in log
            assert f"Revision:  {head_revision()} (head)" in stdout.decode() and "Check:     OK" in stdout.decode()
        assert await current_revision(url) == head_revision()
        conn = await asyncpg.connect(url)
        try:
            assert await conn.fetchval("SELECT count(*) FROM alembic_version") == 1
        finally:
            await conn.close()
    finally:
        await drop_database(pg_server, DATABASE)
