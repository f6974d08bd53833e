"""REST routes for guild scheduled events (the model and Discord's rules are in scheduled_events.py)."""

from __future__ import annotations

from typing import Any

from . import scheduled_events as se
from .limits import form_error, not_found
from .models import member_payload, user_payload
from .routes_guilds import get_guild
from .server import NO_CONTENT, Req, RouteTable

routes = RouteTable()
BASE = "/guilds/{guild_id}/scheduled-events"
ONE = BASE + "/{guild_scheduled_event_id}"


def _with_count(req: Req) -> bool:
    return req.query.get("with_user_count") in ("true", "1", "True")


def _event(req: Req) -> tuple[Any, se.ScheduledEvent]:
    guild = get_guild(req)
    ev = guild.scheduled_events.get(req.id("guild_scheduled_event_id"))
    if ev is None:
        raise not_found("Guild Scheduled Event", 10070)
    return guild, ev


@routes.add("GET", BASE)
async def list_events(req: Req) -> Any:
    guild = get_guild(req)
    return [se.event_payload(guild, e, with_user_count=_with_count(req))
            for e in guild.scheduled_events.values() if not e.finished]


@routes.add("POST", BASE)
async def create_event(req: Req) -> Any:
    guild = get_guild(req)
    return se.event_payload(guild, se.create(guild, guild.me, req.body, req.reason))


@routes.add("GET", ONE)
async def get_event(req: Req) -> Any:
    guild, ev = _event(req)
    return se.event_payload(guild, ev, with_user_count=_with_count(req))


@routes.add("PATCH", ONE)
async def modify_event(req: Req) -> Any:
    guild, ev = _event(req)
    return se.event_payload(guild, se.modify(guild, guild.me, ev, req.body, req.reason))


@routes.add("DELETE", ONE)
async def delete_event(req: Req) -> Any:
    guild, ev = _event(req)
    se.delete(guild, guild.me, ev, req.reason)
    return NO_CONTENT


@routes.add("GET", ONE + "/users")
async def event_users(req: Req) -> Any:
    """Interested users by user id (``limit`` 1–100, default 100; ``before``/``after``; ``with_member``)."""
    guild, ev = _event(req)
    try:
        limit = int(req.query.get("limit", 100))
    except ValueError:
        limit = 0
    if not 1 <= limit <= 100:
        raise form_error(["limit"], "NUMBER_TYPE_MAX", "int value should be between 1 and 100.")
    ids = sorted(ev.interested)
    if "before" in req.query:
        ids = [i for i in ids if i < int(req.query["before"])][-limit:]
    else:
        ids = [i for i in ids if i > int(req.query.get("after", 0))][:limit]
    members = req.query.get("with_member") in ("true", "1", "True")
    out = []
    for uid in ids:
        item: dict[str, Any] = {"guild_scheduled_event_id": str(ev.id), "user": user_payload(req.world.users[uid])}
        if members and uid in guild.members:
            item["member"] = member_payload(guild.members[uid], with_user=False)
        out.append(item)
    return out
