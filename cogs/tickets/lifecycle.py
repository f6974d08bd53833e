"""The ticket lifecycle as data: which action leads from which statuses to which, and who may take it.

    open ──claim──▶ claimed ──wait──▶ waiting_for_user ──escalate──▶ escalated
      └──────────────── close (staff or the opener) ──────────────────┘
    closed ──reopen (staff)──▶ open / claimed        closed ──archive (staff, or the delay)──▶ archived
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Flag, auto

from utils.errors import UserFacingError

OPEN, CLAIMED, WAITING, ESCALATED, CLOSED, ARCHIVED = (
    "open", "claimed", "waiting_for_user", "escalated", "closed", "archived")
STATUSES = (OPEN, CLAIMED, WAITING, ESCALATED, CLOSED, ARCHIVED)
ACTIVE = frozenset({OPEN, CLAIMED, WAITING, ESCALATED})
LABELS = {OPEN: "open", CLAIMED: "claimed", WAITING: "waiting for the member", ESCALATED: "escalated",
          CLOSED: "closed", ARCHIVED: "archived"}


class Who(Flag):
    """Who may take an action."""

    STAFF = auto()
    OPENER = auto()


@dataclass(frozen=True)
class Transition:
    """An action: the statuses it starts from, the status it leads to, who may take it, how it is phrased."""

    action: str
    sources: frozenset[str]
    target: str
    who: Who
    verb: str  # "claimed" → "Ticket #3 can't be claimed"


TRANSITIONS: dict[str, Transition] = {t.action: t for t in (
    Transition("claim", frozenset({OPEN, WAITING, ESCALATED}), CLAIMED, Who.STAFF, "claimed"),
    Transition("wait", frozenset({OPEN, CLAIMED, ESCALATED}), WAITING, Who.STAFF, "set to wait for the member"),
    Transition("escalate", frozenset({OPEN, CLAIMED, WAITING}), ESCALATED, Who.STAFF, "escalated"),
    Transition("close", ACTIVE, CLOSED, Who.STAFF | Who.OPENER, "closed"),
    Transition("reopen", frozenset({CLOSED}), OPEN, Who.STAFF, "reopened"),
    Transition("archive", frozenset({CLOSED}), ARCHIVED, Who.STAFF, "archived"),
)}


class InvalidTransition(UserFacingError):
    """The action does not apply to the ticket's current status."""


class NotAllowed(UserFacingError):
    """The member may not take this action."""


def possible(status: str) -> list[str]:
    """The actions that apply to a ticket in `status`."""
    return [t.action for t in TRANSITIONS.values() if status in t.sources]


def check(action: str, ticket_id: int, status: str, *, staff: bool, opener: bool) -> Transition:
    """The transition for `action`, or the reason it can't be taken (as a `UserFacingError`)."""
    transition = TRANSITIONS[action]
    allowed = (staff and Who.STAFF in transition.who) or (opener and Who.OPENER in transition.who)
    if not allowed:
        who = "staff or the member who opened it" if Who.OPENER in transition.who else "staff"
        raise NotAllowed(f"Only {who} can do that: ticket #{ticket_id} can't be {transition.verb} by you.")
    if status not in transition.sources:
        options = possible(status)
        hint = f" Possible now: {', '.join(options)}." if options else ""
        raise InvalidTransition(f"Ticket #{ticket_id} is {LABELS.get(status, status)}, so it can't be "
                                f"{transition.verb}.{hint}")
    return transition
