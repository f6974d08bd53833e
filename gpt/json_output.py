"""Reading a JSON object out of an LLM's answer, however it was wrapped (code fences, a sentence around it)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.S)


class InvalidJSONAnswer(ValueError):
    """The answer holds no usable JSON object; the message says why (it is shown to the model on repair)."""


def parse_json_object(text: str, required: Sequence[str] = ()) -> dict[str, Any]:
    """The JSON object in `text` (bare, fenced in ```json, or surrounded by prose), with every `required` key.

    Raises `InvalidJSONAnswer` saying what is wrong.
    """
    candidates = [text.strip()]
    candidates += [block.strip() for block in _FENCE.findall(text)]
    first, last = text.find("{"), text.rfind("}")
    if 0 <= first < last:
        candidates.append(text[first:last + 1])
    value: Any = None
    for candidate in candidates:
        try:
            value = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(value, dict):
            break
    else:
        if value is None:
            raise InvalidJSONAnswer("it is not valid JSON")
    if not isinstance(value, dict):
        raise InvalidJSONAnswer(f"it is JSON but not an object (got {type(value).__name__})")
    missing = [key for key in required if key not in value]
    if missing:
        raise InvalidJSONAnswer(f"the object lacks the key(s) {', '.join(missing)}")
    return value
