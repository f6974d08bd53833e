"""A start-up failure the operator can fix ends in one clear line and exit status 1: here, an HTTP API port that
another program already uses (`python bot.py`, in its own process, against the Discord stand-in)."""

from __future__ import annotations

import asyncio
import os
import socket
import sys

from tests.foundation.test_shutdown import SCRIPT
from tests.standin import StandIn


async def test_a_busy_api_port_is_one_line_and_exit_1(standin: StandIn, default_guild, database_url: str) -> None:
    busy = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    port = busy.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DB_", "COGS", "API_"))}
    env.update(STANDIN_URL=standin.world.base_url, DISCORD_TOKEN="standin-token", DATABASE_URL=database_url,
               API_HOST="127.0.0.1", API_PORT=str(port), LOG_LEVEL="WARNING")
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable, str(SCRIPT), "--env-file", "no-such.env", env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        try:
            _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
        finally:
            if process.returncode is None:
                process.kill()
    finally:
        busy.close()
    log = stderr.decode()
    assert process.returncode == 1, log
    assert "Traceback" not in log, log
    lines = [line for line in log.splitlines() if line.strip()]
    assert lines[-1] == (f"Hearth could not start: the HTTP API cannot listen on 127.0.0.1:{port} (Address already "
                         "in use); set API_PORT to a free port or API_ENABLED=false"), log
    assert len(lines) == 1, log
