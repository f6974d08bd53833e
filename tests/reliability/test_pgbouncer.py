"""Hearth behind a real PgBouncer in transaction pooling mode (Debian's `pgbouncer`, started by the test).

The bots' pools go through PgBouncer (`DATABASE_URL` = the pooled URL, `DATABASE_POOL_MODE=transaction`); LISTEN and
migrations use the direct URL (`DATABASE_DIRECT_URL` = the test database itself). Checked through it: a slash
command that writes (`/config set`, `/config custom_commands add`), a custom command answering a message (the
message pipeline), a reminder scheduled by `/remindme add` and delivered by the timers service when the clock
moves, the audit trail's batched COPY, a settings change reaching a second bot process, and start-up's
migration step on the direct URL. PgBouncer's own statistics show the traffic went
through it, and a control shows what the settings prevent: asyncpg's statement cache breaks behind it.

Without `pgbouncer` installed the PgBouncer tests skip (saying so); with the environment variable CI set they
fail instead, since `.ci/run` installs it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import pytest
import pytest_asyncio

import bot as entry_point
from core.config import ConfigError, load_settings
from core.db import Database
from tests.hearth_harness import Hearth
from tests.kit.ci_tools import missing_tool
from tests.reliability.pgbouncer import PAIR_SUFFIX, PgBouncer, pgbouncer_binary, start_pgbouncer

START = datetime(2026, 12, 6, 12, tzinfo=UTC)


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def pgbouncer(database_url: str) -> AsyncIterator[PgBouncer]:
    """A PgBouncer (transaction pooling) in front of the session's test database, for this module."""
    binary = pgbouncer_binary()
    if binary is None:
        missing_tool("pgbouncer is not installed (Debian: apt-get install pgbouncer), so Hearth behind it is not "
                     "tested")
    bouncer = await start_pgbouncer(binary, database_url)
    yield bouncer
    bouncer.stop()


def database_name(url: str) -> str:
    """The database part of a postgresql:// URL."""
    return urlsplit(url).path.lstrip("/")


def through(bouncer: PgBouncer, direct_url: str) -> dict[str, Any]:
    """`make_bot` options for a bot whose pools go through PgBouncer and whose LISTEN does not."""
    pooled = bouncer.url(database_name(direct_url))
    return {"url": pooled, "direct_url": direct_url, "database_url": pooled, "database_direct_url": direct_url,
            "database_pool_mode": "transaction"}


async def test_commands_messages_and_a_reminder_through_pgbouncer(
        hearth: Hearth, pgbouncer: PgBouncer, database_url: str) -> None:
    d, g = hearth.discord, hearth.guild
    name = database_name(database_url)
    hearth.clock.set(START)
    bot = await hearth.restart(**through(pgbouncer, database_url))
    assert bot.db.url == pgbouncer.url(name) and bot.db.transaction_pooling
    assert bot.notify_listener.url == database_url  # LISTEN never goes through PgBouncer
    before = await pgbouncer.transactions(name)

    # A slash command that writes.
    result = await d.slash("config set", user=g.admin, guild=g.guild, scope="system", key="timezone",
                           value="Europe/Paris")
    assert "`system.timezone`: `UTC` (default) → `Europe/Paris`" in result.text
    assert await hearth.db.fetchval("SELECT value FROM bot_settings WHERE guild_id = $1 AND key = 'timezone'",
                                    g.guild.id) == "Europe/Paris"

    # The message pipeline: a custom command added by command, answering a member's message.
    added = await d.slash("config custom_commands add", user=g.admin, guild=g.guild,
                          options={"name": "rules", "trigger_type": "exact", "trigger": "!rules",
                                   "response": "Read #rules, {user.name}"})
    assert "rules" in added.text
    await d.say(g.general, g.member, "!rules")
    answers = [m.content for m in d.messages_in(g.general) if m.author.id == bot.user.id]
    assert answers == ["Read #rules, bob"]

    # A reminder: scheduled by command, delivered by the timers service when the clock reaches it.
    made = await d.slash("remindme add", user=g.member, guild=g.guild, when="tomorrow 9am", text="Water the plants")
    due = datetime(2026, 12, 7, 8, tzinfo=UTC)  # 09:00 in Paris, the server's zone now (UTC+1 in December)
    assert f"<t:{int(due.timestamp())}:F>" in made.text
    await hearth.move_clock(due - timedelta(seconds=1))
    assert not [m for m in d.dms_to(g.member) if m.embeds]
    await hearth.move_clock(due)
    [dm] = [m for m in d.dms_to(g.member) if m.embeds and m.embeds[0]["title"].startswith("⏰ Reminder")]
    assert dm.embeds[0]["description"] == "Water the plants"
    assert await hearth.db.fetchval("SELECT done FROM personal_reminders") is True

    # The audit trail: its batches are a COPY (`copy_records_to_table`), through PgBouncer too (the flush loop may
    # have written some already, on the moved clock).
    await bot.get_cog("Audit").flush()
    assert sorted(await hearth.db.fetch("SELECT command_name FROM audit_logs"), key=str) == [
        ("config custom_commands add",), ("config set",), ("remindme add",)]

    # All of it went through PgBouncer: its transaction count grew, the bot's pools are its clients, LISTEN is not.
    assert await pgbouncer.transactions(name) - before >= 10
    clients = await pgbouncer.client_names(name)
    opened = {f"hearth:{owner}" for owner, pool in bot.db.pools.items() if pool.get_size()}
    assert {"hearth:services", "hearth:timers", "hearth:reminders"} <= opened
    assert opened <= clients  # every connection a pool holds is a PgBouncer client
    assert not any(client.startswith("hearth:listen") for client in clients)


async def test_a_settings_change_reaches_another_process(hearth: Hearth, pgbouncer: PgBouncer,
                                                         database_url: str) -> None:
    g = hearth.guild
    options = through(pgbouncer, database_url)
    await hearth.restart(**options)
    other = await hearth.discord.connect(hearth.make_bot(cogs=["config"], **options))
    try:
        assert await other.guild_settings.get(g.guild.id, "system", "timezone") == "UTC"  # now cached there
        heard = asyncio.Event()

        async def on_hearth_settings_changed(guild_id: int, keys: list[tuple[str, str]]) -> None:
            heard.set()

        other.add_listener(on_hearth_settings_changed)
        # Both bots see the same guild, so the change is made in the first one's code path directly (a slash
        # command would reach both). It commits through PgBouncer; NOTIFY reaches the other's direct LISTEN.
        await hearth.bot.guild_settings.set(g.guild.id, "system", "timezone", "Asia/Tokyo", changed_by=g.admin.id)
        await asyncio.wait_for(heard.wait(), timeout=5)  # the notification's delivery, not a fixed wait
        assert await other.guild_settings.get(g.guild.id, "system", "timezone") == "Asia/Tokyo"
    finally:
        await hearth.discord.disconnect(other)


async def test_migrations_and_listen_use_the_direct_url(pgbouncer: PgBouncer, database_url: str) -> None:
    pooled = pgbouncer.url(database_name(database_url))
    settings = load_settings(None, database_url=pooled, database_direct_url=database_url)
    handle = await entry_point.open_database(settings)
    assert (handle.url, handle.session_url) == (pooled, database_url)
    assert "PgBouncer" in handle.description
    await entry_point.migrate(handle)  # at head already: reads the revision under the lock, on the direct URL
    database = entry_point.build_database(settings, handle)
    assert (database.url, database.direct_url, database.transaction_pooling) == (pooled, database_url, True)


async def pair_of_queries(database: Database) -> int:
    """Connection A runs a query; B holds PgBouncer's only idle server connection in a transaction; A runs the
    query again, now on a second server connection that never saw A's statement."""
    pool = await database.create_pool("pair", 2)
    try:
        async with pool.acquire() as a, pool.acquire() as b:
            assert await a.fetchval("SELECT $1::int + 1", 1) == 2
            async with b.transaction():
                await b.fetchval("SELECT 1")
                return await a.fetchval("SELECT $1::int + 1", 2)
    finally:
        await pool.close()


async def test_the_statement_cache_breaks_behind_transaction_pooling(pgbouncer: PgBouncer,
                                                                     database_url: str) -> None:
    url = pgbouncer.url(database_name(database_url) + PAIR_SUFFIX)  # an entry with two server connections
    assert await pair_of_queries(Database(url, max_connections=2, transaction_pooling=True)) == 3
    with pytest.raises(asyncpg.InvalidSQLStatementNameError, match=r"prepared statement .* does not exist"):
        await pair_of_queries(Database(url, max_connections=2, transaction_pooling=False))


def test_pool_mode_settings() -> None:
    direct, pooled = "postgresql://h@db:5432/hearth", "postgresql://h@pgbouncer:6432/hearth"
    assert not load_settings(None, database_url=direct).transaction_pooling  # auto: no direct URL, no pooler
    both = load_settings(None, database_url=pooled, database_direct_url=direct)
    assert both.transaction_pooling and both.direct_database_url == direct  # auto: a separate direct URL
    session = load_settings(None, database_url=pooled, database_direct_url=direct, database_pool_mode="session")
    assert not session.transaction_pooling and session.direct_database_url == direct
    assert load_settings(None, database_url=direct).direct_database_url == direct


@pytest.mark.parametrize(("values", "message"), [
    ({"database_url": "postgresql://h@pgbouncer/hearth", "database_pool_mode": "transaction"},
     "DATABASE_POOL_MODE: transaction pooling needs DATABASE_DIRECT_URL"),
    ({"database_direct_url": "postgresql://h@db/hearth"}, "DATABASE_DIRECT_URL: needs DATABASE_URL"),
    ({"database_url": "postgresql://h@p/x", "database_direct_url": "mysql://h@db/x"},
     "DATABASE_DIRECT_URL: must start with postgresql://"),
    ({"database_pool_mode": "statement"}, "DATABASE_POOL_MODE: Input should be 'auto', 'session' or 'transaction'"),
])
def test_pool_mode_mistakes_are_one_line_each(values: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(None, **values)
    assert any(line.startswith(f"Configuration error: {message}") for line in caught.value.lines), caught.value.lines
    assert "mysql" not in str(caught.value)  # URLs may carry passwords: never echoed

