"""Context for user-self AI flows: the member's own recent app reflections as prompt lines (never used for other
people's flows, such as ticket replies). The reflections themselves come from the companion cog's public API;
this module only shapes them (how many, how old, how long)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

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


def reflection_lines(reflections: Iterable[tuple[Any, datetime]]) -> list[str]:
    """(content, created_at) pairs, newest first, as trimmed prompt lines; reflections without text are left out."""
    lines = []
    for content, created_at in reflections:
        line = format_reflection(content, created_at)
        if line:
            lines.append(line)
    return lines
