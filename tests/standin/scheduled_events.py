"""Guild Scheduled Events (discord.com/developers/docs/resources/guild-scheduled-event): the event object, Discord's
validation of create/modify bodies, status transitions, GUILD_SCHEDULED_EVENT_* gateway events and audit entries
100/101/102, and the ``GuildState`` helpers for people acting in Discord's own client (creating, editing, starting or
cancelling an event, marking themselves interested).

As Discord documents it:

- ``entity_type`` is required (discord.py 2.7.1 leaves it out when it infers "external" from ``location``:
  pass ``entity_type=discord.EntityType.external``); 1 stage (a stage channel, type 13), 2 voice (a voice
  channel): ``channel_id`` required, ``entity_metadata`` null; 3 external: ``channel_id`` null,
  ``entity_metadata.location`` (1–100 characters) and ``scheduled_end_time`` required. ``privacy_level`` must be
  2 (GUILD_ONLY; omitted means 2, as discord.py relies on). ``name`` 1–100, ``description`` up to 1000
  characters. The start must not be in the past (``world.now()``, which a project may point at its test clock),
  the end not before the start. Errors are 400 50035 Invalid Form Body naming the field.
- status 1 scheduled → 2 active → 3 completed, 1 → 4 canceled; nothing else (400 50035 on ``status``); a completed
  or canceled event cannot be changed any more (400 180000).
- Create needs **Create Events** (and, for a voice event, View Channel + Connect there; for a stage event Manage
  Channels, Mute Members, Move Members); modify/delete need **Manage Events**, or Create Events for an event the
  same user created; else 403 50013.
- ``recurrence_rule`` (``start``, ``end``, ``frequency`` 0 yearly … 3 daily, ``interval``, ``by_weekday`` 0=Monday,
  ``by_n_weekday`` [{n, day}], ``by_month``, ``by_month_day``, ``by_year_day``, ``count``) is accepted with Discord's
  system limitations (weekly: exactly one weekday, interval 1 or 2; monthly: one ``by_n_weekday``; yearly: one
  ``by_month`` with one ``by_month_day``; ``by_weekday`` and ``by_n_weekday`` exclusive) and echoed back with every
  key (unset ones null). Not modelled: a recurring event moving on to its next occurrence when one ends.
- Completed and canceled events leave the guild's list (GET list), as on Discord; GET one still answers them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from . import audit
from . import permissions as P
from .limits import ApiError, form_error, missing_permissions
from .models import STAGE, VOICE, Member, snowflake, user_payload

if TYPE_CHECKING:
    from .state import GuildState

SCHEDULED, ACTIVE, COMPLETED, CANCELED = 1, 2, 3, 4
ENTITY_STAGE, ENTITY_VOICE, ENTITY_EXTERNAL = 1, 2, 3
GUILD_ONLY = 2
TRANSITIONS = {SCHEDULED: {SCHEDULED, ACTIVE, CANCELED}, ACTIVE: {ACTIVE, COMPLETED}}
FINISHED_EVENT = 180000  # "Cannot update a finished event"
_FIELDS = ("name", "description", "scheduled_start_time", "scheduled_end_time", "privacy_level", "status",
           "entity_type", "channel_id", "location", "recurrence_rule")
_RULE_KEYS = ("start", "end", "frequency", "interval", "by_weekday", "by_n_weekday", "by_month", "by_month_day",
              "by_year_day", "count")


@dataclass(eq=False)
class ScheduledEvent:
    """A guild scheduled event as the stand-in stores it (times as aware UTC datetimes)."""

    id: int
    guild_id: int
    name: str
    entity_type: int
    start: datetime
    creator_id: int
    end: datetime | None = None
    channel_id: int | None = None
    location: str | None = None
    description: str | None = None
    privacy_level: int = GUILD_ONLY
    status: int = SCHEDULED
    image: str | None = None
    recurrence_rule: dict[str, Any] | None = None
    interested: list[int] = field(default_factory=list)  # user ids, in the order they marked it

    @property
    def finished(self) -> bool:
        """Completed or canceled: out of the guild's list and no longer editable."""
        return self.status in (COMPLETED, CANCELED)


def _iso(when: datetime | None) -> str | None:
    return when.astimezone(UTC).isoformat() if when is not None else None


def event_payload(guild: GuildState, ev: ScheduledEvent, *, with_user_count: bool = False) -> dict[str, Any]:
    """The guild scheduled event object (``user_count`` with ``with_user_count``)."""
    creator = guild.world.users.get(ev.creator_id)
    data: dict[str, Any] = {
        "id": str(ev.id), "guild_id": str(ev.guild_id),
        "channel_id": str(ev.channel_id) if ev.channel_id else None,
        "creator_id": str(ev.creator_id), "name": ev.name, "description": ev.description,
        "scheduled_start_time": _iso(ev.start), "scheduled_end_time": _iso(ev.end),
        "privacy_level": ev.privacy_level, "status": ev.status, "entity_type": ev.entity_type,
        "entity_id": None,
        "entity_metadata": {"location": ev.location} if ev.entity_type == ENTITY_EXTERNAL else None,
        "image": ev.image, "recurrence_rule": ev.recurrence_rule, "auto_start": False,
    }
    if creator is not None:
        data["creator"] = user_payload(creator)
    if with_user_count:
        data["user_count"] = len(ev.interested)
    return data


def _snapshot(ev: ScheduledEvent) -> dict[str, Any]:
    return {"name": ev.name, "description": ev.description, "scheduled_start_time": _iso(ev.start),
            "scheduled_end_time": _iso(ev.end), "privacy_level": ev.privacy_level, "status": ev.status,
            "entity_type": ev.entity_type, "channel_id": str(ev.channel_id) if ev.channel_id else None,
            "location": ev.location, "recurrence_rule": ev.recurrence_rule}


# -- validation ----------------------------------------------------------------------------------------------------
def _required(path: list[str]) -> ApiError:
    return form_error(path, "BASE_TYPE_REQUIRED", "This field is required")


def _text(body: dict[str, Any], key: str, lo: int, hi: int) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not lo <= len(value) <= hi:
        raise form_error([key], "BASE_TYPE_BAD_LENGTH", f"Must be between {lo} and {hi} in length.")
    return value


def _time(body: dict[str, Any], key: str) -> datetime | None:
    value = body.get(key)
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise form_error([key], "DATE_TIME_TYPE_INVALID", "Could not interpret as ISO8601 timestamp.") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC)


def _int_list(rule: dict[str, Any], key: str, lo: int, hi: int) -> list[int] | None:
    value = rule.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, int) and lo <= v <= hi for v in value):
        raise form_error(["recurrence_rule", key], "BASE_TYPE_CHOICES", f"Values must be between {lo} and {hi}.")
    return value


def validate_rule(rule: Any) -> dict[str, Any] | None:
    """A recurrence rule checked against Discord's system limitations, with every key (unset ones None)."""
    if rule is None:
        return None
    if not isinstance(rule, dict) or set(rule) - set(_RULE_KEYS):
        raise form_error(["recurrence_rule"], "DICT_TYPE_CONVERT", "Only dictionaries with the documented keys.")
    if rule.get("start") is None:
        raise _required(["recurrence_rule", "start"])
    _time(rule, "start")
    freq, interval = rule.get("frequency"), rule.get("interval", 1)
    if freq not in (0, 1, 2, 3):
        raise form_error(["recurrence_rule", "frequency"], "BASE_TYPE_CHOICES", "Value must be one of (0, 1, 2, 3).")
    weekdays = _int_list(rule, "by_weekday", 0, 6)
    months, month_days = _int_list(rule, "by_month", 1, 12), _int_list(rule, "by_month_day", 1, 31)
    nth = rule.get("by_n_weekday")
    if nth is not None and not (isinstance(nth, list) and all(
            isinstance(x, dict) and x.get("n") in range(1, 6) and x.get("day") in range(7) for x in nth)):
        raise form_error(["recurrence_rule", "by_n_weekday"], "BASE_TYPE_CHOICES", "n 1-5 and day 0-6.")
    problem = None
    if weekdays is not None and nth is not None:
        problem = "by_weekday and by_n_weekday are mutually exclusive"
    elif (months is None) != (month_days is None):
        problem = "by_month and by_month_day must be set together"
    elif freq == 2 and (weekdays is None or len(weekdays) != 1):
        problem = "a weekly event recurs on exactly one day of the week"
    elif freq == 1 and (nth is None or len(nth) != 1):
        problem = "a monthly event recurs on one nth weekday"
    elif freq == 0 and (months is None or len(months) != 1 or len(month_days or []) != 1):
        problem = "a yearly event recurs on one month and one day of the month"
    elif not isinstance(interval, int) or interval not in ((1, 2) if freq == 2 else (1,)):
        problem = "interval can only be 2 for a weekly event (every other week), otherwise 1"
    if problem is not None:
        raise form_error(["recurrence_rule"], "GUILD_SCHEDULED_EVENT_INVALID_RECURRENCE_RULE", problem)
    return {key: (interval if key == "interval" else rule.get(key)) for key in _RULE_KEYS}


def _apply(guild: GuildState, ev: ScheduledEvent, body: dict[str, Any], *, creating: bool) -> None:
    """Validate ``body`` over ``ev`` (a draft) and apply it; raises 400 50035 naming the field."""
    now = guild.world.now()
    if creating or "name" in body:
        ev.name = _text(body, "name", 1, 100) or ""
        if not ev.name:
            raise _required(["name"])
    if "description" in body:
        ev.description = _text(body, "description", 0, 1000)
    if "privacy_level" in body:  # omitted: GUILD_ONLY (discord.py leaves it out unless given)
        if body["privacy_level"] != GUILD_ONLY:
            raise form_error(["privacy_level"], "BASE_TYPE_CHOICES", "Value must be one of (2,).")
    if "entity_type" in body or creating:
        if body.get("entity_type") not in (ENTITY_STAGE, ENTITY_VOICE, ENTITY_EXTERNAL):
            raise form_error(["entity_type"], "BASE_TYPE_CHOICES", "Value must be one of (1, 2, 3).")
        ev.entity_type = body["entity_type"]
    if "scheduled_start_time" in body or creating:
        start = _time(body, "scheduled_start_time")
        if start is None:
            raise _required(["scheduled_start_time"])
        if start < now and (creating or start != ev.start):
            raise form_error(["scheduled_start_time"], "GUILD_SCHEDULED_EVENT_SCHEDULED_START_TIME_IN_THE_PAST",
                             "Cannot schedule event in the past.")
        ev.start = start
    if "scheduled_end_time" in body:
        ev.end = _time(body, "scheduled_end_time")
    if "channel_id" in body:
        ev.channel_id = int(body["channel_id"]) if body["channel_id"] is not None else None
    if "entity_metadata" in body:
        meta = body["entity_metadata"] or {}
        ev.location = _text(meta, "location", 1, 100) if isinstance(meta, dict) else None
    if "recurrence_rule" in body:
        ev.recurrence_rule = validate_rule(body["recurrence_rule"])
    if ev.entity_type == ENTITY_EXTERNAL:
        if ev.channel_id is not None:
            raise form_error(["channel_id"], "GUILD_SCHEDULED_EVENT_INVALID_CHANNEL",
                             "An external event has no channel.")
        if not ev.location:
            raise _required(["entity_metadata", "location"])
        if ev.end is None:
            raise _required(["scheduled_end_time"])
    else:
        ev.location = None
        want = STAGE if ev.entity_type == ENTITY_STAGE else VOICE
        ch = guild.world.channels.get(ev.channel_id or 0)
        if ev.channel_id is None:
            raise _required(["channel_id"])
        if ch is None or ch.guild_id != guild.id or ch.type != want:
            raise form_error(["channel_id"], "GUILD_SCHEDULED_EVENT_INVALID_CHANNEL",
                             "The channel does not match the entity type.")
    if ev.end is not None and ev.end <= ev.start:
        raise form_error(["scheduled_end_time"], "GUILD_SCHEDULED_EVENT_END_BEFORE_START",
                         "The end time must be after the start time.")


# -- permissions ---------------------------------------------------------------------------------------------------
def _channel_bits(entity_type: int) -> int:
    if entity_type == ENTITY_STAGE:
        return P.MANAGE_CHANNELS | P.MUTE_MEMBERS | P.MOVE_MEMBERS
    if entity_type == ENTITY_VOICE:
        return P.VIEW_CHANNEL | P.CONNECT
    return 0


def check_may(guild: GuildState, actor: Member, ev: ScheduledEvent | None) -> None:
    """403 50013 unless ``actor`` may create (``ev`` None) or change ``ev``, as Discord documents."""
    have = P.base_permissions(guild, actor)
    if ev is None:
        ok = bool(have & P.CREATE_EVENTS)
    else:
        ok = bool(have & P.MANAGE_EVENTS) or (ev.creator_id == actor.user.id and bool(have & P.CREATE_EVENTS))
    if not ok:
        raise missing_permissions()


def _check_channel(guild: GuildState, actor: Member, ev: ScheduledEvent) -> None:
    bits = _channel_bits(ev.entity_type)
    ch = guild.world.channels.get(ev.channel_id or 0)
    if bits and (P.channel_permissions(guild, actor, ch) & bits) != bits:
        raise missing_permissions()


# -- create / modify / delete --------------------------------------------------------------------------------------
def create(guild: GuildState, actor: Member, body: dict[str, Any], reason: str | None = None) -> ScheduledEvent:
    """Create an event from a REST body: GUILD_SCHEDULED_EVENT_CREATE, audit 100."""
    check_may(guild, actor, None)
    ev = ScheduledEvent(snowflake(), guild.id, "", 0, guild.world.now(), actor.user.id)
    _apply(guild, ev, body, creating=True)
    _check_channel(guild, actor, ev)
    guild.scheduled_events[ev.id] = ev
    guild.world.emit("GUILD_SCHEDULED_EVENT_CREATE", event_payload(guild, ev), guild.id)
    snap = _snapshot(ev)
    audit.record(guild, audit.SCHEDULED_EVENT_CREATE, actor.user.id, ev.id, reason=reason,
                 changes=[audit.change(k, None, v) for k, v in snap.items() if v is not None])
    return ev


def modify(guild: GuildState, actor: Member, ev: ScheduledEvent, body: dict[str, Any],
           reason: str | None = None) -> ScheduledEvent:
    """Modify an event (status transitions checked): GUILD_SCHEDULED_EVENT_UPDATE, audit 101."""
    check_may(guild, actor, ev)
    if ev.finished:
        raise ApiError(400, FINISHED_EVENT, "Cannot update a finished event")
    draft = ScheduledEvent(**{**ev.__dict__, "interested": ev.interested})
    _apply(guild, draft, body, creating=False)
    if "status" in body:
        status = body["status"]
        if status not in TRANSITIONS[ev.status]:
            raise form_error(["status"], "GUILD_SCHEDULED_EVENT_INVALID_STATUS_TRANSITION",
                             f"Cannot go from status {ev.status} to {status}.")
        draft.status = status
    _check_channel(guild, actor, draft)
    before = _snapshot(ev)
    ev.__dict__.update(draft.__dict__)
    guild.world.emit("GUILD_SCHEDULED_EVENT_UPDATE", event_payload(guild, ev), guild.id)
    changes = audit.diff(before, _snapshot(ev))
    if changes:
        audit.record(guild, audit.SCHEDULED_EVENT_UPDATE, actor.user.id, ev.id, reason=reason, changes=changes)
    return ev


def delete(guild: GuildState, actor: Member, ev: ScheduledEvent, reason: str | None = None) -> None:
    """Delete an event: GUILD_SCHEDULED_EVENT_DELETE (the whole object), audit 102."""
    check_may(guild, actor, ev)
    guild.scheduled_events.pop(ev.id, None)
    guild.world.emit("GUILD_SCHEDULED_EVENT_DELETE", event_payload(guild, ev), guild.id)
    audit.record(guild, audit.SCHEDULED_EVENT_DELETE, actor.user.id, ev.id, reason=reason,
                 changes=[audit.change(k, v, None) for k, v in _snapshot(ev).items() if v is not None])


def _body(name: str | None, start: datetime | None, end: datetime | None, channel: Any, location: str | None,
          description: str | None, entity_type: int | None) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if name is not None:
        body["name"] = name
    if start is not None:
        body["scheduled_start_time"] = start.isoformat()
    if end is not None:
        body["scheduled_end_time"] = end.isoformat()
    if channel is not None:
        body["channel_id"] = channel.id
    if location is not None:
        body["entity_metadata"] = {"location": location}
    if description is not None:
        body["description"] = description
    if entity_type is not None:
        body["entity_type"] = entity_type
    return body


class GuildScheduledEvents:
    """Mixed into ``GuildState``: ``scheduled_events`` (id → ScheduledEvent) and people acting in Discord's client.
    The helpers raise PermissionError where Discord's client would not let the person do it."""

    scheduled_events: dict[int, ScheduledEvent]

    def scheduled_event(self: GuildState, name: str) -> ScheduledEvent:  # type: ignore[misc]
        """The (most recent) event called ``name``."""
        found = [e for e in self.scheduled_events.values() if e.name == name]
        if not found:
            raise KeyError(f"no scheduled event {name!r} in {self.name}")
        return found[-1]

    def add_scheduled_event(self: GuildState, name: str, *, by: Member, start: datetime,  # type: ignore[misc]
                            end: datetime | None = None, channel: Any = None, location: str | None = None,
                            description: str | None = None) -> ScheduledEvent:
        """``by`` creates an event in Discord's client (a voice/stage ``channel``, or an external ``location``
        with ``end``): GUILD_SCHEDULED_EVENT_CREATE, audit 100."""
        kind = ENTITY_EXTERNAL if channel is None else (ENTITY_STAGE if channel.type == STAGE else ENTITY_VOICE)
        body = _body(name, start, end, channel, location, description, kind)
        return _as_person(lambda: create(self, by, {**body, "privacy_level": GUILD_ONLY}))

    def edit_scheduled_event(self: GuildState, ev: ScheduledEvent, *, by: Member,  # type: ignore[misc]
                             status: int | None = None, name: str | None = None, start: datetime | None = None,
                             end: datetime | None = None, location: str | None = None,
                             description: str | None = None) -> ScheduledEvent:
        """``by`` edits, starts (status 2), ends (3) or cancels (4) ``ev`` in Discord's client:
        GUILD_SCHEDULED_EVENT_UPDATE, audit 101."""
        body = _body(name, start, end, None, location, description, None)
        if status is not None:
            body["status"] = status
        return _as_person(lambda: modify(self, by, ev, body))

    def delete_scheduled_event(self: GuildState, ev: ScheduledEvent, *, by: Member) -> None:  # type: ignore[misc]
        """``by`` deletes ``ev`` in Discord's client: GUILD_SCHEDULED_EVENT_DELETE, audit 102."""
        _as_person(lambda: delete(self, by, ev))

    def mark_interested(self: GuildState, ev: ScheduledEvent, member: Member) -> None:  # type: ignore[misc]
        """``member`` clicks "Interested": GUILD_SCHEDULED_EVENT_USER_ADD (no-op if already interested)."""
        if ev.finished:
            raise PermissionError(f"{ev.name!r} is over")
        if member.user.id not in ev.interested:
            ev.interested.append(member.user.id)
            self.world.emit("GUILD_SCHEDULED_EVENT_USER_ADD", _user_event(self, ev, member), self.id)

    def unmark_interested(self: GuildState, ev: ScheduledEvent, member: Member) -> None:  # type: ignore[misc]
        """``member`` un-clicks "Interested": GUILD_SCHEDULED_EVENT_USER_REMOVE (no-op if not interested)."""
        if member.user.id in ev.interested:
            ev.interested.remove(member.user.id)
            self.world.emit("GUILD_SCHEDULED_EVENT_USER_REMOVE", _user_event(self, ev, member), self.id)


def _user_event(guild: GuildState, ev: ScheduledEvent, member: Member) -> dict[str, Any]:
    return {"guild_scheduled_event_id": str(ev.id), "user_id": str(member.user.id), "guild_id": str(guild.id)}


def _as_person(action: Any) -> Any:
    try:
        return action()
    except ApiError as exc:
        if exc.status == 403:
            raise PermissionError("Discord's client would not allow this (missing permission)") from None
        raise ValueError(f"Discord's client would refuse this: {exc.body}") from None
