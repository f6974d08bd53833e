"""The onboarding flow as data: which steps a member sees, in which order, and which one is next.

Pure functions over the guild's rules and questions and the member's saved responses; no Discord, no SQL.

Responses (`onboarding.responses`, JSONB) are keyed by step:
- `rule_<id>`: when the rule was accepted (ISO time);
- `<question id>`: the answer to a guild question (text, or a list of option values for a multiselect;
  null = an optional question skipped); `<question id>.<followup id>` for a follow-up question;
- `personalized_opt_in` ("full" | "events_only" | "no") and `preferred_language` ("en", "nl", "other: …");
- `completed_at`: when the member finished (ISO time).
Keys are question ids, not positions, so reordering questions never mixes up earlier answers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

MODES = ("disabled", "rules", "questions", "rules_questions")
QUESTION_TYPES = ("select", "multiselect", "text", "email")
CHOICE_TYPES = ("select", "multiselect")
MAX_OPTIONS = 25
COMPLETED = "completed_at"
OPT_IN = "personalized_opt_in"
LANGUAGE = "preferred_language"
OPT_IN_OPTIONS = [
    {"label": "Yes, personalise everything", "value": "full"},
    {"label": "Only events and reminders", "value": "events_only"},
    {"label": "No personalisation", "value": "no"},
]
OTHER_LANGUAGE = "other"
LANGUAGE_NAMES = {"en": "English", "nl": "Nederlands", "fr": "Français", "de": "Deutsch", "es": "Español",
                  "it": "Italiano", "pt": "Português", "pl": "Polski", "tr": "Türkçe", "sv": "Svenska"}
_SLUG = re.compile(r"[^a-z0-9]+")


class FlowError(ValueError):
    """Admin input that does not describe a valid question or option list; the message says why."""


@dataclass(frozen=True)
class Rule:
    """A row of guild_rules."""

    id: int
    order: int
    title: str
    description: str
    thumbnail_url: str | None = None
    image_url: str | None = None
    enabled: bool = True

    @property
    def key(self) -> str:
        return f"rule_{self.id}"


@dataclass(frozen=True)
class Question:
    """A guild question, one of its follow-ups, or a personalisation step.

    `key` is where its answer is stored; `when` (follow-ups only) is the parent's option value that makes it
    appear; `followups` are the raw follow-up definitions of a guild question.
    """

    key: str
    text: str
    type: str
    options: list[dict[str, Any]] = field(default_factory=list)
    required: bool = True
    id: int | None = None
    order: int = 0
    enabled: bool = True
    followups: list[dict[str, Any]] = field(default_factory=list)
    when: str | None = None
    role_map_by: int | None = None  # who last changed the roles mapped on this question (and its follow-ups)

    def option(self, value: str) -> dict[str, Any] | None:
        """The option with this value."""
        return next((o for o in self.options if o.get("value") == value), None)

    def label(self, value: str) -> str:
        """The label an option value is shown with (the value itself when unknown)."""
        found = self.option(value)
        return str(found["label"]) if found else value

    def followup_questions(self) -> list[Question]:
        """The follow-ups as questions of their own, keyed `<id>.<followup id>`."""
        return [Question(key=f"{self.key}.{f['id']}", text=f["question"], type=f["question_type"],
                         options=list(f.get("options") or []), required=bool(f.get("required", True)),
                         when=f.get("when"), role_map_by=self.role_map_by) for f in self.followups]

    def mapped_role_ids(self) -> list[int]:
        """Every role mapped on this question's options and its follow-ups' options."""
        options = [*self.options, *(o for f in self.followups for o in (f.get("options") or []))]
        return list(dict.fromkeys(int(o["role_id"]) for o in options if o.get("role_id")))

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Question:
        return cls(key=str(row["id"]), id=row["id"], order=row["step_order"], text=row["question"],
                   type=row["question_type"], options=list(row["options"] or []),
                   required=row["required"] is not False, enabled=row["enabled"] is not False,
                   followups=list(row["followup"] or []), role_map_by=row["role_map_by"])


@dataclass(frozen=True)
class Step:
    """One screen of the flow: a rule to accept or a question to answer, and where it sits in the flow."""

    rule: Rule | None
    question: Question | None
    number: int
    total: int

    @property
    def key(self) -> str:
        return self.rule.key if self.rule is not None else self.question.key  # type: ignore[union-attr]


def personal_questions(languages: Iterable[str]) -> list[Question]:
    """The fixed personalisation steps after the guild's questions."""
    language_options = [{"label": LANGUAGE_NAMES.get(code, code), "value": code} for code in languages][:24]
    language_options.append({"label": "Other…", "value": OTHER_LANGUAGE})
    return [
        Question(key=OPT_IN, text="Would you like personalised content on this server?", type="select",
                 options=OPT_IN_OPTIONS),
        Question(key=LANGUAGE, text="Which language do you prefer?", type="select", options=language_options),
    ]


def parse_languages(text: str) -> list[str]:
    """`en, nl, fr` → ["en", "nl", "fr"] (the `onboarding.languages` setting)."""
    return [part.strip().lower() for part in text.split(",") if part.strip()]


def matches(answer: Any, when: str | None) -> bool:
    """Whether a parent's answer shows a follow-up that appears for `when`."""
    if when is None or answer is None:
        return False
    if isinstance(answer, list):
        return when in answer
    return answer == when


def visible_items(mode: str, rules: list[Rule], questions: list[Question], personal: list[Question],
                  responses: Mapping[str, Any]) -> list[Rule | Question]:
    """Every step the member sees with the answers so far (follow-ups only after the answer that calls them)."""
    items: list[Rule | Question] = []
    if mode in ("rules", "rules_questions"):
        items.extend(rule for rule in rules if rule.enabled)
    if mode in ("questions", "rules_questions"):
        for question in questions:
            if not question.enabled:
                continue
            items.append(question)
            answer = responses.get(question.key)
            items.extend(f for f in question.followup_questions() if matches(answer, f.when))
        items.extend(personal)
    return items


def current_step(items: list[Rule | Question], responses: Mapping[str, Any]) -> Step | None:
    """The first step not answered yet, or None when the flow is done."""
    for number, item in enumerate(items, start=1):
        if item.key not in responses:
            if isinstance(item, Rule):
                return Step(item, None, number, len(items))
            return Step(None, item, number, len(items))
    return None


def mapped_roles(items: list[Rule | Question], responses: Mapping[str, Any]) -> list[tuple[int, Question]]:
    """Roles mapped to the options the member chose, with the question that maps each (in flow order, without
    duplicates): the question says who configured the role (`role_map_by`)."""
    found: dict[int, Question] = {}
    for item in items:
        if not isinstance(item, Question) or item.type not in CHOICE_TYPES:
            continue
        answer = responses.get(item.key)
        chosen = answer if isinstance(answer, list) else [answer] if answer is not None else []
        for value in chosen:
            option = item.option(value)
            role_id = option.get("role_id") if option else None
            if role_id and int(role_id) not in found:
                found[int(role_id)] = item
    return list(found.items())


def describe_answer(question: Question, answer: Any) -> str:
    """An answer as people read it: option labels, "(skipped)" for a skipped optional question."""
    if answer is None:
        return "(skipped)"
    if isinstance(answer, list):
        return ", ".join(question.label(str(value)) for value in answer) or "(none)"
    if question.type in CHOICE_TYPES:
        return question.label(str(answer))
    return str(answer)


def slug(label: str) -> str:
    """The stored value of an option typed without one: "Art & Design" → "art_design"."""
    return _SLUG.sub("_", label.lower()).strip("_")[:100] or "option"


def parse_options(text: str) -> list[dict[str, Any]]:
    """Admin input `Gaming, Art & Design=art, Music` → options with a label and a value."""
    options: list[dict[str, Any]] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        label, _, value = part.partition("=")
        label, value = label.strip(), value.strip() or slug(label)
        if not label or len(label) > 100 or len(value) > 100:
            raise FlowError(f"Option `{part[:40]}`: labels and values must be 1 to 100 characters.")
        if any(o["value"] == value for o in options):
            raise FlowError(f"Two options have the value `{value}`: give one of them its own (`Label=value`).")
        options.append({"label": label, "value": value})
    if not options:
        raise FlowError("Give the options, separated by commas.")
    if len(options) > MAX_OPTIONS:
        raise FlowError(f"A question can have at most {MAX_OPTIONS} options (Discord's limit); you gave "
                        f"{len(options)}.")
    return options


def keep_roles(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """New options keep the role mapped to an option of the same value."""
    roles = {o["value"]: o["role_id"] for o in old if o.get("role_id")}
    return [{**o, "role_id": roles[o["value"]]} if o["value"] in roles else o for o in new]


def check_question(question_type: str, options: list[dict[str, Any]] | None) -> None:
    """A choice question needs options; text and email questions take none."""
    if question_type not in QUESTION_TYPES:
        raise FlowError(f"Unknown question type `{question_type}`: use one of {', '.join(QUESTION_TYPES)}.")
    if question_type in CHOICE_TYPES and not options:
        raise FlowError(f"A {question_type} question needs options.")
    if question_type not in CHOICE_TYPES and options:
        raise FlowError(f"A {question_type} question takes no options.")


def next_followup_id(followups: list[dict[str, Any]]) -> str:
    """f1, f2, … never reusing a number still in use."""
    used = {int(f["id"][1:]) for f in followups if re.fullmatch(r"f\d+", str(f.get("id", "")))}
    return f"f{max(used, default=0) + 1}"
