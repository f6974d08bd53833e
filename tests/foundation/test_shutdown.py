"""`python bot.py` in its own process, connected to the Discord stand-in, stops cleanly on SIGTERM and
Ctrl-C: exit 0, buffered audit rows written, embedded PostgreSQL stopped."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
import uuid

import asyncpg
import pytest

from tests.conftest import ROOT, TEST_DATA
from tests.standin import StandIn
from tests.waiting import eventually

SCRIPT = ROOT / "tests" / "foundation" / "bot_on_standin.py"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_signal_stops_the_bot_cleanly(standin: StandIn, default_guild, sig: signal.Signals) -> None:
    g = default_guild
    data_dir = TEST_DATA / f"shutdown-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DB_", "COGS"))}
    env.update(STANDIN_URL=standin.world.base_url, DISCORD_TOKEN="standin-token", EMBEDDED_PG_DIR=str(data_dir),
               API_PORT="0", LOG_LEVEL="INFO")
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(SCRIPT), "--env-file", "no-such.env", env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        # Ready: connected to the gateway, commands synced.
        await eventually(lambda: any(s.conn is not None for s in standin.gateway.live_sessions)
                          and any(r.route.endswith("/commands") for r in standin.requests("PUT")))
        # A command, so the audit buffer holds a row that only the shutdown flush can write.
        result = await standin.slash("config get", user=g.admin, guild=g.guild, scope="system", key="timezone",
                                     settle=False)
        await result.wait(lambda r: r.responded, timeout=10)
        process.send_signal(sig)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    finally:
        if process.returncode is None:
            process.kill()
    log = stderr.decode()
    try:
        assert process.returncode == 0, log
        assert "shutting down" in log and "Hearth stopped cleanly" in log
        assert "Traceback" not in log
        assert not (data_dir / "postmaster.pid").exists()  # the embedded server was stopped
        server = await asyncio.to_thread(_start_again, data_dir)
        try:
            conn = await asyncpg.connect(server.uri("hearth"))
            audited = await conn.fetchval("SELECT command_name FROM audit_logs")
            await conn.close()
        finally:
            await asyncio.to_thread(server.stop)
        assert audited == "config get"
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def _start_again(data_dir):
    from core.embedded_db import EmbeddedPostgres

    server = EmbeddedPostgres(data_dir)
    server.start()
    return server
