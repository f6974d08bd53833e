"""Pieces the benchmarks share: the process's memory figures, pointing discord.py at the Discord stand-in, Hearth
built by the production factory, and a child process that reports back over a pipe.

The stand-in and the bots run in processes of their own (spawned), so that each figure is that process's alone.
"""

from __future__ import annotations

import asyncio
import gc
import multiprocessing
import resource
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

MB = 1024 * 1024


def memory_kib(field: str = "VmRSS") -> int:
    """A memory figure of this process in KiB from /proc/self/status (VmRSS now, VmHWM peak)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # peak only, KiB on Linux


def mb(kib: float) -> str:
    """KiB as a MiB label."""
    return f"{kib / 1024:,.1f} MiB"


def point_at_standin(served: dict[str, Any]) -> None:
    """What StandIn.connect patches in a bot's process: Discord's REST base and gateway address."""
    import discord.gateway
    import discord.http
    import yarl

    discord.http.Route.BASE = f"{served['base_url']}/api/v10"
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(served["gateway_url"])


def hearth_bot(url: str, **settings: Any) -> Any:
    """Hearth as `bot.py` builds it (`create_bot`, every cog), on the database at `url`; `settings` override
    the configuration (e.g. shard_count, shard_ids, sync_commands), the HTTP API off unless given."""
    from core.config import Settings
    from core.db import Database
    from core.hearth_bot import create_bot

    settings.setdefault("api_enabled", False)
    settings.setdefault("sync_commands", False)
    options = {k: settings.pop(k) for k in ("guild_ready_timeout",) if k in settings}
    config = Settings(_env_file=None, **settings)
    database = Database(url, max_connections=config.db_max_connections, command_timeout=config.db_command_timeout,
                        acquire_timeout=config.db_acquire_timeout)
    return create_bot(config, database, **options)


def after_each_message(bot: Any, seen: Callable[[], None]) -> None:
    """Call `seen()` when Hearth's pipeline is done with a message: a last stage, plain (no coroutine), so
    counting adds next to nothing to what is measured."""
    bot.pipeline.register("benchmark_seen", lambda _context: seen(), order=1_000_000, include_bots=True,
                          run_after_delete=True)


def spawn(target: Any, *args: Any, name: str | None = None) -> tuple[Connection, BaseProcess]:
    """Start `target(pipe, *args)` in a spawned daemon process; returns this side's pipe and the process."""
    context = multiprocessing.get_context("spawn")
    pipe, child_end = context.Pipe()
    child = context.Process(target=target, args=(child_end, *args), name=name, daemon=True)
    child.start()
    return pipe, child


def stop(child: BaseProcess, timeout: float = 10.0) -> None:
    """Join a child process, terminating it if it does not end in `timeout` seconds."""
    child.join(timeout)
    if child.is_alive():
        child.terminate()
        child.join(5)


def mark_start(bot: Any, figures: dict[str, Any]) -> asyncio.Event:
    """Record in `figures` the bot's resident memory once its cogs are loaded (`rss_before`), when it starts
    connecting (`connect_at`) and its first READY (`ready_at`); returns the event set at READY."""
    ready = asyncio.Event()
    setup_hook = bot.setup_hook

    async def measured_setup_hook() -> None:  # cogs loaded, gateway not yet connected
        await setup_hook()
        gc.collect()
        figures["rss_before"] = memory_kib()
        figures["connect_at"] = time.perf_counter()

    async def on_ready() -> None:
        figures.setdefault("ready_at", time.perf_counter())
        ready.set()

    bot.setup_hook = measured_setup_hook
    bot.add_listener(on_ready, "on_ready")
    return ready
