"""Matching a message against one guild's rules, fast: built once per guild when its rules are (re)loaded.

All content and regex rules of a guild are compiled into google-re2 *sets*, so one linear pass over the
(normalised) text tells which of them match, however many rules there are: one set for the normalised text,
one for the raw text (regex rules with `normalise: false`) and one for the squashed text (content rules
without whole-word matching, catching "f r e e  n.i.t.r.o"). Exemptions are checked only for rules that
matched. Spam rules read the author's recent messages from an in-memory `SpamTracker`.
"""

from __future__ import annotations

import logging
import re
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import Any

import re2

from cogs.automod.normalise import normalise, squash
from cogs.automod.rules import Rule, re2_options

log = logging.getLogger(__name__)

URL = re.compile(r"https?://([^\s/<>\"']+)", re.I)
INVITE = re.compile(r"(?:discord(?:app)?\.com/invite|discord\.gg|dsc\.gg)/[a-z0-9-]+", re.I)
MAX_WINDOW = 3600.0  # seconds of history the spam tracker keeps at most
HISTORY_LENGTH = 64  # recent messages kept per member


@dataclass(frozen=True)
class MessageFacts:
    """What the rules look at, taken from a message (or from `/config automod test`)."""

    user_id: int
    channel_ids: frozenset[int]  # the channel and its category
    role_ids: frozenset[int]
    content: str
    mentions: int = 0
    attachments: int = 0


@dataclass(frozen=True)
class Hit:
    """A rule that fired, and why (for the log and the member's DM)."""

    rule: Rule
    reason: str


class SpamTracker:
    """Recent (time, content digest, attachments) per member of one guild, bounded in members and length."""

    def __init__(self, max_members: int = 20_000) -> None:
        self.max_members = max_members
        self._recent: OrderedDict[int, deque[tuple[float, int, int]]] = OrderedDict()

    def record(self, user_id: int, now: float, digest: int, attachments: int) -> deque[tuple[float, int, int]]:
        """Add one message; returns the member's recent messages (oldest first)."""
        recent = self._recent.get(user_id)
        if recent is None:
            recent = self._recent[user_id] = deque(maxlen=HISTORY_LENGTH)
            if len(self._recent) > self.max_members:
                self._recent.popitem(last=False)
        else:
            self._recent.move_to_end(user_id)
        while recent and now - recent[0][0] > MAX_WINDOW:
            recent.popleft()
        recent.append((now, digest, attachments))
        return recent

    def reset(self, user_id: int) -> None:
        """Forget a member's history (after a spam rule fired, counting starts again)."""
        self._recent.pop(user_id, None)


def _count_since(recent: deque[tuple[float, int, int]], since: float) -> int:
    count = 0
    for at, _, _ in reversed(recent):
        if at < since:
            break
        count += 1
    return count


class GuildRules:
    """The compiled, enabled rules of one guild."""

    def __init__(self, guild_id: int, rules: list[Rule]) -> None:
        self.guild_id = guild_id
        self.rules = [r for r in rules if r.enabled]
        self.spam_rules = [r for r in self.rules if r.type == "spam"]
        self.ai_rules = [r for r in self.rules if r.type == "ai"]
        self.tracker = SpamTracker()
        self._sets: dict[str, tuple[Any, list[Rule]]] = {}
        patterns: dict[str, list[tuple[str, Rule]]] = {"normal": [], "raw": [], "squashed": []}
        for rule in self.rules:
            if rule.type == "content":
                words = [w for w in rule.normalised_words() if w]
                if words:
                    alternation = "|".join(re2.escape(w) for w in words)
                    whole = bool(rule.config.get("whole_word"))
                    patterns["normal"].append((rf"\b(?:{alternation})\b" if whole else f"(?:{alternation})", rule))
                    squashed = [squash(w) for w in words if squash(w)]
                    if not whole and squashed:
                        patterns["squashed"].append(("|".join(re2.escape(w) for w in squashed), rule))
            elif rule.type == "regex":
                pattern = rule.config.get("pattern", "")
                flags = "" if rule.config.get("case_sensitive") else "(?i)"
                target = "normal" if rule.config.get("normalise", True) else "raw"
                patterns[target].append((flags + pattern, rule))
        for target, entries in patterns.items():
            built = self._build_set(entries) if entries else None
            if built is not None:
                self._sets[target] = built

    def _build_set(self, entries: list[tuple[str, Rule]]) -> tuple[Any, list[Rule]] | None:
        matcher = re2.Set.SearchSet(re2_options())
        kept: list[Rule] = []
        for pattern, rule in entries:
            try:
                matcher.Add(pattern)
            except re2.error:  # validated at creation; a row written by hand must not break the guild
                log.warning("Guild %s: automod rule %s has an unusable pattern; skipped", self.guild_id, rule.id)
                continue
            kept.append(rule)
        if not kept:
            return None
        matcher.Compile()
        return matcher, kept

    @property
    def empty(self) -> bool:
        """No enabled rule (the pipeline stage does nothing for this guild)."""
        return not self.rules

    def match_text(self, content: str) -> list[tuple[Rule, str]]:
        """Content and regex rules whose patterns match `content` (exemptions not applied)."""
        found: dict[int, tuple[Rule, str]] = {}
        if not self._sets:
            return []
        normal = normalise(content)
        for target, text in (("normal", normal), ("raw", content), ("squashed", None)):
            entry = self._sets.get(target)
            if entry is None:
                continue
            if text is None:
                text = squash(normal)
            matcher, rules = entry
            for index in matcher.Match(text) or ():
                if index < len(rules):
                    rule = rules[index]
                    why = "a blocked word or phrase" if rule.type == "content" else "a blocked pattern"
                    found.setdefault(rule.id, (rule, why))
        return list(found.values())

    def match_spam(self, facts: MessageFacts, now: float, *, track: bool = True) -> list[tuple[Rule, str]]:
        """Spam rules that fire for this message; `track=False` looks at the message alone (no history)."""
        if not self.spam_rules:
            return []
        recent = None
        if track:
            digest = hash(normalise(facts.content).strip()) if facts.content.strip() else 0
            recent = self.tracker.record(facts.user_id, now, digest, facts.attachments)
        fired: list[tuple[Rule, str]] = []
        for rule in self.spam_rules:
            reason = self._spam_reason(rule.config, facts, recent, now)
            if reason:
                fired.append((rule, reason))
        if fired and track and any(r.config.get(k) for r, _ in fired for k in ("messages", "duplicates",
                                                                               "attachments")):
            self.tracker.reset(facts.user_id)
        return fired

    @staticmethod
    def _spam_reason(config: dict[str, Any], facts: MessageFacts, recent: deque | None, now: float) -> str | None:
        limit = config.get("mentions")
        if limit and facts.mentions >= limit:
            return f"{facts.mentions} mentions in one message (limit {limit - 1})"
        if config.get("invites") and INVITE.search(facts.content):
            return "a server invite"
        if config.get("links"):
            allowed = [d.lower().lstrip(".") for d in config.get("allow_domains", [])]
            for host in URL.findall(facts.content):
                host = host.lower().split(":")[0]
                if not any(host == d or host.endswith("." + d) for d in allowed):
                    return f"a link ({host})"
        limit = config.get("attachments")
        if limit:
            window = config.get("attachment_seconds", 10)
            total = facts.attachments if recent is None else sum(a for at, _, a in recent if at >= now - window)
            if total >= limit:
                return f"{total} attachments in {window} s (limit {limit - 1})"
        if recent is None:
            return None
        limit = config.get("messages")
        if limit:
            seconds = config.get("seconds", 5)
            count = _count_since(recent, now - seconds)
            if count >= limit:
                return f"{count} messages in {seconds} s (limit {limit - 1})"
        limit = config.get("duplicates")
        if limit and recent[-1][1]:
            window = config.get("duplicate_seconds", 60)
            digest = recent[-1][1]
            same = sum(1 for at, d, _ in recent if d == digest and at >= now - window)
            if same >= limit:
                return f"the same message {same} times in {window} s"
        return None

    def evaluate(self, facts: MessageFacts, now: float, *, track: bool = True) -> list[Hit]:
        """Every content, regex and spam rule that fires for the message and does not exempt its author or
        channel (AI rules are judged later, off the hot path)."""
        matched = self.match_text(facts.content) + self.match_spam(facts, now, track=track)
        hits = []
        for rule, reason in matched:
            if rule.exempt_roles & facts.role_ids or rule.exempt_channels & facts.channel_ids:
                continue
            hits.append(Hit(rule, reason))
        return hits

    def ai_candidates(self, facts: MessageFacts) -> list[Rule]:
        """The AI rules that apply to this message's author and channel."""
        return [r for r in self.ai_rules
                if not (r.exempt_roles & facts.role_ids or r.exempt_channels & facts.channel_ids)]
