"""Features meet through public APIs, never through each other's tables (docs/architecture.md).

Every table created in migrations/versions has exactly one owner, declared once in the owner's `tables.py`
(`cogs/<feature>/tables.py`, `gpt/tables.py`, `core/tables.py` for the shared layer: core/ and utils/). No module
names another owner's table in its SQL (string literals after FROM, JOIN, INTO, UPDATE, TABLE, COPY) or hands it
to a table helper (`rows_of`, `delete_rows`, `LogTable`, `copy_records_to_table` …). A feature's GDPR module
answers for its own tables only; for a layer below the cogs (gpt, core) a cog's GDPR module may re-export the
layer's own GDPR part, so the SQL still lives with the owner.
"""

from __future__ import annotations

import ast
import importlib
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("cogs", "gpt", "core", "utils")
LAYER_GDPR = {"gpt": "gpt.gdpr", "core": "core.settings_gdpr"}  # a layer's GDPR part, answered by a cog's module
_CREATED = re.compile(r"CREATE TABLE (?:IF NOT EXISTS )?([a-z_][a-z0-9_]*)", re.IGNORECASE)
_NAMED_IN_SQL = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE|TABLE|COPY)\s+(?:ONLY\s+|IF\s+(?:NOT\s+)?EXISTS\s+)?"
                           r"([a-z_][a-z0-9_]*)", re.IGNORECASE)
# Helpers that take a table's name as an argument (core/gdpr.py, core/retention.py, asyncpg's COPY).
_TABLE_HELPERS = {"rows_of", "staff_rows", "delete_rows", "forget_user", "LogTable", "copy_records_to_table",
                  "copy_to_table", "copy_from_table"}


def migration_tables() -> set[str]:
    """Every table a migration creates."""
    found: set[str] = set()
    for path in (ROOT / "migrations" / "versions").glob("*.py"):
        found |= {name.lower() for name in _CREATED.findall(path.read_text())}
    return found


def declarations() -> dict[str, tuple[str, ...]]:
    """Owner → the tables its `tables.py` declares (owners: cog package names, `gpt`, `core`)."""
    found: dict[str, tuple[str, ...]] = {}
    for path in sorted([*(ROOT / "cogs").glob("*/tables.py"), ROOT / "gpt" / "tables.py", ROOT / "core" / "tables.py"]):
        if not path.exists():
            continue
        owner = path.parent.name
        module = importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
        found[owner] = tuple(module.TABLES)
    return found


def owner_of_path(relative: Path) -> str:
    """Whose code a module is: `cogs/<feature>/…` → the feature; gpt/ → gpt; core/ and utils/ → core."""
    top = relative.parts[0]
    if top == "cogs":
        return relative.parts[1] if len(relative.parts) > 2 else "core"  # cogs/__init__.py: the package itself
    return "gpt" if top == "gpt" else "core"


def _call_name(node: ast.Call) -> str | None:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def named_tables(source: str, tables: set[str]) -> set[str]:
    """The known tables a module's code names: in SQL string literals, or as a table helper's argument, or as a
    key of a module-level `TABLES` (a GDPR module's list)."""
    found: set[str] = set()
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found |= {name.lower() for name in _NAMED_IN_SQL.findall(node.value)} & tables
        elif isinstance(node, ast.Call) and _call_name(node) in _TABLE_HELPERS:
            found |= {arg.value for arg in node.args if isinstance(arg, ast.Constant) and arg.value in tables}
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "TABLES" for t in node.targets):
            for inner in ast.walk(node.value):
                if isinstance(inner, ast.Constant) and inner.value in tables:
                    found.add(inner.value)
    return found


def modules() -> Iterator[Path]:
    """Every production module of the scanned floors."""
    for top in SCANNED:
        yield from sorted((ROOT / top).rglob("*.py"))


def violations(owner_of: dict[str, str]) -> set[tuple[str, str]]:
    """(module, table) where a module names a table someone else owns."""
    tables = set(owner_of)
    found = set()
    for path in modules():
        relative = path.relative_to(ROOT)
        mine = owner_of_path(relative)
        for table in named_tables(path.read_text(), tables):
            if owner_of[table] != mine:
                found.add((relative.as_posix(), table))
    return found


def _owner_of() -> dict[str, str]:
    return {table: owner for owner, names in declarations().items() for table in names}


def test_every_migration_table_has_exactly_one_owner() -> None:
    created = migration_tables()
    claims: dict[str, list[str]] = {}
    for owner, names in declarations().items():
        assert len(names) == len(set(names)), f"{owner}/tables.py lists a table twice"
        for name in names:
            claims.setdefault(name, []).append(owner)
    assert not sorted(created - set(claims)), "tables without an owner (declare them in the owner's tables.py)"
    assert {t: o for t, o in claims.items() if len(o) > 1} == {}, "tables with more than one owner"
    assert sorted(set(claims) - created) == [], "declared tables no migration creates"


def test_no_module_names_another_owners_table() -> None:
    assert sorted(violations(_owner_of())) == []


def test_gdpr_modules_answer_for_their_own_tables() -> None:
    owner_of = _owner_of()
    for path in sorted((ROOT / "cogs").glob("*/gdpr.py")):
        feature = path.parent.name
        module = importlib.import_module(f"cogs.{feature}.gdpr")
        for table in module.TABLES:
            owner = owner_of[table]
            if owner == feature:
                continue
            assert owner in LAYER_GDPR, f"cogs/{feature}/gdpr.py answers for {table}, which is {owner}'s"
            # A layer's tables: the cog's module must hand over the layer's own GDPR part, not its own SQL.
            assert module.TABLES is importlib.import_module(LAYER_GDPR[owner]).TABLES, \
                f"cogs/{feature}/gdpr.py answers for {owner}'s {table} with its own code"


# --- the scan itself: it catches each way features used to reach into each other's tables -------------------


def test_the_scan_finds_tables_in_sql_helpers_and_gdpr_lists() -> None:
    tables = {"faq_entries", "app_reflections", "gdpr_acceptance", "audit_logs", "support_tickets"}
    samples = {
        # cogs/tickets/repo.py: its own copy of the FAQ search
        '_FAQ_MATCH = """\n    WITH q AS (SELECT 1)\n    SELECT e.id FROM faq_entries e, q WHERE e.guild_id = $1\n"""':
            {"faq_entries"},
        # gpt/repo.py: the companion's reflections for growth
        '_RECENT = """\n    SELECT plaintext_content, created_at FROM app_reflections\n    WHERE user_id = $1\n"""':
            {"app_reflections"},
        # core/gdpr.py: the gdpr cog's acceptance
        '_ACCEPTED = "SELECT accepted = 1 FROM gdpr_acceptance WHERE guild_id = $1 AND user_id = $2"':
            {"gdpr_acceptance"},
        # cogs/health/repo.py: the audit log
        'async def f(pool):\n    return await pool.fetchval("SELECT count(*) FROM audit_logs WHERE created_at >= $1")':
            {"audit_logs"},
        'await pool.copy_records_to_table("audit_logs", records=[])': {"audit_logs"},
        'rows = await rows_of(conn, "support_tickets", "user_id", 1)': {"support_tickets"},
        'TABLES = {"gdpr_acceptance": ("user_id",)}': {"gdpr_acceptance"},
        'INSERT = "INSERT INTO faq_entries (guild_id) VALUES ($1)"': {"faq_entries"},
        'U = "UPDATE support_tickets SET status = $2 JOIN audit_logs a ON true"': {"support_tickets", "audit_logs"},
        # not SQL: a setting scope or a sentence that happens to hold a table-like word
        'x = guild_settings.get(1, "faq_entries", "key"); y = "taken from the faq"': set(),
    }
    for source, expected in samples.items():
        assert named_tables(source, tables) == expected, source


def test_module_owners() -> None:
    assert owner_of_path(Path("cogs/tickets/opening.py")) == "tickets"
    assert owner_of_path(Path("cogs/tickets/tickets/deep.py")) == "tickets"
    assert owner_of_path(Path("gpt/repo.py")) == "gpt"
    assert owner_of_path(Path("core/timers/repo.py")) == "core"
    assert owner_of_path(Path("utils/clock.py")) == "core"
