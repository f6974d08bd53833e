"""SQL of tags. Every query filters by guild_id (only the GDPR queries cover one user across guilds).

A tag's names (its own and its aliases) live in `tag_names`, unique per guild case-insensitively, so one lookup
finds a tag by any of its names; uses are added in batches (`add_uses`, called by `core.use_counts`).
"""

from __future__ import annotations

from datetime import datetime

import asyncpg

from cogs.tags.model import Tag, TagHit
from core.db import Executor, TransactionPool

# How close typed text must be to a tag's name (pg_trgm similarity or word similarity, 0–1): autocomplete offers
# choices to pick from, so it forgives more (a swapped pair of letters, "pyhton", is about 0.28); a search answers
# other features too (tickets, /ask), so it asks for a closer match.
CHOICE_FUZZY = 0.25
SEARCH_FUZZY = 0.3

_TAG = """t.id, t.guild_id, own.name, t.content, t.owned_by, t.created_by, t.content_set_by, t.uses,
          t.created_at, t.updated_at"""
_BY_NAME = """
    SELECT """ + _TAG + """, asked.name AS matched, asked.is_alias
    FROM tag_names asked
    JOIN tags t ON t.id = asked.tag_id AND t.guild_id = asked.guild_id
    JOIN tag_names own ON own.tag_id = t.id AND NOT own.is_alias
    WHERE asked.guild_id = $1 AND lower(asked.name) = lower($2)
"""


async def by_name(conn: Executor, guild_id: int, name: str) -> tuple[Tag, bool] | None:
    """The tag called `name` (its own name or an alias, any case) and whether `name` is an alias; one round trip."""
    row = await conn.fetchrow(_BY_NAME, guild_id, name)
    return (Tag.from_row(row), row["is_alias"]) if row is not None else None


async def create(pool: TransactionPool, guild_id: int, name: str, content: str, by: int, now: datetime) -> int | None:
    """Insert a tag owned by `by` and its name, in one transaction; None when the name is taken (tag or alias)."""
    try:
        async with pool.acquire() as conn, conn.transaction():
            tag_id = await conn.fetchval(
                "INSERT INTO tags (guild_id, content, owned_by, created_by, content_set_by, created_at, updated_at) "
                "VALUES ($1, $2, $3, $3, $3, $4, $4) RETURNING id", guild_id, content, by, now)
            await conn.execute(
                "INSERT INTO tag_names (guild_id, tag_id, name, is_alias, created_by, created_at) "
                "VALUES ($1, $2, $3, false, $4, $5)", guild_id, tag_id, name, by, now)
    except asyncpg.UniqueViolationError:
        return None
    return tag_id


async def add_alias(conn: Executor, guild_id: int, tag_id: int, alias: str, by: int, now: datetime) -> bool:
    """Give a tag of this guild another name; False when the name is taken (or the tag is gone)."""
    try:
        status = await conn.execute(
            "INSERT INTO tag_names (guild_id, tag_id, name, is_alias, created_by, created_at) "
            "SELECT guild_id, id, $3, true, $4, $5 FROM tags WHERE guild_id = $1 AND id = $2",
            guild_id, tag_id, alias, by, now)
    except asyncpg.UniqueViolationError:
        return False
    return status.endswith(" 1")


async def set_content(conn: Executor, guild_id: int, tag_id: int, content: str, by: int, now: datetime) -> bool:
    """Replace a tag's text; `by` becomes the one whose pings it makes."""
    status = await conn.execute(
        "UPDATE tags SET content = $3, content_set_by = $4, updated_at = $5 WHERE guild_id = $1 AND id = $2",
        guild_id, tag_id, content, by, now)
    return status.endswith(" 1")


async def set_owner(conn: Executor, guild_id: int, tag_id: int, owner: int, now: datetime) -> bool:
    """Give a tag to `owner` (transfer or claim)."""
    status = await conn.execute("UPDATE tags SET owned_by = $3, updated_at = $4 WHERE guild_id = $1 AND id = $2",
                                guild_id, tag_id, owner, now)
    return status.endswith(" 1")


async def claim(conn: Executor, guild_id: int, tag_id: int, previous: int | None, owner: int, now: datetime) -> bool:
    """Give a tag to `owner` only if its owner is still `previous` (two members claiming at once: one wins)."""
    status = await conn.execute(
        "UPDATE tags SET owned_by = $4, updated_at = $5 WHERE guild_id = $1 AND id = $2 "
        "AND owned_by IS NOT DISTINCT FROM $3", guild_id, tag_id, previous, owner, now)
    return status.endswith(" 1")


async def delete_tag(conn: Executor, guild_id: int, tag_id: int) -> list[str] | None:
    """Delete a tag and (by cascade) all its names, in one statement; the aliases that went with it, or None when
    there was no such tag."""
    rows = await conn.fetch(
        """WITH names AS (SELECT name FROM tag_names WHERE guild_id = $1 AND tag_id = $2 AND is_alias),
                gone AS (DELETE FROM tags WHERE guild_id = $1 AND id = $2 RETURNING id)
           SELECT (SELECT count(*) FROM gone) AS deleted, names.name
           FROM (SELECT 1) one LEFT JOIN names ON true ORDER BY lower(names.name)""", guild_id, tag_id)
    if not rows or not rows[0]["deleted"]:
        return None
    return [row["name"] for row in rows if row["name"] is not None]


async def delete_alias(conn: Executor, guild_id: int, alias: str) -> bool:
    """Delete one alias (never a tag's own name)."""
    status = await conn.execute("DELETE FROM tag_names WHERE guild_id = $1 AND lower(name) = lower($2) AND is_alias",
                                guild_id, alias)
    return status.endswith(" 1")


async def alias_maker(conn: Executor, guild_id: int, alias: str) -> int | None:
    """Who made an alias (None: unknown, erased, or no such alias)."""
    return await conn.fetchval("SELECT created_by FROM tag_names WHERE guild_id = $1 AND lower(name) = lower($2) "
                               "AND is_alias", guild_id, alias)


async def aliases(conn: Executor, guild_id: int, tag_id: int) -> list[str]:
    """The aliases of a tag, by name."""
    rows = await conn.fetch("SELECT name FROM tag_names WHERE guild_id = $1 AND tag_id = $2 AND is_alias "
                            "ORDER BY lower(name)", guild_id, tag_id)
    return [row["name"] for row in rows]


_LISTING = """
    SELECT """ + _TAG + """, own.name AS matched,
           coalesce((SELECT array_agg(a.name ORDER BY lower(a.name)) FROM tag_names a
                     WHERE a.guild_id = t.guild_id AND a.tag_id = t.id AND a.is_alias), '{}') AS aliases
    FROM tags t JOIN tag_names own ON own.tag_id = t.id AND NOT own.is_alias
    WHERE t.guild_id = $1 AND ($2::bigint IS NULL OR t.id < $2)
    ORDER BY t.id DESC LIMIT $3
"""


async def listing(conn: Executor, guild_id: int, before: int | None, limit: int) -> list[tuple[Tag, list[str]]]:
    """Up to `limit` tags of the guild older than the id `before` (None: the newest), newest first, each with its
    aliases (the /api/v1 paging of core/api_paging.py)."""
    rows = await conn.fetch(_LISTING, guild_id, before, limit)
    return [(Tag.from_row(row), list(row["aliases"])) for row in rows]


async def owned_count(conn: Executor, guild_id: int, user_id: int) -> int:
    """How many tags of the guild a member owns."""
    return await conn.fetchval("SELECT count(*) FROM tags WHERE guild_id = $1 AND owned_by = $2", guild_id, user_id)


async def page(conn: Executor, guild_id: int, owner: int | None, limit: int,
               offset: int) -> tuple[list[tuple[str, int, int | None]], int]:
    """(name, uses, owner) of the guild's tags by name, of one owner when given, and their total."""
    total = await conn.fetchval(
        "SELECT count(*) FROM tags WHERE guild_id = $1 AND ($2::bigint IS NULL OR owned_by = $2)", guild_id, owner)
    rows = await conn.fetch(
        "SELECT own.name, t.uses, t.owned_by FROM tags t JOIN tag_names own ON own.tag_id = t.id AND NOT own.is_alias "
        "WHERE t.guild_id = $1 AND ($2::bigint IS NULL OR t.owned_by = $2) "
        "ORDER BY lower(own.name) LIMIT $3 OFFSET $4", guild_id, owner, limit, offset)
    return [(row["name"], row["uses"], row["owned_by"]) for row in rows], total


# Names (own and aliases) close to what is typed: containing it first (starting with it before), then by trigram
# similarity (whole name) or word similarity (the typed text against the closest part of the name), then by use.
_NAMES = """
    WITH q AS (SELECT lower($2) AS typed)
    SELECT n.name, n.is_alias, own.name AS tag_name
    FROM tag_names n
    JOIN tags t ON t.id = n.tag_id AND t.guild_id = n.guild_id
    JOIN tag_names own ON own.tag_id = t.id AND NOT own.is_alias, q
    WHERE n.guild_id = $1 AND ($4::bigint IS NULL OR t.owned_by = $4 OR (n.is_alias AND n.created_by = $4))
      AND (q.typed = '' OR strpos(lower(n.name), q.typed) > 0 OR similarity(lower(n.name), q.typed) >= $3
           OR word_similarity(q.typed, lower(n.name)) >= $3)
    ORDER BY strpos(lower(n.name), q.typed) = 1 DESC, strpos(lower(n.name), q.typed) > 0 DESC,
             greatest(similarity(lower(n.name), q.typed), word_similarity(q.typed, lower(n.name))) DESC,
             t.uses DESC, lower(n.name)
    LIMIT $5
"""


async def names_like(conn: Executor, guild_id: int, typed: str, limit: int = 25, *,
                     owner: int | None = None) -> list[tuple[str, bool, str]]:
    """(name, is alias, the tag's own name) of the guild's names close to `typed`, best first; with `owner`, only
    the names of that member's tags and the aliases they made."""
    rows = await conn.fetch(_NAMES, guild_id, typed.strip(), CHOICE_FUZZY, owner, limit)
    return [(row["name"], row["is_alias"], row["tag_name"]) for row in rows]


# A tag matches a query by its names (the best trigram or word similarity of any of its names) or by its text
# (full text, any of the words: plainto_tsquery's AND turned into OR); the score adds both.
_SEARCH = """
    WITH q AS (SELECT lower($2) AS typed,
                      replace(plainto_tsquery('english', $2)::text, '&', '|')::tsquery AS words),
    named AS (
        SELECT n.tag_id, max(greatest(similarity(lower(n.name), q.typed), word_similarity(q.typed, lower(n.name)),
                                      CASE WHEN strpos(lower(n.name), q.typed) > 0 THEN 1 ELSE 0 END)) AS fuzzy
        FROM tag_names n, q WHERE n.guild_id = $1 GROUP BY n.tag_id),
    scored AS (
        SELECT """ + _TAG + """, own.name AS matched, named.fuzzy,
               CASE WHEN numnode(q.words) > 0 AND t.search_vector @@ q.words
                    THEN ts_rank_cd(t.search_vector, q.words, 32) ELSE 0 END AS text_rank
        FROM tags t
        JOIN tag_names own ON own.tag_id = t.id AND NOT own.is_alias
        JOIN named ON named.tag_id = t.id, q
        WHERE t.guild_id = $1)
    SELECT * FROM scored WHERE fuzzy >= $3 OR text_rank > 0
    ORDER BY fuzzy + text_rank DESC, uses DESC, lower(name)
    LIMIT $4
"""


async def search(conn: Executor, guild_id: int, query: str, limit: int) -> list[TagHit]:
    """The guild's tags matching `query` by name (typo-tolerant) or by text, best first."""
    if not query.strip():
        return []
    rows = await conn.fetch(_SEARCH, guild_id, query.strip(), SEARCH_FUZZY, limit)
    return [TagHit(Tag.from_row(row), float(row["fuzzy"]) + float(row["text_rank"])) for row in rows]


async def add_uses(conn: Executor, rows: list[tuple[int, int, int]]) -> None:
    """Add (guild, tag id, uses) counts in one set-based statement (a deleted tag's uses are dropped)."""
    if not rows:
        return
    guilds, ids, counts = (list(column) for column in zip(*rows, strict=True))
    await conn.execute(
        """UPDATE tags t SET uses = t.uses + b.n
           FROM unnest($1::bigint[], $2::bigint[], $3::int[]) AS b(g, id, n)
           WHERE t.guild_id = b.g AND t.id = b.id""", guilds, ids, counts)


async def forget_person(conn: Executor, user_id: int) -> dict[str, int]:
    """GDPR erasure (every guild): the user no longer owns, created or last wrote any tag, nor made any alias; the
    tags stay the server's (ownerless tags may be claimed). Rows changed per table."""
    status = await conn.execute(
        "UPDATE tags SET owned_by = CASE WHEN owned_by = $1 THEN NULL ELSE owned_by END, "
        "created_by = CASE WHEN created_by = $1 THEN NULL ELSE created_by END, "
        "content_set_by = CASE WHEN content_set_by = $1 THEN NULL ELSE content_set_by END "
        "WHERE owned_by = $1 OR created_by = $1 OR content_set_by = $1", user_id)
    names = await conn.execute("UPDATE tag_names SET created_by = NULL WHERE created_by = $1", user_id)
    return {"tags": int(status.split()[-1]), "tag_names": int(names.split()[-1])}
