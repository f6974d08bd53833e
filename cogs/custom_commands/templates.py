"""Response templates of custom commands: `{user}`, `{user.mention}`, `{user.name}`, `{server}`, `{channel}`,
`{uses}` and `{args}`; `{{` and `}}` are literal braces (the engine: `utils/templates.py`).

`check_template` refuses (with the reason) an unknown variable, a stray brace or a response over 1,900
characters when the command is created, so rendering never fails later.
"""

from __future__ import annotations

from utils import templates
from utils.templates import MESSAGE_MAX, render

__all__ = ["MESSAGE_MAX", "RESPONSE_MAX", "VARIABLES", "check_template", "render"]

RESPONSE_MAX = 1900
VARIABLES = ("user", "user.mention", "user.name", "server", "channel", "uses", "args")


def check_template(text: str) -> set[str]:
    """Validate a response; returns the variables it uses, or raises `BadInput`."""
    return templates.check_template(text, VARIABLES, what="response", limit=RESPONSE_MAX,
                                    example="Hi {user.mention}, welcome to {server}!",
                                    empty_example="Welcome {user.mention}!",
                                    brace_example="Use {{braces}} like this, {user}")
