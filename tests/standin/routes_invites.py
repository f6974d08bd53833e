"""REST routes for invites and the vanity URL."""

from __future__ import annotations

from typing import Any

from . import invites
from . import permissions as P
from .limits import form_error, missing_permissions, not_found
from .routes_channels import get_channel
from .routes_channels import require as require_in_channel
from .routes_guilds import get_guild, require
from .server import Req, RouteTable

routes = RouteTable()


def _bounded(body: dict[str, Any], key: str, default: int, hi: int) -> int:
    value = body.get(key, default)
    value = default if value is None else value
    if not isinstance(value, int) or not 0 <= value <= hi:
        raise form_error([key], "NUMBER_TYPE_MAX", f"int value should be between 0 and {hi}.")
    return value


@routes.add("POST", "/channels/{channel_id}/invites")
async def create_invite(req: Req) -> Any:
    ch = get_channel(req)
    guild = req.world.guild_of(ch)
    if guild is None:
        raise not_found("Channel", 10003)
    require_in_channel(req, ch, P.CREATE_INSTANT_INVITE)
    body = req.body
    inv = invites.create(
        guild,
        ch,
        req.world.bot_user,
        max_age=_bounded(body, "max_age", 86400, 604800),
        max_uses=_bounded(body, "max_uses", 0, 100),
        temporary=bool(body.get("temporary", False)),
        unique=bool(body.get("unique", False)),
        reason=req.reason,
    )
    return invites.invite_payload(guild, inv)


@routes.add("GET", "/channels/{channel_id}/invites")
async def channel_invites(req: Req) -> Any:
    ch = get_channel(req)
    guild = req.world.guild_of(ch)
    require_in_channel(req, ch, P.MANAGE_CHANNELS)
    if guild is None:
        return []
    return [invites.invite_payload(guild, i) for i in guild.invites.values() if i.channel_id == ch.id and not i.expired]


@routes.add("GET", "/guilds/{guild_id}/invites")
async def guild_invites(req: Req) -> Any:
    guild = get_guild(req)
    require(req, guild, P.MANAGE_GUILD)
    return [invites.invite_payload(guild, i) for i in guild.invites.values() if not i.expired]


def _find(req: Req) -> tuple[Any, Any]:
    code = req.params["invite_id"]
    for guild in req.world.guilds.values():
        inv = guild.invites.get(code)
        if inv is not None and not inv.expired:
            return guild, inv
        if guild.vanity_code is not None and guild.vanity_code == code:
            return guild, None
    raise not_found("Invite", 10006)


@routes.add("GET", "/invites/{invite_id}")
async def fetch_invite(req: Req) -> Any:
    guild, inv = _find(req)
    if inv is None:  # the vanity invite leads to the guild's first text channel
        texts = [c for c in guild.channels if c.type == 0]
        inv = invites.Invite(guild.vanity_code, guild.id, texts[0].id if texts else 0, None, 0)
    data = invites.invite_payload(guild, inv, metadata=False)
    if req.query.get("with_counts") in ("true", "1", "True"):
        data["approximate_member_count"] = guild.member_count
        data["approximate_presence_count"] = 0
    return data


@routes.add("DELETE", "/invites/{invite_id}")
async def delete_invite(req: Req) -> Any:
    guild, inv = _find(req)
    if inv is None:
        raise missing_permissions()  # the vanity code is not an invite one can delete
    ch = req.world.channels.get(inv.channel_id)
    may = req.world.bot_permissions(guild, ch) & P.MANAGE_CHANNELS or req.world.bot_permissions(guild) & P.MANAGE_GUILD
    if not may:
        raise missing_permissions()
    data = invites.invite_payload(guild, inv)
    invites.delete(guild, inv, req.world.bot_user.id, req.reason)
    return data


@routes.add("GET", "/guilds/{guild_id}/vanity-url")
async def vanity_url(req: Req) -> Any:
    guild = get_guild(req)
    require(req, guild, P.MANAGE_GUILD)
    return {"code": guild.vanity_code, "uses": guild.vanity_uses}
