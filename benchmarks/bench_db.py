"""The benchmarks' PostgreSQL: the embedded server in `.test-data/bench`, and a fresh migrated database per run.

    async with bench_server() as fresh_database:
        url = await fresh_database("hearth_bench_x")
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

from core.embedded_db import EmbeddedPostgres, recreate_database
from core.migrations import upgrade_to_head

ROOT = Path(__file__).resolve().parent.parent


@contextlib.asynccontextmanager
async def bench_server() -> AsyncIterator[Callable[[str], Awaitable[str]]]:
    """Start the benchmarks' server; yields `fresh_database(name)` (empty, migrated, returns its URL)."""
    os.environ.setdefault("LC_ALL", "C.UTF-8")
    server = EmbeddedPostgres(ROOT / ".test-data" / "bench")
    await asyncio.to_thread(server.start)

    async def fresh_database(name: str) -> str:
        await recreate_database(server.uri("postgres"), name)
        url = server.uri(name)
        await upgrade_to_head(url)
        return url

    try:
        yield fresh_database
    finally:
        await asyncio.to_thread(server.stop)
