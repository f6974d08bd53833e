"""REST routes for moderation: kick, bans, the audit log."""

from __future__ import annotations

from typing import Any

from . import audit, moderation
from . import permissions as P
from .limits import ApiError, missing_permissions, not_found
from .models import user_payload
from .routes_guilds import bot_id, get_guild, get_member, require
from .server import NO_CONTENT, Req, RouteTable

routes = RouteTable()


def _int_query(req: Req, name: str, default: int | None = None, lo: int | None = None, hi: int | None = None) -> Any:
    raw = req.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, 50035, "Invalid Form Body",
                       {name: {"_errors": [{"code": "NUMBER_TYPE_COERCE", "message": "Value is not int."}]}}) from None
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise ApiError(400, 50035, "Invalid Form Body", {name: {"_errors": [{
            "code": "NUMBER_TYPE_MAX" if hi is not None and value > hi else "NUMBER_TYPE_MIN",
            "message": f"int value should be between {lo} and {hi}."}]}})
    return value


@routes.add("DELETE", "/guilds/{guild_id}/members/{user_id}")
async def kick(req: Req) -> Any:
    guild = get_guild(req)
    member = get_member(req, guild)
    require(req, guild, P.KICK_MEMBERS)
    if not P.can_manage(guild, guild.me, member):
        raise missing_permissions()
    moderation.kick(guild, member, bot_id(req), req.reason)
    return NO_CONTENT


@routes.add("GET", "/guilds/{guild_id}/bans")
async def list_bans(req: Req) -> Any:
    guild = get_guild(req)
    require(req, guild, P.BAN_MEMBERS)
    limit = _int_query(req, "limit", 1000, 1, 1000)
    before, after = _int_query(req, "before"), _int_query(req, "after")
    ids = sorted(guild.bans)
    if before is not None:
        ids = [u for u in ids if u < before][-limit:]
    else:
        ids = [u for u in ids if u > (after or 0)][:limit]
    return [{"user": user_payload(req.world.users[u]), "reason": guild.bans[u]} for u in ids]


@routes.add("GET", "/guilds/{guild_id}/bans/{user_id}")
async def fetch_ban(req: Req) -> Any:
    guild = get_guild(req)
    require(req, guild, P.BAN_MEMBERS)
    uid = req.id("user_id")
    if uid not in guild.bans:
        raise not_found("Ban", 10026)
    return {"user": user_payload(req.world.users[uid]), "reason": guild.bans[uid]}


@routes.add("PUT", "/guilds/{guild_id}/bans/{user_id}")
async def ban(req: Req) -> Any:
    guild = get_guild(req)
    require(req, guild, P.BAN_MEMBERS)
    uid = req.id("user_id")
    user = req.world.users.get(uid)
    if user is None:
        raise not_found("User", 10013)
    member = guild.members.get(uid)
    if member is not None and not P.can_manage(guild, guild.me, member):
        raise missing_permissions()
    # discord.py sends delete_message_seconds as a query parameter; the API also takes it (or the
    # deprecated delete_message_days) in the JSON body.
    seconds = _int_query(req, "delete_message_seconds")
    if seconds is None:
        seconds = req.body.get("delete_message_seconds")
    if seconds is None and req.body.get("delete_message_days") is not None:
        seconds = int(req.body["delete_message_days"]) * 86400
    moderation.ban(guild, user, bot_id(req), req.reason, int(seconds or 0))
    return NO_CONTENT


@routes.add("DELETE", "/guilds/{guild_id}/bans/{user_id}")
async def unban(req: Req) -> Any:
    guild = get_guild(req)
    require(req, guild, P.BAN_MEMBERS)
    uid = req.id("user_id")
    if uid not in guild.bans:
        raise not_found("Ban", 10026)
    moderation.unban(guild, req.world.users[uid], bot_id(req), req.reason)
    return NO_CONTENT


@routes.add("GET", "/guilds/{guild_id}/audit-logs")
async def audit_logs(req: Req) -> Any:
    guild = get_guild(req)
    require(req, guild, P.VIEW_AUDIT_LOG)
    entries = audit.query(
        guild,
        limit=_int_query(req, "limit", 50, 1, 100),
        before=_int_query(req, "before"),
        after=_int_query(req, "after"),
        user_id=_int_query(req, "user_id"),
        action_type=_int_query(req, "action_type"),
    )
    user_ids: dict[int, None] = {}
    for e in entries:
        user_ids[int(e["user_id"])] = None
        if e["target_id"] is not None and int(e["target_id"]) in req.world.users:
            user_ids[int(e["target_id"])] = None
    return {
        "audit_log_entries": entries,
        "users": [user_payload(req.world.users[u]) for u in user_ids if u in req.world.users],
        "integrations": [],
        "webhooks": [],
        "guild_scheduled_events": [],
        "threads": [],
        "application_commands": [],
        "auto_moderation_rules": [],
    }
