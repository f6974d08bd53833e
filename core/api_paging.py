"""Paging of the HTTP API's lists, one convention for every `/api/v1` list route.

A list route takes `?limit=` (1–100, default 50) and `?before=` (a cursor: the `next` of the previous page) and
answers `{"items": [...], "next": "<cursor>" | null}`, newest first. The repo query asks for `limit + 1` rows with
`id < before` ordered by id descending; `paged` keeps `limit` of them and makes the next cursor from the last one
kept when there were more:

    async def route(guild_id: int, key: ..., page: Annotated[PageRequest, Depends(page_request)]) -> dict:
        rows = await repo.cases_page(pool, guild_id, page.before, page.limit + 1)
        return paged([case_json(row) for row in rows], page, cursor=lambda item: item["id"])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Query

DEFAULT_LIMIT = 50
MAX_LIMIT = 100


@dataclass(frozen=True)
class PageRequest:
    """Which page a list route was asked for: at most `limit` items older than the cursor `before`."""

    limit: int
    before: int | None


def page_request(limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page (1-100)")]
                 = DEFAULT_LIMIT,
                 before: Annotated[int | None, Query(ge=1, description="The `next` cursor of the previous page")]
                 = None) -> PageRequest:
    """The FastAPI dependency of a list route: its validated `limit` and `before`."""
    return PageRequest(limit, before)


def paged(items: Sequence[dict[str, Any]], page: PageRequest,
          cursor: Callable[[dict[str, Any]], int | str]) -> dict[str, Any]:
    """The answer of a list route from up to `page.limit + 1` items (the extra one only says there is more)."""
    kept = list(items[:page.limit])
    more = len(items) > page.limit and kept
    return {"items": kept, "next": str(cursor(kept[-1])) if more else None}
