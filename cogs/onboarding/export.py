"""The CSV export of one guild's onboarding responses (one line per member, one column per question)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from cogs.onboarding.flow import COMPLETED, LANGUAGE, OPT_IN, Question, Rule

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    """Text for a spreadsheet; a leading = + - @ is quoted so the cell is never run as a formula."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def responses_csv(rows: Iterable[Any], rules: list[Rule], questions: list[Question],
                  names: dict[int, str]) -> bytes:
    """CSV of the rows of `onboarding` (user_id, responses, timestamp) of one guild."""
    columns: list[tuple[str, str]] = []  # (response key, header)
    for question in questions:
        columns.append((question.key, f"Q{question.key}: {question.text}"))
        columns.extend((f.key, f"Q{f.key} (if {f.when}): {f.text}") for f in question.followup_questions())
    columns += [(OPT_IN, OPT_IN), (LANGUAGE, LANGUAGE)]
    rows = list(rows)
    known = {key for key, _ in columns} | {rule.key for rule in rules} | {COMPLETED}
    extra = sorted({key for row in rows for key in (row["responses"] or {}) if key not in known
                    and not key.startswith("rule_")})
    columns += [(key, f"Q{key} (deleted question)") for key in extra]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["user_id", "member", "last_answer_at", "completed_at", "rules_accepted",
                     *(header for _, header in columns)])
    for row in rows:
        responses = row["responses"] or {}
        accepted = sum(1 for key in responses if key.startswith("rule_"))
        writer.writerow([str(row["user_id"]), _cell(names.get(row["user_id"], "")),
                         row["timestamp"].isoformat() if row["timestamp"] else "", _cell(responses.get(COMPLETED)),
                         str(accepted), *(_cell(responses.get(key)) for key, _ in columns)])
    return out.getvalue().encode("utf-8-sig")  # the BOM lets spreadsheet programs read accents correctly
