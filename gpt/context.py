"""Context for user-self AI flows: the member's own recent app reflections (never used for other people's flows,
such as ticket replies)."""

from __future__ import annotations

import contextlib
import json
from datetime import datetime, timedelta
from typing import Any

from gpt import repo
from gpt.repo import Executor

REFLECTION_DAYS = 30
REFLECTION_LIMIT = 5
REFLECTION_CHARS = 400  # per reflection, so five of them stay a small part of the prompt

# The fields the companion app sends, in the order they read best.
_FIELDS = (("reflection_text", None), ("mantra", "Mantra"), ("thoughts", "Thoughts"),
           ("future_message", "Message to future self"))


def _trim(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def format_reflection(content: Any, created_at: datetime) -> str | None:
    """One reflection as a line: date, then its text fields; None when it holds no text."""
    if isinstance(content, str):
        parts = [content]
    elif isinstance(content, dict):
        parts = []
        for key, label in _FIELDS:
            value = content.get(key)
            if isinstance(value, str) and value.strip():
                parts.append(f"{label}: {value}" if label else value)
    else:
        parts = []
    if not parts:
        return None
    return _trim(f"{created_at.date().isoformat()}: " + " | ".join(parts), REFLECTION_CHARS)


async def load_reflections(pool: Executor, user_id: int, now: datetime, *, days: int = REFLECTION_DAYS,
                           limit: int = REFLECTION_LIMIT) -> list[str]:
    """The user's reflections of the last `days` days, newest first, at most `limit`, each trimmed."""
    rows = await repo.recent_reflections(pool, user_id, now - timedelta(days=days), limit)
    lines = []
    for row in rows:
        content = row["plaintext_content"]
        if isinstance(content, str):
            # The pool decodes jsonb, but a JSON string holding an object is still worth reading.
            with contextlib.suppress(ValueError):
                decoded = json.loads(content)
                content = decoded if isinstance(decoded, dict) else content
        line = format_reflection(content, row["created_at"])
        if line:
            lines.append(line)
    return lines
