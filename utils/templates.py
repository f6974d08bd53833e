"""Texts with `{variables}` that admins write and the bot fills in later (custom command responses, the join
announcement): `{{` and `}}` are literal braces.

`check_template` refuses (with the reason, as `BadInput`) an unknown variable, a stray brace or a text over the
limit when the text is saved, so `render` never fails later. Which pings the filled-in text may make is decided
where it is posted (`utils/mentions.py`, or an explicit `AllowedMentions`), never by the template.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

from utils.errors import BadInput

MESSAGE_MAX = 2000
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


def check_template(text: str, variables: Collection[str], *, what: str = "text", limit: int = 1900,
                   example: str = "", empty_example: str = "",
                   brace_example: str = "Use {{braces}} like this") -> set[str]:
    """Validate `text` (called "the `what`" in the answers) against the allowed `variables`; returns the variables
    it uses, or raises `BadInput` with the problem and an example of right input."""
    if not text.strip():
        raise BadInput(f"The {what} is empty.", example=empty_example or example or None)
    if len(text) > limit:
        raise BadInput(f"The {what} is {len(text)} characters long; the limit is {limit}.")
    used: set[str] = set()
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        if token in ("{{", "}}"):
            continue
        if token in ("{", "}"):
            raise BadInput(f"The {what} has a stray brace; write {{{{ or }}}} for a literal brace.",
                           example=brace_example)
        name = match.group(1).strip()
        if name not in variables:
            known = ", ".join("{" + v + "}" for v in variables)
            raise BadInput(f"Unknown variable {{{name}}} in the {what}. Variables: {known}.", example=example or None)
        used.add(name)
    return used


def render(text: str, values: Mapping[str, str], *, limit: int = MESSAGE_MAX) -> str:
    """Fill in the variables (the template was checked when it was saved); cut to `limit` characters."""

    def fill(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        if match.group(1) is None:
            return token
        return values.get(match.group(1).strip(), token)

    rendered = _TOKEN.sub(fill, text)
    return rendered if len(rendered) <= limit else rendered[:limit - 1] + "…"
