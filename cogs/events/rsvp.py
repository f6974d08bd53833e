"""Sign-ups: Going / Maybe / Can't with capacity, a waitlist promoted in order, approval by the organiser, a role
required to sign up, and sign-ups closed at the start. Pure decisions on rows, inside the caller's transaction
with the event locked (`repo.lock`), so a rush of clicks cannot overfill the event."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import asyncpg

from cogs.events import repo
from cogs.events.card import open_for_signups
from cogs.events.model import CANCELLED, DECLINED, GOING, MAYBE, PENDING, WAITLIST, Attendee, Event
from utils.errors import UserFacingError

ANSWERS = {GOING: "You're going", MAYBE: "You might come", DECLINED: "You can't come",
           WAITLIST: "The event is full: you're on the waitlist (you'll get a DM if a place frees up)",
           PENDING: "The organiser approves sign-ups: you'll get a DM when they decide"}


@dataclass
class Change:
    """What one answer (or decision) changed: the member's row, and who moved up from the waitlist."""

    person: Attendee
    previous: str | None
    promoted: list[Attendee] = field(default_factory=list)

    @property
    def touched(self) -> list[Attendee]:
        """Every row whose reminders must be planned again."""
        return [self.person, *self.promoted]


def check_open(event: Event, now: datetime) -> None:
    """Refuse an answer to an event that is cancelled, over or already started."""
    if event.status == CANCELLED:
        raise UserFacingError("This event was cancelled.")
    if not open_for_signups(event, now):
        raise UserFacingError("Sign-ups for this event closed when it started.")


async def _going_count(conn: asyncpg.Connection, event: Event) -> int:
    return sum(1 for person in await repo.attendees(conn, event) if person.status == GOING)


async def fill(conn: asyncpg.Connection, event: Event) -> list[Attendee]:
    """Move waitlisted members up, first come first served, while there is room; returns who moved up."""
    people = await repo.attendees(conn, event)
    room = (event.capacity or 0) - sum(1 for person in people if person.status == GOING)
    promoted = []
    for person in people:
        if event.capacity is not None and room <= 0:
            break
        if person.status == WAITLIST:
            moved = await repo.set_attendee_status(conn, event, person.user_id, GOING)
            assert moved is not None
            promoted.append(moved)
            room -= 1
    return promoted


async def accept_pending(conn: asyncpg.Connection, event: Event) -> list[Attendee]:
    """The sign-ups still waiting for approval when the organiser turns approval off: going while there is room,
    then the waitlist, in the order they signed up; returns them with their new status."""
    people = await repo.attendees(conn, event)
    room = None if event.capacity is None else event.capacity - sum(1 for p in people if p.status == GOING)
    accepted = []
    for person in people:
        if person.status != PENDING:
            continue
        going = room is None or room > 0
        if going and room is not None:
            room -= 1
        moved = await repo.set_attendee_status(conn, event, person.user_id, GOING if going else WAITLIST)
        assert moved is not None
        accepted.append(moved)
    return accepted


async def answer(conn: asyncpg.Connection, event: Event, user_id: int, choice: str, now: datetime,
                 *, has_role: bool) -> Change:
    """Record `choice` (going, maybe or declined) for the member, with every rule of the event applied."""
    check_open(event, now)
    if choice in (GOING, MAYBE) and event.required_role_id and not has_role:
        raise UserFacingError(f"Only members with the <@&{event.required_role_id}> role can sign up for this "
                              "event. Ask the organiser or a moderator if you should have it.")
    before = await repo.attendee(conn, event, user_id)
    previous = before.status if before else None
    status = choice
    if choice == GOING:
        if previous in (GOING, WAITLIST, PENDING):
            return Change(before, previous)  # type: ignore[arg-type]  # already in line: keep the place
        if event.approval:
            status = PENDING
        elif event.capacity is not None and await _going_count(conn, event) >= event.capacity:
            status = WAITLIST
    person = await repo.answer(conn, event, user_id, status, now)
    change = Change(person, previous)
    if previous == GOING and status != GOING:
        change.promoted = await fill(conn, event)
    return change


async def decide(conn: asyncpg.Connection, event: Event, user_id: int, approve: bool, now: datetime) -> Change:
    """The organiser's decision on a pending sign-up: going (or the waitlist when full), or declined."""
    check_open(event, now)
    before = await repo.attendee(conn, event, user_id)
    if before is None or before.status != PENDING:
        raise UserFacingError("That sign-up is no longer waiting for a decision (the member changed their answer, "
                              "or it was already decided).")
    status = DECLINED
    if approve:
        full = event.capacity is not None and await _going_count(conn, event) >= event.capacity
        status = WAITLIST if full else GOING
    person = await repo.set_attendee_status(conn, event, user_id, status)
    assert person is not None
    return Change(person, PENDING)
