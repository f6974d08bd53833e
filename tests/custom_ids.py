"""Test helpers for persistent components: the custom ids on a stored message, and giving a message the ids an
older version of Hearth posted (Discord keeps a message's ids forever, so old ids must keep working)."""

from __future__ import annotations

from tests.standin.models import Message, walk_components


def custom_ids(message: Message | None) -> list[str]:
    """The custom ids of the message's clickable components, in order."""
    assert message is not None
    return [c["custom_id"] for c in walk_components(message.components) if "custom_id" in c]


def as_posted_before(message: Message | None, new: str, old: str) -> None:
    """Rewrite the stored message's ids starting with `new` to start with `old`, as an older version posted them."""
    assert message is not None
    for component in walk_components(message.components):
        if component.get("custom_id", "").startswith(new):
            component["custom_id"] = old + component["custom_id"][len(new):]
