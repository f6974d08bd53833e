"""SQL of the FAQ. Every query is scoped to one guild."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.db import Executor

_COLUMNS = "id, guild_id, title, summary, keywords, created_at, created_by, updated_at, updated_by"


@dataclass
class Entry:
    """A row of `faq_entries` (the answer is the `summary` column of the reference schema)."""

    id: int
    guild_id: int
    title: str
    summary: str
    keywords: list[str] | None
    created_at: datetime | None
    created_by: int | None
    updated_at: datetime | None
    updated_by: int | None

    @property
    def answer(self) -> str:
        return self.summary or ""


@dataclass
class Hit:
    """A search result with its scores."""

    entry: Entry
    text_rank: float
    fuzzy: float

    @property
    def score(self) -> float:
        return self.text_rank + self.fuzzy


def _entry(row: Any) -> Entry | None:
    return Entry(**{k: row[k] for k in Entry.__dataclass_fields__}) if row is not None else None


async def add(conn: Executor, guild_id: int, title: str, answer: str, keywords: list[str], by: int | None,
              now: datetime) -> Entry:
    """Insert an entry."""
    row = await conn.fetchrow(
        "INSERT INTO faq_entries (guild_id, title, summary, keywords, created_by, created_at, updated_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING " + _COLUMNS, guild_id, title, answer, keywords, by, now)
    return _entry(row)


async def get(conn: Executor, guild_id: int, entry_id: int) -> Entry | None:
    """One entry of this guild."""
    return _entry(await conn.fetchrow("SELECT " + _COLUMNS + " FROM faq_entries WHERE guild_id = $1 AND id = $2",
                                      guild_id, entry_id))


async def edit(conn: Executor, guild_id: int, entry_id: int, title: str | None, answer: str | None,
               keywords: list[str] | None, by: int, now: datetime) -> Entry | None:
    """Change the given parts of an entry of this guild; None if there is no such entry here."""
    row = await conn.fetchrow(
        "UPDATE faq_entries SET title = coalesce($3, title), summary = coalesce($4, summary), "
        "keywords = coalesce($5, keywords), updated_by = $6, updated_at = $7 "
        "WHERE guild_id = $1 AND id = $2 RETURNING " + _COLUMNS,
        guild_id, entry_id, title, answer, keywords, by, now)
    return _entry(row)


async def remove(conn: Executor, guild_id: int, entry_id: int) -> Entry | None:
    """Delete an entry of this guild; returns it, or None if there was none."""
    return _entry(await conn.fetchrow("DELETE FROM faq_entries WHERE guild_id = $1 AND id = $2 RETURNING " + _COLUMNS,
                                      guild_id, entry_id))


async def page(conn: Executor, guild_id: int, limit: int, offset: int) -> tuple[list[Entry], int]:
    """A page of the guild's entries (by title) and their total."""
    total = await conn.fetchval("SELECT count(*) FROM faq_entries WHERE guild_id = $1", guild_id)
    rows = await conn.fetch("SELECT " + _COLUMNS + " FROM faq_entries WHERE guild_id = $1 "
                            "ORDER BY lower(title), id LIMIT $2 OFFSET $3", guild_id, limit, offset)
    return [_entry(row) for row in rows], total  # type: ignore[misc]


async def titles(conn: Executor, guild_id: int, text: str, limit: int = 25) -> list[tuple[int, str]]:
    """(id, title) of entries whose title contains `text` or whose id is `text`, for autocomplete."""
    rows = await conn.fetch(
        "SELECT id, title FROM faq_entries WHERE guild_id = $1 AND (strpos(lower(title), lower($2)) > 0 "
        "OR id::text = $2) ORDER BY lower(title) LIMIT $3", guild_id, text, limit)
    return [(row["id"], row["title"]) for row in rows]


# Full-text ranking (title weighs most, then keywords, then the answer; ts_rank_cd normalised to 0..1 by
# flag 32) plus trigram word similarity of the query to title + keywords, so "pasword" still finds "password".
_SEARCH = """
    WITH q AS (SELECT to_tsquery('english', $2) AS tsq, lower($3) AS raw),
    scored AS (
        SELECT """ + ", ".join("e." + c.strip() for c in _COLUMNS.split(",")) + """,
               CASE WHEN e.search_vector @@ q.tsq THEN ts_rank_cd(e.search_vector, q.tsq, 32) ELSE 0 END
                   AS text_rank,
               word_similarity(q.raw, e.search_text) AS fuzzy
        FROM faq_entries e, q
        WHERE e.guild_id = $1 AND (e.search_vector @@ q.tsq OR q.raw <% e.search_text
                                   OR word_similarity(q.raw, e.search_text) >= $4))
    SELECT * FROM scored WHERE text_rank > 0 OR fuzzy >= $4
    ORDER BY text_rank + fuzzy DESC, id
    LIMIT $5
"""


async def search(conn: Executor, guild_id: int, tsquery: str, raw: str, min_similarity: float, limit: int) -> list[Hit]:
    """The guild's entries matching the query, best first."""
    rows = await conn.fetch(_SEARCH, guild_id, tsquery, raw, min_similarity, limit)
    return [Hit(_entry(row), float(row["text_rank"]), float(row["fuzzy"])) for row in rows]  # type: ignore[arg-type]


async def log_search(conn: Executor, guild_id: int, user_id: int, query: str, results: int, top_entry_id: int | None,
                     now: datetime) -> None:
    """Record one search (every search is logged, also those with no result)."""
    await conn.execute(
        "INSERT INTO faq_search_logs (guild_id, user_id, query, results_count, top_entry_id, searched_at) "
        "VALUES ($1, $2, $3, $4, $5, $6)", guild_id, user_id, query, results, top_entry_id, now)


async def top_queries(conn: Executor, guild_id: int, since: datetime | None, limit: int = 10,
                      *, unanswered: bool = False) -> list[tuple[str, int]]:
    """The most frequent queries (lowercased, trimmed) since `since`; only those without result if `unanswered`."""
    rows = await conn.fetch(
        "SELECT lower(btrim(query)) AS q, count(*) AS n FROM faq_search_logs "
        "WHERE guild_id = $1 AND ($2::timestamptz IS NULL OR searched_at >= $2) "
        "AND (NOT $3 OR results_count = 0) GROUP BY 1 ORDER BY n DESC, q LIMIT $4",
        guild_id, since, unanswered, limit)
    return [(row["q"], row["n"]) for row in rows]


async def search_totals(conn: Executor, guild_id: int, since: datetime | None) -> tuple[int, int]:
    """(searches, searches without result) since `since`."""
    row = await conn.fetchrow(
        "SELECT count(*) AS total, count(*) FILTER (WHERE results_count = 0) AS empty FROM faq_search_logs "
        "WHERE guild_id = $1 AND ($2::timestamptz IS NULL OR searched_at >= $2)", guild_id, since)
    return row["total"], row["empty"]


async def erase_user(conn: Executor, guild_id: int, user_id: int) -> int:
    """Forget one member's searches in the guild (GDPR erasure); returns how many rows went."""
    status = await conn.execute("DELETE FROM faq_search_logs WHERE guild_id = $1 AND user_id = $2", guild_id, user_id)
    return int(status.split()[-1])


async def all_entries(conn: Executor, guild_id: int) -> list[Entry]:
    """Every entry of the guild, by id (for `/faq export`)."""
    rows = await conn.fetch("SELECT " + _COLUMNS + " FROM faq_entries WHERE guild_id = $1 ORDER BY id", guild_id)
    return [_entry(row) for row in rows]  # type: ignore[misc]


async def upsert_by_title(conn: Executor, guild_id: int, title: str, answer: str, keywords: list[str], by: int,
                          now: datetime) -> bool:
    """Replace the answer and keywords of the guild's entry with this title (any case), or add it; True if added.
    Call it inside the import's transaction."""
    status = await conn.execute(
        "UPDATE faq_entries SET title = $2, summary = $3, keywords = $4, updated_by = $5, updated_at = $6 "
        "WHERE guild_id = $1 AND lower(title) = lower($2)", guild_id, title, answer, keywords, by, now)
    if int(status.split()[-1]):
        return False
    await add(conn, guild_id, title, answer, keywords, by, now)
    return True
