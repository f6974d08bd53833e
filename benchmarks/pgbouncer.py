"""What a query costs behind PgBouncer in transaction pooling mode (issue 24, target 4).

    python benchmarks/pgbouncer.py [--queries 3000]

One pool of 4 connections (`core.db.Database`, the bot's factory) runs the same one-row query, one at a time:
directly with asyncpg's statement cache (the floor: how Hearth runs without PgBouncer), directly without it
(`transaction_pooling=True`: every query parsed again), and through a real PgBouncer in transaction mode
(Debian's `pgbouncer`, started here like the test does) without it. Printed: microseconds per query and the
ratio to the floor, measured in the same run. It uses the benchmarks' embedded PostgreSQL under .test-data/bench.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_db import bench_server
from core.db import Database
from tests.reliability.pgbouncer import pgbouncer_binary, start_pgbouncer

QUERY = "SELECT value FROM bot_settings WHERE guild_id = $1 AND scope = 'system' AND key = 'timezone'"


async def per_query(database: Database, queries: int) -> float:
    """Microseconds per query, after a warm-up."""
    pool = await database.create_pool("bench", 4)
    try:
        for guild in range(200):
            await pool.fetchval(QUERY, guild)
        started = time.perf_counter()
        for guild in range(queries):
            await pool.fetchval(QUERY, guild)
        return (time.perf_counter() - started) / queries * 1e6
    finally:
        await pool.close()


async def main(queries: int) -> int:
    binary = pgbouncer_binary()
    if binary is None:
        print("pgbouncer is not installed (Debian: apt-get install pgbouncer)")
        return 1
    async with bench_server() as fresh_database:
        direct = await fresh_database("hearth_bench_pgbouncer")
        bouncer = await start_pgbouncer(binary, direct)
        try:
            pooled = bouncer.url(urlsplit(direct).path.lstrip("/"))
            floor = await per_query(Database(direct, max_connections=4), queries)
            runs = [("direct, statement cache (floor)", floor),
                    ("direct, no statement cache", await per_query(
                        Database(direct, max_connections=4, transaction_pooling=True), queries)),
                    (f"{bouncer.version}, transaction mode, no cache", await per_query(
                        Database(pooled, max_connections=4, transaction_pooling=True), queries))]
        finally:
            bouncer.stop()
    print(f"{queries} queries, one at a time, pool of 4")
    for label, micros in runs:
        print(f"  {label:<48} {micros:7.0f} µs/query  {micros / floor:4.2f}× floor")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=3000)
    sys.exit(asyncio.run(main(parser.parse_args().queries)))
