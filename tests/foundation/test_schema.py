"""The migrated schema matches the contract (tests/schema_contract.json, a copy of shared/spec/schema.json),
migrations go up, down to base and up again, and the schema's key behaviours hold."""

from __future__ import annotations

import json
import re
from pathlib import Path

import asyncpg
import pytest

from core.migrations import UnknownRevisionError, current_revision, head_revision, run_alembic, upgrade_to_head
from tests.conftest import create_database, drop_database

CONTRACT = json.loads((Path(__file__).resolve().parent.parent / "schema_contract.json").read_text())["tables"]

COLUMNS_SQL = """
SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
       a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS default
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
"""

INDEXES_SQL = """
SELECT t.relname AS table, ix.indisunique AS is_unique, ix.indisprimary AS is_primary,
       pg_get_expr(ix.indpred, ix.indrelid) AS predicate,
       array(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord) AS columns
FROM pg_index ix
JOIN pg_class t ON t.oid = ix.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = 'public'
"""

FOREIGN_KEYS_SQL = """
SELECT src.relname AS table, a.attname AS column, dst.relname AS ref_table, b.attname AS ref_column,
       con.confdeltype::text AS on_delete
FROM pg_constraint con
JOIN pg_class src ON src.oid = con.conrelid
JOIN pg_class dst ON dst.oid = con.confrelid
JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]
JOIN pg_attribute b ON b.attrelid = con.confrelid AND b.attnum = con.confkey[1]
WHERE con.contype = 'f'
"""


def _normalise(expression: str | None) -> str:
    """`'pending'::text` → `'pending'`, `(status = 'active'::text)` → `status = 'active'`."""
    text = re.sub(r"::[a-z ]+(\[\])?", "", (expression or "").lower())
    return text.strip().strip("()").strip()


async def _schema(url: str) -> dict:
    conn = await asyncpg.connect(url)
    try:
        columns = await conn.fetch(COLUMNS_SQL)
        indexes = await conn.fetch(INDEXES_SQL)
        foreign_keys = await conn.fetch(FOREIGN_KEYS_SQL)
    finally:
        await conn.close()
    return {"columns": columns, "indexes": indexes, "foreign_keys": foreign_keys}


def _contract_violations(schema: dict) -> list[str]:
    """Everything in the contract that the database lacks, as readable lines (empty = conforming)."""
    problems: list[str] = []
    columns = {(r["table"], r["column"]): r for r in schema["columns"]}
    indexes: dict[str, list] = {}
    for row in schema["indexes"]:
        indexes.setdefault(row["table"], []).append(row)
    fks = {(r["table"], r["column"]): r for r in schema["foreign_keys"]}
    for table, spec in CONTRACT.items():
        if not any(t == table for t, _ in columns):
            problems.append(f"missing table {table}")
            continue
        for name, col in spec["columns"].items():
            row = columns.get((table, name))
            if row is None:
                problems.append(f"missing column {table}.{name}")
                continue
            wanted_type, default = col["type"], col.get("default")
            if default in ("serial", "bigserial"):
                wanted_type = "integer" if default == "serial" else "bigint"
                if not (row["default"] or "").startswith("nextval("):
                    problems.append(f"{table}.{name} is not {default}")
            elif default is not None and _normalise(row["default"]) != _normalise(default):
                problems.append(f"{table}.{name} default {row['default']!r}, wanted {default!r}")
            allowed = ("integer", "bigint") if wanted_type == "*int" else (wanted_type,)
            if row["type"] not in allowed:
                problems.append(f"{table}.{name} is {row['type']}, wanted {wanted_type}")
            if col["not_null"] and not row["not_null"]:
                problems.append(f"{table}.{name} should be NOT NULL")
        table_indexes = indexes.get(table, [])
        if not any(ix["is_primary"] and list(ix["columns"]) == spec["primary_key"] for ix in table_indexes):
            problems.append(f"{table} primary key is not {spec['primary_key']}")
        for unique in spec["unique"]:
            cols = [c for c in unique if not c.startswith("WHERE ")]
            where = next((c[6:] for c in unique if c.startswith("WHERE ")), None)
            if not any(
                ix["is_unique"] and list(ix["columns"]) == cols and _normalise(ix["predicate"]) == _normalise(where)
                for ix in table_indexes
            ):
                problems.append(f"{table} lacks unique {unique}")
        for index in spec["indexes"]:
            if not any(list(ix["columns"]) == index and ix["predicate"] is None for ix in table_indexes):
                problems.append(f"{table} lacks an index on {index}")
        for fk in spec["foreign_keys"]:
            row = fks.get((table, fk[0]))
            if row is None or (row["ref_table"], row["ref_column"]) != (fk[1], fk[2]):
                problems.append(f"{table}.{fk[0]} lacks its foreign key to {fk[1]}.{fk[2]}")
            elif len(fk) > 3 and fk[3] == "CASCADE" and row["on_delete"] != "c":
                problems.append(f"{table}.{fk[0]} foreign key is not ON DELETE CASCADE")
    return problems


async def test_migrated_schema_matches_the_contract(database_url: str) -> None:
    schema = await _schema(database_url)
    assert len(CONTRACT) == 34
    assert _contract_violations(schema) == []


async def test_contract_check_notices_a_missing_column(database_url: str) -> None:
    schema = await _schema(database_url)
    schema["columns"] = [r for r in schema["columns"] if (r["table"], r["column"]) != ("reminders", "location")]
    assert _contract_violations(schema) == ["missing column reminders.location"]


async def test_every_guild_table_has_guild_id_not_null(database_url: str) -> None:
    schema = await _schema(database_url)
    tables = {r["table"] for r in schema["columns"]} - {"alembic_version"}
    guild_id = {r["table"]: r["not_null"] for r in schema["columns"] if r["column"] == "guild_id"}
    # The documented exceptions: user-level consent/app data, system health, the companion webhooks' replay
    # guard (signature digests, no guild), the installation's own secrets, a person's own time zone, a person's
    # dashboard login (one session spans the servers they manage), a person's data requests (each spans every server).
    user_level = {"terms_acceptance", "app_reflections", "health_check_history", "stripe_events", "companion_replays",
                  "installation_secrets", "user_timezones", "dashboard_sessions", "gdpr_requests"}
    assert sorted(tables - set(guild_id) - user_level) == []
    assert [t for t, not_null in guild_id.items() if not not_null] == []


async def test_upgrade_downgrade_base_upgrade(pg_server) -> None:
    url = await create_database(pg_server, "hearth_roundtrip")
    try:
        assert await upgrade_to_head(url) == head_revision()
        assert _contract_violations(await _schema(url)) == []
        await run_alembic(url, "downgrade", "base")
        assert await current_revision(url) is None
        remaining = {r["table"] for r in (await _schema(url))["columns"]} - {"alembic_version"}
        assert remaining == set()
        assert await upgrade_to_head(url) == head_revision()
        assert _contract_violations(await _schema(url)) == []
    finally:
        await drop_database(pg_server, "hearth_roundtrip")


async def test_upgrade_is_idempotent(database_url: str) -> None:
    assert await upgrade_to_head(database_url) == head_revision()
    assert await current_revision(database_url) == head_revision()


async def test_unknown_revision_is_refused(pg_server) -> None:
    url = await create_database(pg_server, "hearth_future")
    try:
        await upgrade_to_head(url)
        conn = await asyncpg.connect(url)
        await conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
        await conn.close()
        with pytest.raises(UnknownRevisionError, match="9999_from_the_future"):
            await upgrade_to_head(url)
    finally:
        await drop_database(pg_server, "hearth_future")


async def test_one_active_premium_subscription_per_user(clean_db) -> None:
    insert = "INSERT INTO premium_subs (user_id, guild_id, tier, status) VALUES ($1, $2, $3, $4)"
    await clean_db.execute(insert, 1, 10, "monthly", "active")
    await clean_db.execute(insert, 1, 11, "monthly", "expired")  # inactive rows are not limited
    with pytest.raises(asyncpg.UniqueViolationError):
        await clean_db.execute(insert, 1, 12, "yearly", "active")
    await clean_db.execute(insert, 2, 10, "yearly", "active")  # another user may have one
    rows = await clean_db.fetch("SELECT user_id, status FROM premium_subs ORDER BY id")
    assert [tuple(r) for r in rows] == [(1, "active"), (1, "expired"), (2, "active")]


async def test_deleting_a_challenge_deletes_its_participants(clean_db) -> None:
    keep = await clean_db.fetchval("INSERT INTO engagement_challenges (guild_id, title) VALUES (1, 'k') RETURNING id")
    gone = await clean_db.fetchval("INSERT INTO engagement_challenges (guild_id, title) VALUES (1, 'g') RETURNING id")
    await clean_db.executemany(
        "INSERT INTO engagement_participants (guild_id, challenge_id, user_id, message_count) VALUES (1, $1, $2, 3)",
        [(keep, 5), (gone, 5), (gone, 6)],
    )
    await clean_db.execute("DELETE FROM engagement_challenges WHERE id = $1", gone)
    rows = await clean_db.fetch("SELECT challenge_id, user_id FROM engagement_participants")
    assert [tuple(r) for r in rows] == [(keep, 5)]


async def test_jsonb_round_trips_as_python_objects(clean_db) -> None:
    value = {"channels": [1, 2], "enabled": True, "name": "ünï"}
    await clean_db.execute(
        "INSERT INTO bot_settings (guild_id, scope, key, value) VALUES (1, 'system', 'x', $1)", value
    )
    assert await clean_db.fetchval("SELECT value FROM bot_settings") == value


async def test_reset_empties_every_table_but_keeps_the_revision(clean_db, _reset_sql: str) -> None:
    await clean_db.execute("INSERT INTO engagement_challenges (guild_id) VALUES (1)")
    await clean_db.execute(
        "INSERT INTO audit_logs (guild_id, user_id, command_name, command_type) VALUES (1, 2, 'a', 'slash')"
    )
    async with clean_db.acquire() as conn, conn.transaction():
        await conn.execute(_reset_sql)
    counts = await clean_db.fetchval(
        "SELECT (SELECT count(*) FROM engagement_challenges) + (SELECT count(*) FROM audit_logs)"
    )
    assert counts == 0
    assert await clean_db.fetchval("SELECT version_num FROM alembic_version") == head_revision()


async def test_alembic_command_line_takes_the_plain_database_url(pg_server) -> None:
    import asyncio
    import os
    import sys

    from tests.conftest import ROOT

    url = await create_database(pg_server, "hearth_cli_alembic")
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "alembic", "upgrade", "head", cwd=ROOT, env={**os.environ, "DATABASE_URL": url},
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        _, stderr = await process.communicate()
        assert process.returncode == 0, stderr.decode()
        assert await current_revision(url) == head_revision()
    finally:
        await drop_database(pg_server, "hearth_cli_alembic")
