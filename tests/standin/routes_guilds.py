"""REST routes under /guilds (channels, members, roles, bans)."""

from __future__ import annotations

from typing import Any

from . import audit, guild_safety, moderation
from . import permissions as P
from .limits import ApiError, check_category_room, missing_permissions, not_found, validate_slowmode
from .models import CATEGORY, TEXT, Channel, Member, Overwrite, Role, role_payload, snowflake
from .server import NO_CONTENT, Req, RouteTable
from .state import GuildState

routes = RouteTable()


def get_guild(req: Req) -> GuildState:
    """Guild from the path (404 Unknown Guild)."""
    guild = req.world.guilds.get(req.id("guild_id"))
    if guild is None:
        raise not_found("Guild", 10004)
    return guild


def require(req: Req, guild: GuildState, *bits: int) -> None:
    """403 Missing Permissions unless the bot has every bit guild-wide."""
    have = req.world.bot_permissions(guild)
    if any(b and not have & b for b in bits):
        raise missing_permissions()


def get_member(req: Req, guild: GuildState, name: str = "user_id") -> Member:
    """Member from the path (404 Unknown Member)."""
    member = guild.members.get(req.id(name))
    if member is None:
        raise not_found("Member", 10007)
    return member


def get_role(req: Req, guild: GuildState) -> Role:
    """Role from the path (404 Unknown Role)."""
    role = guild.roles.get(req.id("role_id"))
    if role is None:
        raise not_found("Role", 10011)
    return role


def check_role_assignable(req: Req, guild: GuildState, role: Role) -> None:
    """The bot may only manage roles strictly below its top role (and not managed ones)."""
    if role.managed or role.id == guild.id:
        raise missing_permissions()
    if guild.owner_id != req.world.bot_user.id and role.position >= P.top_position(guild, guild.me):
        raise missing_permissions()


def bot_id(req: Req) -> int:
    """The acting user for audit entries: the bot."""
    return req.world.bot_user.id


@routes.add("GET", "/guilds/{guild_id}")
async def fetch_guild(req: Req) -> Any:
    guild = get_guild(req)
    data = guild.payload(create=False)
    if req.query.get("with_counts") in ("true", "1", "True"):
        data["approximate_member_count"] = guild.member_count
        data["approximate_presence_count"] = 0
    return data


@routes.add("PATCH", "/guilds/{guild_id}")
async def modify_guild(req: Req) -> Any:
    """Modify Guild: the verification level, the mutable features (invites paused), the name (guild_safety.py)."""
    guild = get_guild(req)
    return guild_safety.modify(guild, req.body, actor_id=bot_id(req), permissions=req.world.bot_permissions(guild),
                               reason=req.reason)


@routes.add("GET", "/guilds/{guild_id}/channels")
async def list_channels(req: Req) -> Any:
    return [req.world.channel_payload(c) for c in get_guild(req).channels]


@routes.add("POST", "/guilds/{guild_id}/channels")
async def create_channel(req: Req) -> Any:
    guild = get_guild(req)
    require(req, guild, P.MANAGE_CHANNELS)
    body = req.body
    name = str(body.get("name") or "")
    if not 1 <= len(name) <= 100:
        raise ApiError(400, 50035, "Invalid Form Body", {"name": {"_errors": [{"code": "BASE_TYPE_BAD_LENGTH"}]}})
    ch = Channel(snowflake(), int(body.get("type", TEXT)), name, guild.id, position=len(guild.channels))
    ch.topic = body.get("topic")
    ch.nsfw = bool(body.get("nsfw", False))
    if body.get("parent_id"):
        parent = req.world.channels.get(int(body["parent_id"]))
        if parent is None or parent.type != CATEGORY:
            raise ApiError(
                400, 50035, "Invalid Form Body", {"parent_id": {"_errors": [{"code": "CHANNEL_PARENT_INVALID"}]}}
            )
        check_category_room(req.world.channels, parent.id)
        ch.parent_id = parent.id
    for o in body.get("permission_overwrites") or []:
        oid = int(o["id"])
        ch.overwrites[oid] = Overwrite(oid, int(o.get("type", 0)), int(o.get("allow", 0)), int(o.get("deny", 0)))
    if ch.overwrites:
        require(req, guild, P.MANAGE_ROLES)
    validate_slowmode(body)
    ch.rate_limit_per_user = int(body.get("rate_limit_per_user") or 0)
    req.world.channels[ch.id] = ch
    req.world.channel_messages[ch.id] = []
    data = req.world.channel_payload(ch)
    req.world.emit("CHANNEL_CREATE", data, guild.id)
    changes = [audit.change(k, None, v) for k, v in audit.channel_snapshot(ch).items() if v not in (None, [])]
    audit.record(guild, audit.CHANNEL_CREATE, bot_id(req), ch.id, reason=req.reason, changes=changes)
    return data


@routes.add("PATCH", "/guilds/{guild_id}/channels")
async def move_channels(req: Req) -> Any:
    guild = get_guild(req)
    require(req, guild, P.MANAGE_CHANNELS)
    for item in req.json or []:
        ch = req.world.channels.get(int(item["id"]))
        if ch is None or ch.guild_id != guild.id:
            continue
        if item.get("position") is not None:
            ch.position = int(item["position"])
        if "parent_id" in item:
            if item["parent_id"]:
                check_category_room(req.world.channels, int(item["parent_id"]), moving=ch.id)
            ch.parent_id = int(item["parent_id"]) if item["parent_id"] else None
        req.world.emit("CHANNEL_UPDATE", req.world.channel_payload(ch), guild.id)
    return NO_CONTENT


@routes.add("GET", "/guilds/{guild_id}/members")
async def list_members(req: Req) -> Any:
    guild = get_guild(req)
    after = int(req.query.get("after", 0))
    limit = int(req.query.get("limit", 1))
    members = sorted((m for m in guild.members.values() if m.user.id > after), key=lambda m: m.user.id)
    return [req.world.member_payload(m) for m in members[:limit]]


@routes.add("GET", "/guilds/{guild_id}/members/{user_id}")
async def fetch_member(req: Req) -> Any:
    guild = get_guild(req)
    return req.world.member_payload(get_member(req, guild))


@routes.add("PATCH", "/guilds/{guild_id}/members/@me")
async def edit_me(req: Req) -> Any:
    guild = get_guild(req)
    require(req, guild, P.CHANGE_NICKNAME)
    return moderation.update_member(guild, guild.me, bot_id(req), req.reason, {"nick": req.body.get("nick")})


@routes.add("PATCH", "/guilds/{guild_id}/members/{user_id}")
async def edit_member(req: Req) -> Any:
    guild = get_guild(req)
    member = get_member(req, guild)
    body = req.body
    is_self = member.user.id == req.world.bot_user.id
    outranks = P.can_manage(guild, guild.me, member)
    if "nick" in body:
        require(req, guild, P.CHANGE_NICKNAME if is_self else P.MANAGE_NICKNAMES)
        if not is_self and not outranks:
            raise missing_permissions()
    if "roles" in body:
        require(req, guild, P.MANAGE_ROLES)
        new = {int(r) for r in body["roles"] or []}
        for rid in new.symmetric_difference(member.roles):
            role = guild.roles.get(rid)
            if role is None:
                raise not_found("Role", 10011)
            check_role_assignable(req, guild, role)
    if "communication_disabled_until" in body:
        require(req, guild, P.MODERATE_MEMBERS)
        if not outranks or P.base_permissions(guild, member) & P.ADMINISTRATOR:
            raise missing_permissions()
        moderation.check_timeout(body["communication_disabled_until"])
    if "mute" in body or "deaf" in body or "channel_id" in body:
        require(req, guild, 1 << 22 if "mute" in body else 0, 1 << 23 if "deaf" in body else 0)
    fields = {k: body[k] for k in ("nick", "roles", "communication_disabled_until", "mute", "deaf") if k in body}
    return moderation.update_member(guild, member, bot_id(req), req.reason, fields)


@routes.add("PUT", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}")
async def add_role(req: Req) -> Any:
    guild = get_guild(req)
    member = get_member(req, guild)
    role = get_role(req, guild)
    require(req, guild, P.MANAGE_ROLES)
    check_role_assignable(req, guild, role)
    if role.id not in member.roles:
        moderation.update_member(guild, member, bot_id(req), req.reason, {"roles": [*member.roles, role.id]})
    return NO_CONTENT


@routes.add("DELETE", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}")
async def remove_role(req: Req) -> Any:
    guild = get_guild(req)
    member = get_member(req, guild)
    role = get_role(req, guild)
    require(req, guild, P.MANAGE_ROLES)
    check_role_assignable(req, guild, role)
    if role.id in member.roles:
        roles = [r for r in member.roles if r != role.id]
        moderation.update_member(guild, member, bot_id(req), req.reason, {"roles": roles})
    return NO_CONTENT


@routes.add("GET", "/guilds/{guild_id}/roles")
async def list_roles(req: Req) -> Any:
    return [role_payload(r) for r in get_guild(req).roles.values()]


@routes.add("GET", "/guilds/{guild_id}/roles/{role_id}")
async def fetch_role(req: Req) -> Any:
    guild = get_guild(req)
    return role_payload(get_role(req, guild))


def _apply_role(role: Role, body: dict[str, Any]) -> None:
    for key in ("name", "hoist", "mentionable"):
        if key in body and body[key] is not None:
            setattr(role, key, body[key])
    if "color" in body and body["color"] is not None:
        role.color = int(body["color"])
    if body.get("colors"):
        role.color = int(body["colors"].get("primary_color") or 0)
    if "permissions" in body and body["permissions"] is not None:
        role.permissions = int(body["permissions"])


@routes.add("POST", "/guilds/{guild_id}/roles")
async def create_role(req: Req) -> Any:
    guild = get_guild(req)
    require(req, guild, P.MANAGE_ROLES)
    role = Role(snowflake(), guild.id, "new role", 0, 1)
    _apply_role(role, req.body)
    moved = []
    for other in guild.roles.values():
        if other.position >= 1 and other.id != guild.id:
            other.position += 1
            moved.append(other)
    guild.roles[role.id] = role
    data = role_payload(role)
    req.world.emit("GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": data}, guild.id)
    for other in moved:  # like Discord: the roles pushed up are announced with their new position
        req.world.emit("GUILD_ROLE_UPDATE", {"guild_id": str(guild.id), "role": role_payload(other)}, guild.id)
    changes = [audit.change(k, None, v) for k, v in audit.role_snapshot(role).items()]
    audit.record(guild, audit.ROLE_CREATE, bot_id(req), role.id, reason=req.reason, changes=changes)
    return data


@routes.add("PATCH", "/guilds/{guild_id}/roles/{role_id}")
async def edit_role(req: Req) -> Any:
    guild = get_guild(req)
    role = get_role(req, guild)
    require(req, guild, P.MANAGE_ROLES)
    if role.id != guild.id:
        check_role_assignable(req, guild, role)
    before = audit.role_snapshot(role)
    _apply_role(role, req.body)
    data = role_payload(role)
    req.world.emit("GUILD_ROLE_UPDATE", {"guild_id": str(guild.id), "role": data}, guild.id)
    changes = audit.diff(before, audit.role_snapshot(role))
    if changes:
        audit.record(guild, audit.ROLE_UPDATE, bot_id(req), role.id, reason=req.reason, changes=changes)
    return data


@routes.add("PATCH", "/guilds/{guild_id}/roles")
async def move_roles(req: Req) -> Any:
    guild = get_guild(req)
    require(req, guild, P.MANAGE_ROLES)
    for item in req.json or []:
        role = guild.roles.get(int(item["id"]))
        if role is not None and item.get("position") is not None:
            check_role_assignable(req, guild, role)
            role.position = int(item["position"])
            req.world.emit("GUILD_ROLE_UPDATE", {"guild_id": str(guild.id), "role": role_payload(role)}, guild.id)
    return [role_payload(r) for r in guild.roles.values()]


@routes.add("DELETE", "/guilds/{guild_id}/roles/{role_id}")
async def delete_role(req: Req) -> Any:
    guild = get_guild(req)
    role = get_role(req, guild)
    require(req, guild, P.MANAGE_ROLES)
    check_role_assignable(req, guild, role)
    del guild.roles[role.id]
    for member in guild.members.values():
        if role.id in member.roles:
            member.roles.remove(role.id)
    req.world.emit("GUILD_ROLE_DELETE", {"guild_id": str(guild.id), "role_id": str(role.id)}, guild.id)
    changes = [audit.change(k, v, None) for k, v in audit.role_snapshot(role).items()]
    audit.record(guild, audit.ROLE_DELETE, bot_id(req), role.id, reason=req.reason, changes=changes)
    return NO_CONTENT
