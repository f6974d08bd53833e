"""Response templates of custom commands: `{user}`, `{user.mention}`, `{user.name}`, `{server}`, `{channel}`,
`{uses}` and `{args}`; `{{` and `}}` are literal braces.

`check_template` refuses (with the reason) an unknown variable, a stray brace or a response over 1,900
characters when the command is created, so rendering never fails later.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from utils.errors import BadInput

RESPONSE_MAX = 1900
MESSAGE_MAX = 2000
VARIABLES = ("user", "user.mention", "user.name", "server", "channel", "uses", "args")
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


def check_template(text: str) -> set[str]:
    """Validate a response; returns the variables it uses, or raises `BadInput`."""
    if not text.strip():
        raise BadInput("The response is empty.", example="Welcome {user.mention}!")
    if len(text) > RESPONSE_MAX:
        raise BadInput(f"The response is {len(text)} characters long; the limit is {RESPONSE_MAX}.")
    used: set[str] = set()
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        if token in ("{{", "}}"):
            continue
        if token in ("{", "}"):
            raise BadInput("The response has a stray brace; write {{ or }} for a literal brace.",
                           example="Use {{braces}} like this, {user}")
        name = match.group(1).strip()
        if name not in VARIABLES:
            known = ", ".join("{" + v + "}" for v in VARIABLES)
            raise BadInput(f"Unknown variable {{{name}}} in the response. Variables: {known}.",
                           example="Hi {user.mention}, welcome to {server}!")
        used.add(name)
    return used


def render(text: str, values: Mapping[str, str]) -> str:
    """Fill in the variables (the template was checked at creation); cut to Discord's 2,000 characters."""

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
    return rendered if len(rendered) <= MESSAGE_MAX else rendered[:MESSAGE_MAX - 1] + "…"
