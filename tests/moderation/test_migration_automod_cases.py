"""Migration 0017_automod_cases on a database with automod history: the actions that took effect become cases
numbered after the guild's existing ones, in the order they happened, an approved appeal closes its action, and
the downgrade removes exactly those cases."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import asyncpg

from core.migrations import run_alembic
from tests.conftest import create_database, drop_database

GUILD, OTHER = 100, 200
AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


async def seed_history(conn: asyncpg.Connection) -> dict[str, int]:
    """Automod's log as an older Hearth left it, plus one case made by /warn since moderation arrived."""
    rule = await conn.fetchval("INSERT INTO automod_rules (guild_id, rule_type, name, config) "
                               "VALUES ($1, 'spam', 'No spam', '{}') RETURNING id", GUILD)
    await conn.execute("INSERT INTO moderation_case_counters (guild_id, last_number) VALUES ($1, 1)", GUILD)
    await conn.execute("INSERT INTO moderation_cases (guild_id, number, type, target_id, moderator_id, reason, "
                       "created_at) VALUES ($1, 1, 'warn', 7, 9, 'by hand', $2)", GUILD, AT)

    async def log(action: str, context: dict | None, *, minute: int, guild: int = GUILD, points: float = 0,
                  message: int | None = None, appeal: str = "none") -> int:
        return await conn.fetchval(
            """INSERT INTO automod_logs (guild_id, user_id, message_id, channel_id, rule_id, action_taken,
                                         message_content, context, points, "timestamp", appeal_status,
                                         appeal_reason, appeal_decided_by, appeal_decided_at)
               VALUES ($1, 5, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12, $13) RETURNING id""",
            guild, message, 55 if message else None, rule, action, "buy cheap stuff" if message else None,
            json.dumps(context) if context is not None else None, points, AT.replace(minute=minute), appeal,
            "it was a joke" if appeal == "approved" else None, 9 if appeal == "approved" else None,
            AT.replace(minute=minute + 30) if appeal == "approved" else None)

    return {
        # minute 20, appealed and approved at minute 50: the timeout and its reversal become cases
        "timeout": await log("timeout 10m", {"kind": "timeout", "duration": 600, "reason": "flood",
                                             "rule_name": "No spam"}, minute=20, points=2, message=31,
                             appeal="approved"),
        "warn": await log("warn", {"kind": "warn", "reason": "link"}, minute=10, points=1.5, message=30),
        "removed": await log("warn", {"kind": "warn", "reason": "fp", "points_removed": True}, minute=40, points=1),
        "ban": await log("ban", None, minute=45, guild=OTHER),
        "delete": await log("delete", {"kind": "delete"}, minute=5),
        "failed": await log("ban (failed)", {"kind": "ban"}, minute=6),
        "manual": await log("warn (manual)", {"kind": "warn", "case": None}, minute=7, points=1),
        "cased": await log("warn", {"kind": "warn", "case": 1}, minute=8),
    }


async def test_history_becomes_cases_and_the_downgrade_removes_them(pg_server) -> None:
    url = await create_database(pg_server, "hearth_automod_cases")
    try:
        await run_alembic(url, "upgrade", "0016_channel_locks")
        conn = await asyncpg.connect(url)
        try:
            logs = await seed_history(conn)
        finally:
            await conn.close()
        await run_alembic(url, "upgrade", "0017_automod_cases")
        conn = await asyncpg.connect(url)
        try:
            rows = await conn.fetch("SELECT guild_id, number, type, target_id, moderator_id, automod_rule, reason, "
                                    "duration_seconds, expires_at, points, evidence, linked_case, created_at "
                                    "FROM moderation_cases ORDER BY guild_id, number")
            summary = [(r["guild_id"], r["number"], r["type"], r["moderator_id"], r["automod_rule"], r["reason"],
                        r["linked_case"], float(r["points"])) for r in rows]
            assert summary == [
                (GUILD, 1, "warn", 9, None, "by hand", None, 0.0),
                (GUILD, 2, "warn", None, "No spam", "link", None, 1.5),
                (GUILD, 3, "timeout", None, "No spam", "flood", None, 2.0),
                (GUILD, 4, "warn", None, "No spam", "fp", None, 0.0),  # its points were taken back
                (GUILD, 5, "untimeout", 9, None, "Appeal approved: it was a joke", 3, 0.0),
                (OTHER, 1, "ban", None, "No spam", "ban", None, 0.0),
            ]
            timeout = rows[2]
            assert timeout["duration_seconds"] == 600
            assert timeout["expires_at"] == AT.replace(minute=30)
            assert timeout["created_at"] == AT.replace(minute=20)
            assert json.loads(timeout["evidence"]) == {"message_id": 31, "channel_id": 55, "author_id": 5,
                                                       "content": "buy cheap stuff", "attachments": []}
            assert rows[4]["created_at"] == AT.replace(minute=50)
            counters = await conn.fetch("SELECT guild_id, last_number FROM moderation_case_counters ORDER BY 1")
            assert [tuple(r) for r in counters] == [(GUILD, 5), (OTHER, 1)]
            contexts = {r["id"]: json.loads(r["context"]) if r["context"] else None
                        for r in await conn.fetch("SELECT id, context FROM automod_logs")}
            assert contexts[logs["timeout"]]["case"] == 3 and contexts[logs["timeout"]]["reversal_case"] == 5
            assert contexts[logs["ban"]] == {"case": 1, "case_migrated": True}
            assert contexts[logs["manual"]]["case"] is None  # left alone
            assert "case_migrated" not in contexts[logs["cased"]]
        finally:
            await conn.close()

        await run_alembic(url, "downgrade", "0016_channel_locks")
        conn = await asyncpg.connect(url)
        try:
            left = await conn.fetch("SELECT guild_id, number, reason FROM moderation_cases")
            assert [tuple(r) for r in left] == [(GUILD, 1, "by hand")]
            counters = await conn.fetch("SELECT guild_id, last_number FROM moderation_case_counters")
            assert [tuple(r) for r in counters] == [(GUILD, 1)]
            ban_context = await conn.fetchval("SELECT context FROM automod_logs WHERE id = $1", logs["ban"])
            assert json.loads(ban_context) == {}
            timeout_context = json.loads(await conn.fetchval("SELECT context FROM automod_logs WHERE id = $1",
                                                             logs["timeout"]))
            assert timeout_context == {"kind": "timeout", "duration": 600, "reason": "flood", "rule_name": "No spam"}
        finally:
            await conn.close()
    finally:
        await drop_database(pg_server, "hearth_automod_cases")
