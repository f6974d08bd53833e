"""Escalation: points per violation that decay, and thresholds that turn repeated violations into stronger
actions.

Each violation adds points (the rule's `points`, else its action's severity 1–5) to the member's row in
`automod_user_history` (one row per rule type; `context.events` keeps `[epoch seconds, points]` of recent
violations, `total_points` the rounded current total). Points decay in one of two ways (`automod.decay_mode`):

- `half_life`: each violation's points halve every `automod.decay_period` (default one day);
- `window`: a violation counts fully for `automod.decay_period`, then not at all.

`automod.escalation` lists the steps, e.g. `[{"points": 3, "action": "timeout", "duration": 600},
{"points": 6, "action": "ban"}, {"violations": 3, "minutes": 10, "action": "timeout", "duration": 3600}]`: the
strongest step reached replaces the rule's own action when it is stronger. A false positive or an approved
appeal adds the opposite points at the original time, so the total is as if the violation never happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cogs.automod import repo
from core.db import TransactionPool

STRENGTH = {"delete": 0, "warn": 1, "mute": 2, "timeout": 3, "ban": 4}
ESCALATION_ACTIONS = ("warn", "mute", "timeout", "ban")
DEFAULT_ESCALATION = [
    {"points": 3, "action": "timeout", "duration": 600},
    {"points": 6, "action": "ban"},
]
MAX_EVENTS = 100
MAX_KEEP = 30 * 86400  # seconds of events kept at most
# Totals are kept to 1/100 of a point: decay below that is not measurable, so violations in a row count in full
# (three 1-point violations a tenth of a second apart are 3 points, not 2.99999, and reach a 3-point step).
POINTS_DECIMALS = 2


@dataclass(frozen=True)
class Step:
    """An escalated action: its kind, timeout duration (seconds) and the reason shown in the log."""

    kind: str
    duration: int | None
    why: str


def check_escalation(value: Any) -> str | None:
    """Validator of the `automod.escalation` setting."""
    if not isinstance(value, list):
        return 'must be a list of steps, e.g. [{"points": 3, "action": "timeout", "duration": 600}].'
    for step in value:
        if not isinstance(step, dict) or step.get("action") not in ESCALATION_ACTIONS:
            return f"each step needs an action among {', '.join(ESCALATION_ACTIONS)}."
        if "points" in step:
            if not isinstance(step["points"], int | float) or step["points"] <= 0:
                return "points must be a positive number."
        elif not (isinstance(step.get("violations"), int) and step["violations"] >= 2
                  and isinstance(step.get("minutes"), int) and 1 <= step["minutes"] <= 1440):
            return "each step needs points, or violations (2 or more) and minutes (1–1440)."
        duration = step.get("duration")
        if duration is not None and (not isinstance(duration, int) or not 1 <= duration <= 28 * 86400):
            return "duration is in seconds, from 1 to 28 days."
    return None


def total_points(events: list[list[float]], now: float, mode: str, period: float) -> float:
    """The decayed total of `[time, points]` events at `now`, to 1/100 of a point (`POINTS_DECIMALS`)."""
    total = 0.0
    for at, points in events:
        age = max(0.0, now - at)
        if mode == "window":
            total += points if age < period else 0.0
        else:
            total += points * 0.5 ** (age / period) if period > 0 else 0.0
    return max(0.0, round(total, POINTS_DECIMALS))


def violations_since(events: list[list[float]], since: float) -> int:
    """Violations (positive events minus removed ones) at or after `since`."""
    return max(0, sum(1 if points > 0 else -1 for at, points in events if at >= since and points != 0))


def pick_step(steps: list[dict[str, Any]], total: float, events: list[list[float]], now: float) -> Step | None:
    """The strongest escalation step reached, if any."""
    best: Step | None = None
    for step in steps:
        if "points" in step:
            reached = total >= step["points"]
            why = f"{total:.1f} points (threshold {step['points']})"
        else:
            count = violations_since(events, now - step["minutes"] * 60)
            reached = count >= step["violations"]
            why = f"{count} violations in {step['minutes']} min (threshold {step['violations']})"
        if not reached:
            continue
        candidate = Step(step["action"], step.get("duration"), why)
        if best is None or (STRENGTH[candidate.kind], candidate.duration or 0) > (STRENGTH[best.kind],
                                                                                  best.duration or 0):
            best = candidate
    return best


def _events(row: Any) -> list[list[float]]:
    return [list(e) for e in ((row["context"] or {}).get("events") or [])]


async def add_points(pool: TransactionPool, guild_id: int, user_id: int, rule_type: str, points: float, when: datetime,
                     now: datetime, mode: str, period: float) -> tuple[float, list[list[float]]]:
    """Record points (negative = remove) at `when`; returns the member's decayed total over every rule type
    and all their recent events. One transaction; the member's rows are locked meanwhile."""
    at, now_s = when.timestamp(), now.timestamp()
    keep = max(period * (8 if mode == "half_life" else 1), 86400)
    async with pool.acquire() as conn, conn.transaction():
        rows = {row["rule_type"]: row for row in await repo.history_for_update(conn, guild_id, user_id)}
        everything: list[list[float]] = []
        for other, row in rows.items():
            if other != rule_type:
                everything.extend(_events(row))
        row = rows.get(rule_type)
        mine = [e for e in (_events(row) if row else []) if now_s - e[0] < min(keep, MAX_KEEP)]
        mine.append([at, points])
        mine = mine[-MAX_EVENTS:]
        count = (row["violation_count"] if row else 0) + (1 if points > 0 else 0)
        last = max(when, row["last_violation"]) if row and row["last_violation"] else when
        mine_total = total_points(mine, now_s, mode, period)
        await repo.save_history(conn, guild_id, user_id, rule_type, count, last, mine_total, {"events": mine}, now)
    everything.extend(mine)
    return total_points(everything, now_s, mode, period), everything
