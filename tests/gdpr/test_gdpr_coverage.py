"""GDPR completeness, found from the database itself: every user column of every table must be declared by a
feature's GDPR module (cogs/<feature>/gdpr.py), every table with a user column is seeded with one user, the
export must contain every such table, and after erasure no row identifies the user except in the tables a
feature keeps on purpose (and says why) — with only the GDPR cog loaded, since erasure must not depend on which
cogs are loaded."""

from __future__ import annotations

import pytest

from core.gdpr import covered_columns, erase_everything, export_everything
from tests.hearth_harness import Hearth

USER = 424_242_424_242_424_242
# Tables with a user column that no feature writes yet (none today; a new one must join the GDPR protocol).
NOT_YET_WRITTEN: set[str] = set()

USER_COLUMNS = r"""
    SELECT table_name, column_name FROM information_schema.columns
    WHERE table_schema = 'public' AND data_type = 'bigint'
      AND (column_name = 'user_id' OR column_name LIKE '%\_by' OR column_name LIKE '%\_user\_id'
           OR column_name IN ('moderator_id', 'winner_id', 'author_id', 'member_id', 'opener_id', 'reviewer_id'))
    ORDER BY table_name, column_name
"""
REQUIRED_COLUMNS = """
    SELECT table_name, column_name, data_type, udt_name FROM information_schema.columns
    WHERE table_schema = 'public' AND is_nullable = 'NO' AND column_default IS NULL
"""
FOREIGN_KEYS = """
    SELECT src.relname AS table_name, a.attname AS column_name, dst.relname AS ref_table
    FROM pg_constraint con
    JOIN pg_class src ON src.oid = con.conrelid JOIN pg_class dst ON dst.oid = con.confrelid
    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]
    WHERE con.contype = 'f'
"""
SAMPLE = {"bigint": 1, "integer": 1, "text": "x", "jsonb": {}, "boolean": False, "date": "2026-01-01",
          "timestamp with time zone": "2026-01-01T00:00:00+00:00", "timestamp without time zone": "2026-01-01T00:00",
          "time without time zone": "12:00", "ARRAY": [], "uuid": "00000000-0000-0000-0000-000000000001"}
# Required columns whose CHECK accepts only some values: a value it accepts.
ALLOWED = {("command_rules", "target_type"): "member"}
CASTS = {"date": "::text::date", "timestamp with time zone": "::text::timestamptz",
         "timestamp without time zone": "::text::timestamp", "time without time zone": "::text::time",
         "ARRAY": "::text[]", "uuid": "::text::uuid"}


async def _user_tables(db) -> dict[str, list[str]]:
    tables: dict[str, list[str]] = {}
    for row in await db.fetch(USER_COLUMNS):
        tables.setdefault(row["table_name"], []).append(row["column_name"])
    return tables


async def _seed(db, tables: dict[str, list[str]]) -> None:
    """One row per table, the user in every user column; parents first so foreign keys resolve."""
    required: dict[str, dict[str, str]] = {}
    for row in await db.fetch(REQUIRED_COLUMNS):
        required.setdefault(row["table_name"], {})[row["column_name"]] = row["data_type"]
    parents = {(r["table_name"], r["column_name"]): r["ref_table"] for r in await db.fetch(FOREIGN_KEYS)}
    seeded: dict[str, int] = {}
    order = sorted(tables, key=lambda t: any(src == t for (src, _), _ in parents.items()))
    for table in order:
        columns = dict(required.get(table, {}))
        for column in tables[table]:
            columns[column] = "bigint"
        names, values, casts = [], [], []
        for column, kind in columns.items():
            parent = parents.get((table, column))
            if parent is not None:
                if parent not in seeded:  # the parent's required columns too (e.g. a weekly award's dates)
                    needed = dict(required.get(parent, {})) or {"guild_id": "bigint"}
                    placeholders = ", ".join(f"${i}{CASTS.get(kind, '')}" for i, kind in enumerate(needed.values(), 1))
                    seeded[parent] = await db.fetchval(
                        "INSERT INTO " + parent + " (" + ", ".join(needed) + ") VALUES (" + placeholders
                        + ") RETURNING id", *(SAMPLE[kind] for kind in needed.values()))
                value = seeded[parent]
            elif column in tables[table]:
                value = USER
            else:
                value = ALLOWED.get((table, column), SAMPLE[kind])
            names.append(column)
            values.append(value)
            casts.append(CASTS.get(kind, ""))
        placeholders = ", ".join(f"${i}{cast}" for i, cast in enumerate(casts, start=1))
        row_id = await db.fetchval("INSERT INTO " + table + " (" + ", ".join(names) + ") VALUES (" + placeholders
                                   + ") RETURNING *", *values)
        seeded.setdefault(table, row_id)


async def test_every_user_column_is_declared_by_a_gdpr_module(hearth: Hearth) -> None:
    tables = await _user_tables(hearth.db)
    covered = covered_columns()
    missing = sorted(f"{table}.{column}" for table, columns in tables.items() for column in columns
                     if table not in NOT_YET_WRITTEN and column not in covered.get(table, set()))
    assert missing == [], f"user columns that no cogs/<feature>/gdpr.py declares (TABLES) and handles: {missing}"


@pytest.mark.parametrize("loaded", [None, ["gdpr"]], ids=["all cogs", "only the gdpr cog"])
@pytest.mark.parametrize("phase", ["export", "erase"])
async def test_every_user_table_is_exported_and_erased(hearth: Hearth, phase: str, loaded: list[str] | None) -> None:
    if loaded is not None:
        await hearth.restart(cogs=loaded)
    tables = await _user_tables(hearth.db)
    await _seed(hearth.db, {t: c for t, c in tables.items() if t not in NOT_YET_WRITTEN})
    if phase == "export":
        data, missing = await export_everything(hearth.bot, hearth.db, USER)
        assert missing == []
        exported = {table for tables_of_feature in data.values() for table, rows in tables_of_feature.items() if rows}
        assert sorted(set(tables) - NOT_YET_WRITTEN - exported) == []
        return
    erasure = await erase_everything(hearth.bot, hearth.db, USER)
    assert erasure.committed and erasure.not_erased == []
    left = []
    for table, columns in tables.items():
        for column in columns:
            count = await hearth.db.fetchval("SELECT count(*) FROM " + table + " WHERE " + column + " = $1", USER)
            if count and table not in erasure.report.kept:
                left.append(f"{table}.{column}: {count}")
    assert left == []
    # Documented in docs/gdpr.md: payment records and consent (the law), the AI usage count (pseudonymous).
    assert set(erasure.report.kept) == {"premium_subs", "terms_acceptance", "premium_checkouts", "gpt_usage_erased"}
