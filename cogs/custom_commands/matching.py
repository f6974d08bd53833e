"""One guild's enabled custom commands, compiled for matching a message quickly.

Priority: exact triggers (a dictionary lookup), then starts_with (longest trigger first), contains, regex
(google-re2 only: linear time). Case-insensitive triggers compare case-folded text.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import re2

from utils.errors import BadInput

log = logging.getLogger(__name__)
TRIGGER_TYPES = ("exact", "starts_with", "contains", "regex")
TRIGGER_MAX = 200


def re2_options() -> re2.Options:
    """Options for user regexes: no stderr logging, bounded memory."""
    options = re2.Options()
    options.log_errors = False
    options.max_mem = 4 << 20
    return options


def compile_trigger(pattern: str, case_sensitive: bool) -> Any:
    """Compile a regex trigger with re2, or raise `BadInput` with the reason."""
    if len(pattern) > TRIGGER_MAX:
        raise BadInput(f"The trigger is {len(pattern)} characters long; the limit is {TRIGGER_MAX}.")
    try:
        return re2.compile(pattern if case_sensitive else f"(?i){pattern}", options=re2_options())
    except re2.error as exc:
        reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise BadInput(f"That regex is refused: {reason}. Look-arounds and back-references are not supported.",
                       example=r"^!roll (\d+)$") from None


@dataclass(eq=False)
class Command:
    """A custom command as the cache holds it; `uses` grows in memory between batched writes."""

    id: int
    name: str
    trigger_type: str
    trigger_value: str
    response: str
    case_sensitive: bool
    delete_trigger: bool
    reply_to_user: bool
    uses: int
    response_set_by: int | None = None  # who last set the response: it pings at most what they may

    @classmethod
    def from_row(cls, row: Any, pending: int = 0) -> Command:
        return cls(row["id"], row["name"], row["trigger_type"], row["trigger_value"], row["response"],
                   bool(row["case_sensitive"]), bool(row["delete_trigger"]), bool(row["reply_to_user"]),
                   (row["uses"] or 0) + pending, row["response_set_by"])


class GuildCommands:
    """Matching structures of one guild."""

    def __init__(self, commands: list[Command]) -> None:
        self.count = len(commands)
        ordered = sorted(commands, key=lambda c: c.name)
        self.exact_sensitive = {c.trigger_value: c for c in ordered if c.trigger_type == "exact" and c.case_sensitive}
        self.exact_folded = {c.trigger_value.casefold(): c for c in ordered
                             if c.trigger_type == "exact" and not c.case_sensitive}
        self.prefixes = sorted(((c.trigger_value if c.case_sensitive else c.trigger_value.casefold(), c)
                                for c in ordered if c.trigger_type == "starts_with"), key=lambda p: -len(p[0]))
        self.prefix_tuple = tuple(p.casefold() for p, _ in self.prefixes)
        self.contains = [(c.trigger_value if c.case_sensitive else c.trigger_value.casefold(), c)
                         for c in ordered if c.trigger_type == "contains"]
        self.regexes = []
        for c in ordered:
            if c.trigger_type == "regex":
                try:
                    self.regexes.append((compile_trigger(c.trigger_value, c.case_sensitive), c))
                except BadInput:
                    log.warning("Custom command %s has an unusable regex; skipped", c.id)

    @property
    def empty(self) -> bool:
        """No enabled command."""
        return self.count == 0

    def find(self, content: str) -> tuple[Command, str] | None:
        """The command `content` triggers, and its arguments (the text after the trigger)."""
        text = content.strip()
        if not text:
            return None
        folded = text.casefold()
        hit = self.exact_sensitive.get(text) or self.exact_folded.get(folded)
        if hit is not None:
            return hit, ""
        if self.prefix_tuple and folded.startswith(self.prefix_tuple):
            for prefix, command in self.prefixes:
                if (text if command.case_sensitive else folded).startswith(prefix):
                    return command, text[len(prefix):].strip()
        for needle, command in self.contains:
            haystack = text if command.case_sensitive else folded
            at = haystack.find(needle)
            if at >= 0:
                return command, text[at + len(needle):].strip()
        for pattern, command in self.regexes:
            match = pattern.search(text)
            if match is not None:
                groups = [g for g in match.groups() if g]
                return command, (groups[0] if groups else text[match.end():]).strip()
        return None
