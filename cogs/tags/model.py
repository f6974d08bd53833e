"""What a tag is, for the cog and for other features (re-exported by cogs/tags/api.py): no SQL, no Discord."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Tag:
    """A tag of one guild: its own name (`name`), the name it was asked by (`matched`: the name or an alias), the
    text, who owns it (None: nobody, it may be claimed) and who last set the text (the pings it may make)."""

    id: int
    guild_id: int
    name: str
    matched: str
    content: str
    owner_id: int | None
    created_by: int | None
    content_set_by: int | None
    uses: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> Tag:
        """From a repo row (columns named as the fields, `owned_by` for the owner)."""
        return cls(id=row["id"], guild_id=row["guild_id"], name=row["name"], matched=row["matched"],
                   content=row["content"], owner_id=row["owned_by"], created_by=row["created_by"],
                   content_set_by=row["content_set_by"], uses=row["uses"], created_at=row["created_at"],
                   updated_at=row["updated_at"])


@dataclass(frozen=True)
class TagHit:
    """A search result: the tag and how well it matched (name similarity plus full-text rank; higher is better)."""

    tag: Tag
    score: float
