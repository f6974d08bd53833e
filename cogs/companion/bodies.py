"""The companion webhooks' request bodies, typed strictly: a wrong JSON type, a value out of range or an unknown
field is refused with a message naming the field, before anything touches the database.

- `user_id`: a JSON integer (not a boolean, not a float, not text) from 1 to 2^63 − 1 (a Discord id, a bigint);
- `reflection_id`: text, 1–200 characters, not blank;
- `content` (uploads only): a JSON object that PostgreSQL's jsonb can hold (no NUL character, no lone
  surrogate, no number too large for a float).
"""

from __future__ import annotations

import json
import math
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

BIGINT_MAX = 2**63 - 1
REFLECTION_ID_MAX = 200


class RevokeBody(BaseModel):
    """`POST /webhooks/revoke-reflection`."""

    model_config = ConfigDict(strict=True, extra="forbid")

    user_id: int = Field(ge=1, le=BIGINT_MAX)
    reflection_id: str = Field(min_length=1, max_length=REFLECTION_ID_MAX)

    @field_validator("reflection_id")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value


class ReflectionBody(RevokeBody):
    """`POST /webhooks/app-reflections`."""

    content: dict[str, Any]

    @field_validator("content")
    @classmethod
    def _storable(cls, value: dict[str, Any]) -> dict[str, Any]:
        problem = jsonb_problem(value)
        if problem:
            raise ValueError(problem)
        return value


def jsonb_problem(value: Any) -> str | None:
    """Why PostgreSQL's jsonb would refuse `value` (a parsed JSON document), or None."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str):
            if "\x00" in item:
                return "text must not contain the NUL character (\\u0000)"
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return "text must not contain a lone UTF-16 surrogate"
        elif isinstance(item, float) and not math.isfinite(item):
            return "numbers must be finite"
    return None


def describe(error: ValidationError, *, limit: int = 3) -> str:
    """A short, readable reason for the 400 answer: each wrong field and what it must be."""
    parts = []
    for detail in error.errors()[:limit]:
        if detail["type"] == "json_invalid":
            return "the body is not JSON"
        field = ".".join(str(part) for part in detail["loc"]) or "body"
        message = detail["msg"].removeprefix("Value error, ")
        shown = detail.get("input")
        got = f" (got {_short(shown)})" if detail["type"] != "missing" and not isinstance(shown, dict | list) else ""
        parts.append(f"{field}: {message}{got}")
    return "invalid body: " + "; ".join(parts)


def _short(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "…"
