"""Every user column a GDPR module finds users by is indexed (an index whose first column it is), so
/export_my_data and /delete_my_data never scan a whole table, however large the tables grow."""

from __future__ import annotations

from core.gdpr import covered_columns
from tests.hearth_harness import Hearth

FIRST_COLUMNS = """
    SELECT t.relname AS table_name, a.attname AS column_name
    FROM pg_index ix
    JOIN pg_class t ON t.oid = ix.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ix.indkey[0]
    WHERE n.nspname = 'public'
"""


async def test_every_gdpr_lookup_column_leads_an_index(hearth: Hearth) -> None:
    indexed = {(row["table_name"], row["column_name"]) for row in await hearth.db.fetch(FIRST_COLUMNS)}
    wanted = {(table, column) for table, columns in covered_columns().items() for column in columns}
    assert sorted(wanted - indexed) == [], "add an index (in a migration) for each of these GDPR lookups"


async def test_the_planner_uses_them(hearth: Hearth) -> None:
    """Partial indexes (staff columns: WHERE … IS NOT NULL) must still serve `column = $1`."""
    not_used = []
    async with hearth.db.acquire() as conn, conn.transaction():
        await conn.execute("SET LOCAL enable_seqscan = off")
        for table, columns in sorted(covered_columns().items()):
            for column in sorted(columns):
                plan = "\n".join(row[0] for row in await conn.fetch(
                    "EXPLAIN SELECT * FROM " + table + " WHERE " + column + " = 424242"))
                if "Index" not in plan:
                    not_used.append(f"{table}.{column}: {plan}")
    assert not_used == []
