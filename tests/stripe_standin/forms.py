"""Decoding Stripe's form-encoded request bodies (`line_items[0][price]=…&metadata[k]=v`) into nested values."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

_PART = re.compile(r"\[([^\]]*)\]")


def decode_form(body: str) -> dict[str, Any]:
    """The nested dict/list structure the stripe library encoded."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        head = key.split("[", 1)[0]
        path: list[str] = [head, *_PART.findall(key[len(head):])]
        _put(root, path, value)
    return _listify(root)


def _put(node: dict[str, Any], path: list[str], value: str) -> None:
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node[path[-1]] = value


def _listify(node: Any) -> Any:
    # {"0": a, "1": b} → [a, b]: arrays are encoded with indexes.
    if not isinstance(node, dict):
        return node
    converted = {key: _listify(value) for key, value in node.items()}
    if converted and all(key.isdigit() for key in converted):
        return [converted[key] for key in sorted(converted, key=int)]
    return converted
