"""What a rule and an action are, and the validation that runs when an admin creates or edits one.

Everything an admin types is checked here, before it is stored: an unknown key, a number out of range, or a
regex that google-re2 refuses (invalid, unsupported such as look-arounds and back-references, longer than
`PATTERN_MAX`, or compiling to more than the memory cap) is refused with the reason. User regexes only ever
run through re2 (linear time: no catastrophic backtracking).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import re2

from cogs.automod.normalise import normalise
from utils.errors import BadInput

RULE_TYPES = ("spam", "content", "regex", "ai")
ACTION_TYPES = ("delete", "warn", "mute", "timeout", "ban")
PATTERN_MAX = 200
WORDS_MAX = 100
WORD_LENGTH_MAX = 100
RE2_MAX_MEM = 4 << 20  # bytes a compiled pattern may use; larger ones are refused
MAX_TIMEOUT = 28 * 86400  # Discord's limit for a timeout


def re2_options() -> re2.Options:
    """Options for every user regex: no stderr logging, bounded memory."""
    options = re2.Options()
    options.log_errors = False
    options.max_mem = RE2_MAX_MEM
    return options


def compile_user_regex(pattern: str, *, case_sensitive: bool = False) -> Any:
    """Compile a user's pattern with re2 or raise `BadInput` saying why it is refused."""
    if not pattern:
        raise BadInput("The pattern is empty.", example=r"free\s*nitro")
    if len(pattern) > PATTERN_MAX:
        raise BadInput(f"The pattern is {len(pattern)} characters long; the limit is {PATTERN_MAX}.")
    source = pattern if case_sensitive else f"(?i){pattern}"
    try:
        return re2.compile(source, options=re2_options())
    except re2.error as exc:
        reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        hint = ""
        if "perl operator" in reason or "escape sequence" in reason:
            hint = " Look-arounds ((?=…), (?!…)) and back-references (\\1) are not supported: they can take " \
                   "exponential time."
        raise BadInput(f"That regex is refused: {reason}.{hint}", example=r"(?:free|cheap)\s*nitro") from None


def _int(config: dict[str, Any], key: str, low: int, high: int) -> None:
    if key in config:
        value = config[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise BadInput(f"`{key}` must be a whole number from {low} to {high}.")


def _bool(config: dict[str, Any], key: str) -> None:
    if key in config and not isinstance(config[key], bool):
        raise BadInput(f"`{key}` must be true or false.")


def _ids(config: dict[str, Any], key: str) -> None:
    value = config.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise BadInput(f"`{key}` must be a list of ids.")


COMMON_KEYS = {"exempt_roles", "exempt_channels", "points"}
TYPE_KEYS = {
    "spam": {"messages", "seconds", "duplicates", "duplicate_seconds", "mentions", "links", "allow_domains",
             "invites", "attachments", "attachment_seconds"},
    "content": {"words", "whole_word"},
    "regex": {"pattern", "case_sensitive", "normalise"},
    "ai": {"categories", "threshold"},
}
SPAM_CHECKS = ("messages", "duplicates", "mentions", "links", "invites", "attachments")


def clean_rule_config(rule_type: str, config: dict[str, Any]) -> dict[str, Any]:
    """Validate a rule's config for its type; returns it (defaults filled in) or raises `BadInput`."""
    if rule_type not in RULE_TYPES:
        raise BadInput(f"Unknown rule type `{rule_type}`; use one of {', '.join(RULE_TYPES)}.")
    unknown = set(config) - COMMON_KEYS - TYPE_KEYS[rule_type]
    if unknown:
        allowed = ", ".join(sorted(TYPE_KEYS[rule_type] | COMMON_KEYS))
        raise BadInput(f"Unknown setting(s) for a {rule_type} rule: {', '.join(sorted(unknown))}. Allowed: {allowed}.")
    _ids(config, "exempt_roles")
    _ids(config, "exempt_channels")
    if rule_type == "content":
        words = config.get("words")
        if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
            raise BadInput("A content rule needs `words`: a list of words or phrases.",
                           example="words: nitro, free gift")
        if len(words) > WORDS_MAX or any(len(w) > WORD_LENGTH_MAX for w in words):
            raise BadInput(f"At most {WORDS_MAX} words of up to {WORD_LENGTH_MAX} characters each.")
        config["words"] = [w.strip() for w in words]
        _bool(config, "whole_word")
    elif rule_type == "regex":
        _bool(config, "case_sensitive")
        _bool(config, "normalise")
        compile_user_regex(config.get("pattern") or "", case_sensitive=bool(config.get("case_sensitive")))
    elif rule_type == "spam":
        for key, low, high in (("messages", 2, 50), ("seconds", 1, 300), ("duplicates", 2, 20),
                               ("duplicate_seconds", 5, 3600), ("mentions", 1, 50), ("attachments", 1, 50),
                               ("attachment_seconds", 1, 300)):
            _int(config, key, low, high)
        _bool(config, "links")
        _bool(config, "invites")
        domains = config.get("allow_domains", [])
        if not isinstance(domains, list) or not all(isinstance(d, str) for d in domains):
            raise BadInput("`allow_domains` must be a list of domains, e.g. [\"youtube.com\"].")
        if not any(config.get(key) for key in SPAM_CHECKS):
            raise BadInput("A spam rule needs at least one check: messages (with seconds), duplicates, mentions, "
                           "links, invites or attachments.", example='{"messages": 5, "seconds": 5}')
    elif rule_type == "ai":
        threshold = config.get("threshold", 0.8)
        if not isinstance(threshold, int | float) or not 0 <= threshold <= 1:
            raise BadInput("`threshold` must be a number from 0 to 1.")
        categories = config.get("categories", [])
        if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
            raise BadInput("`categories` must be a list of words such as [\"harassment\", \"scam\"].")
    return config


def clean_action(action_type: str, severity: int, config: dict[str, Any]) -> dict[str, Any]:
    """Validate an action; returns its config or raises `BadInput`."""
    if action_type not in ACTION_TYPES:
        raise BadInput(f"Unknown action `{action_type}`; use one of {', '.join(ACTION_TYPES)}.")
    if not 1 <= severity <= 5:
        raise BadInput("Severity goes from 1 (mild) to 5 (severe).")
    duration = config.get("duration")
    if duration is not None and (not isinstance(duration, int) or not 1 <= duration <= MAX_TIMEOUT):
        raise BadInput("A timeout lasts from 1 second to 28 days.", example="duration: 10m")
    return config


@dataclass(frozen=True)
class Action:
    """What happens when a rule fires."""

    id: int
    type: str
    severity: int
    config: dict[str, Any] = field(default_factory=dict, compare=False)
    role_set_by: int | None = None  # who chose config["role_id"] (role safety checks them on each mute)

    @property
    def deletes(self) -> bool:
        """Whether the offending message is deleted (every action does, unless `delete_message` is false)."""
        return self.type == "delete" or bool(self.config.get("delete_message", True))


@dataclass(frozen=True)
class Rule:
    """One automod rule, as loaded into the cache."""

    id: int
    guild_id: int
    type: str
    name: str
    enabled: bool
    trial: bool
    config: dict[str, Any] = field(compare=False)
    action: Action | None = None
    exempt_roles: frozenset[int] = frozenset()
    exempt_channels: frozenset[int] = frozenset()

    @classmethod
    def from_row(cls, row: Any) -> Rule:
        """Build from a row of `repo.RULES_WITH_ACTIONS`."""
        config = dict(row["config"] or {})
        action = None
        if row["action_id"] is not None and row["action_type"] is not None:
            action = Action(row["action_id"], row["action_type"], row["severity"] or 1,
                            dict(row["action_config"] or {}), row["action_role_set_by"])
        return cls(row["id"], row["guild_id"], row["rule_type"], row["name"], bool(row["enabled"]),
                   bool(row["trial_mode"]), config, action, frozenset(config.get("exempt_roles", [])),
                   frozenset(config.get("exempt_channels", [])))

    @property
    def points(self) -> float:
        """Points one violation adds for escalation: the rule's `points`, else its action's severity."""
        return float(self.config.get("points", self.action.severity if self.action else 1))

    def normalised_words(self) -> list[str]:
        """The content rule's words, normalised like the messages they are matched against."""
        return [normalise(w) for w in self.config.get("words", [])]
