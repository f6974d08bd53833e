"""What a tag's name and text may be, checked before anything is stored (no SQL, no Discord)."""

from __future__ import annotations

import re

from utils.errors import BadInput

NAME_MAX = 50
CONTENT_MAX = 2000  # one Discord message
# The /tag subcommands (and a few words people type for them): a tag named so would read like a command.
RESERVED = frozenset({"get", "create", "edit", "delete", "info", "list", "search", "alias", "transfer", "claim",
                      "all", "help", "make", "add", "remove", "raw", "stats", "owner"})
# Letters and digits of any script, then also spaces and . - _ ' ! ? + # & between them: no @, <, >, `, * or |
# (mentions and markdown stay out of names, which are shown in messages and embeds).
_NAME = re.compile(r"^[^\W_](?:[\w .'!?+#&-]*[\w!?+#])?$", re.UNICODE)


def clean_name(raw: str, what: str = "tag name") -> str:
    """A name as stored (spaces collapsed, case kept; names compare case-insensitively); `BadInput` explains a bad
    one."""
    name = " ".join(raw.split())
    if not name:
        raise BadInput(f"The {what} is empty.", example="/tag create name:rules")
    if len(name) > NAME_MAX:
        raise BadInput(f"The {what} is {len(name)} characters long; the limit is {NAME_MAX}.")
    if not _NAME.match(name):
        raise BadInput(f"A {what} is letters and digits, with spaces or . - _ ' ! ? + # & between them "
                       "(no mentions, no markdown).", example="/tag create name:how to verify")
    first = name.split(" ", 1)[0].lower()
    if first in RESERVED:
        raise BadInput(f"`{first}` is a /tag subcommand, so a {what} cannot start with it; pick another name.",
                       example="/tag create name:server rules")
    return name


def clean_content(raw: str) -> str:
    """The text as stored (`\\n` typed in a slash option becomes a line break); `BadInput` when empty or too long."""
    content = raw.replace("\\n", "\n").strip()
    if not content:
        raise BadInput("The tag's text is empty.", example="/tag create name:rules content:Read #rules first.")
    if len(content) > CONTENT_MAX:
        raise BadInput(f"The tag's text is {len(content)} characters long; the limit is {CONTENT_MAX} "
                       "(one Discord message).")
    return content
