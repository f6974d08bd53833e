"""REST routes under /guilds (channels, members, roles, bans)."""

from __future__ import annotations

from typing import Any

from . import permissions as P
from .limits import ApiError, check_category_room, missing_permissions, not_found
from .models import CATEGORY, TEXT, Channel, Member, Overwrite, Role, role_payload, snowflake, user_payload
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


def member_update(req: Req, guild: GuildState, member: Member) -> dict[str, Any]:
    """Emit GUILD_MEMBER_UPDATE and return the member payload."""
    data = req.world.member_payload(member)
    req.world.emit("GUILD_MEMBER_UPDATE", {**data, "guild_id": str(guild.id)}, guild.id)
    return data


@routes.add("GET", "/guilds/{guild_id}")
async def fetch_guild(req: Req) -> Any:
    guild = get_guild(req)
    data = guild.payload(create=False)
    if req.query.get("with_counts") in ("true", "1", "True"):
        data["approximate_member_count"] = guild.member_count
        data["approximate_presence_count"] = 0
    return data


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
    req.world.channels[ch.id] = ch
    req.world.channel_messages[ch.id] = []
    data = req.world.channel_payload(ch)
    req.world.emit("CHANNEL_CREATE", data, guild.id)
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
    guild.me.nick = req.body.get("nick") or None
    return member_update(req, guild, guild.me)


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
    if "mute" in body or "deaf" in body or "channel_id" in body:
        require(req, guild, 1 << 22 if "mute" in body else 0, 1 << 23 if "deaf" in body else 0)
    if "nick" in body:
        member.nick = body["nick"] or None
    if "roles" in body:
        member.roles = [int(r) for r in body["roles"] or []]
    if "communication_disabled_until" in body:
        member.communication_disabled_until = body["communication_disabled_until"]
    member.mute = bool(body.get("mute", member.mute))
    member.deaf = bool(body.get("deaf", member.deaf))
    return member_update(req, guild, member)


@routes.add("DELETE", "/guilds/{guild_id}/members/{user_id}")
async def kick(req: Req) -> Any:
    guild = get_guild(req)
    member = get_member(req, guild)
    require(req, guild, P.KICK_MEMBERS)
    if not P.can_manage(guild, guild.me, member):
        raise missing_permissions()
    remove_member(req, guild, member)
    return NO_CONTENT


def remove_member(req: Req, guild: GuildState, member: Member) -> None:
    """Remove from the guild and emit GUILD_MEMBER_REMOVE."""
    guild.members.pop(member.user.id, None)
    req.world.emit("GUILD_MEMBER_REMOVE", {"guild_id": str(guild.id), "user": user_payload(member.user)}, guild.id)


@routes.add("PUT", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}")
async def add_role(req: Req) -> Any:
    guild = get_guild(req)
    member = get_member(req, guild)
    role = get_role(req, guild)
    require(req, guild, P.MANAGE_ROLES)
    check_role_assignable(req, guild, role)
    if role.id not in member.roles:
        member.roles.append(role.id)
        member_update(req, guild, member)
    return NO_CONTENT


@routes.add("DELETE", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}")
async def remove_role(req: Req) -> Any:
    guild = get_guild(req)
    member = get_member(req, guild)
    role = get_role(req, guild)
    require(req, guild, P.MANAGE_ROLES)
    check_role_assignable(req, guild, role)
    if role.id in member.roles:
        member.roles.remove(role.id)
        member_update(req, guild, member)
    return NO_CONTENT


@routes.add("GET", "/guilds/{guild_id}/bans")
async def list_bans(req: Req) -> Any:
    guild = get_guild(req)
    require(req, guild, P.BAN_MEMBERS)
    return [{"user": user_payload(req.world.users[u]), "reason": r} for u, r in guild.bans.items()]


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
    guild.bans[uid] = req.reason
    req.world.emit("GUILD_BAN_ADD", {"guild_id": str(guild.id), "user": user_payload(user)}, guild.id)
    if member is not None:
        remove_member(req, guild, member)
    return NO_CONTENT


@routes.add("DELETE", "/guilds/{guild_id}/bans/{user_id}")
async def unban(req: Req) -> Any:
    guild = get_guild(req)
    require(req, guild, P.BAN_MEMBERS)
    uid = req.id("user_id")
    if guild.bans.pop(uid, "missing") == "missing":
        raise not_found("Ban", 10026)
    req.world.emit(
        "GUILD_BAN_REMOVE", {"guild_id": str(guild.id), "user": user_payload(req.world.users[uid])}, guild.id
    )
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
    return data


@routes.add("PATCH", "/guilds/{guild_id}/roles/{role_id}")
async def edit_role(req: Req) -> Any:
    guild = get_guild(req)
    role = get_role(req, guild)
    require(req, guild, P.MANAGE_ROLES)
    if role.id != guild.id:
        check_role_assignable(req, guild, role)
    _apply_role(role, req.body)
    data = role_payload(role)
    req.world.emit("GUILD_ROLE_UPDATE", {"guild_id": str(guild.id), "role": data}, guild.id)
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
    return NO_CONTENT
