"""REST routes for login, application commands, interactions and webhooks."""

from __future__ import annotations

import asyncio
from typing import Any

from .interactions import InteractionResult
from .limits import ApiError, not_found, validate_choices, validate_message, validate_modal
from .messaging import create_message, delete_message, edit_message
from .models import Message, snowflake, user_payload
from .oauth2 import oauth_me
from .server import NO_CONTENT, Req, RouteTable

routes = RouteTable()


@routes.add("GET", "/users/@me")
async def me(req: Req) -> Any:
    if req.bearer is not None:  # an OAuth2 access token: the user who authorized the app (tests/standin/oauth2.py)
        return await oauth_me(req)
    return {**user_payload(req.world.bot_user), "verified": True, "mfa_enabled": False, "flags": 0, "bot": True}


@routes.add("GET", "/users/{user_id}")
async def fetch_user(req: Req) -> Any:
    user = req.world.users.get(req.id("user_id"))
    if user is None:
        raise not_found("User", 10013)
    return user_payload(user)


def _app_info(req: Req) -> dict[str, Any]:
    world = req.world
    owner = world.app_owner
    return {
        "id": str(world.application_id),
        "name": world.bot_user.username,
        "description": "",
        "icon": None,
        "bot_public": True,
        "bot_require_code_grant": False,
        "owner": user_payload(owner),
        "team": None,
        "verify_key": "0" * 64,
        "flags": 0,
        "summary": "",
        "rpc_origins": [],
        "interactions_endpoint_url": None,
        "bot": user_payload(world.bot_user),
    }


@routes.add("GET", "/oauth2/applications/@me")
async def app_info(req: Req) -> Any:
    return _app_info(req)


@routes.add("GET", "/applications/@me")
async def app_info_2(req: Req) -> Any:
    return _app_info(req)


@routes.add("GET", "/gateway")
async def gateway(req: Req) -> Any:
    return {"url": req.world.gateway_url}


@routes.add("GET", "/gateway/bot")
async def gateway_bot(req: Req) -> Any:
    return {
        "url": req.world.gateway_url,
        "shards": req.world.shard_count,
        "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1},
    }


# -- application commands ------------------------------------------------------
def _check_app(req: Req) -> None:
    if req.id("application_id") != req.world.application_id:
        raise not_found("Application", 10002)


def _normalise(req: Req, body: dict[str, Any], guild_id: int | None, old: dict[str, Any] | None) -> dict[str, Any]:
    name = body.get("name") or ""
    ctype = int(body.get("type", 1))
    if not 1 <= len(name) <= 32 or (ctype == 1 and name != name.lower()):
        raise ApiError(
            400, 50035, "Invalid Form Body", {"name": {"_errors": [{"code": "APPLICATION_COMMAND_INVALID_NAME"}]}}
        )
    if ctype == 1 and not 1 <= len(body.get("description") or "") <= 100:
        raise ApiError(
            400, 50035, "Invalid Form Body", {"description": {"_errors": [{"code": "BASE_TYPE_BAD_LENGTH"}]}}
        )
    if len(body.get("options") or []) > 25:
        raise ApiError(400, 50035, "Invalid Form Body", {"options": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH"}]}})
    data = {
        "description": "",
        "options": [],
        "default_member_permissions": None,
        "nsfw": False,
        **body,
        "id": old["id"] if old else str(snowflake()),
        "application_id": str(req.world.application_id),
        "version": str(snowflake()),
        "type": ctype,
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    return data


def _guild_key(req: Req) -> int | None:
    if "guild_id" not in req.params:
        return None
    gid = req.id("guild_id")
    if gid not in req.world.guilds:
        raise ApiError(403, 50001, "Missing Access")
    return gid


async def _bulk_overwrite(req: Req) -> Any:
    _check_app(req)
    key = _guild_key(req)
    existing = {(c["name"], c["type"]): c for c in req.world.commands.get(key, [])}
    new = []
    for body in req.json or []:
        old = existing.get((body.get("name"), int(body.get("type", 1))))
        new.append(_normalise(req, body, key, old))
    req.world.commands[key] = new
    return new


async def _list(req: Req) -> Any:
    _check_app(req)
    return req.world.commands.get(_guild_key(req), [])


async def _upsert(req: Req) -> Any:
    _check_app(req)
    key = _guild_key(req)
    cmds = req.world.commands.setdefault(key, [])
    body = req.body
    old = next((c for c in cmds if c["name"] == body.get("name") and c["type"] == int(body.get("type", 1))), None)
    data = _normalise(req, body, key, old)
    if old is not None:
        cmds.remove(old)
    cmds.append(data)
    return data


def _find(req: Req) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    _check_app(req)
    cmds = req.world.commands.get(_guild_key(req), [])
    for cmd in cmds:
        if cmd["id"] == req.params["command_id"]:
            return cmds, cmd
    raise not_found("application command", 10063)


async def _get_one(req: Req) -> Any:
    return _find(req)[1]


async def _edit_one(req: Req) -> Any:
    _cmds, cmd = _find(req)
    cmd.update({k: v for k, v in req.body.items() if k not in ("id", "application_id")})
    return cmd


async def _delete_one(req: Req) -> Any:
    cmds, cmd = _find(req)
    cmds.remove(cmd)
    return NO_CONTENT


for _prefix in ("/applications/{application_id}", "/applications/{application_id}/guilds/{guild_id}"):
    routes.add("PUT", _prefix + "/commands")(_bulk_overwrite)
    routes.add("GET", _prefix + "/commands")(_list)
    routes.add("POST", _prefix + "/commands")(_upsert)
    routes.add("GET", _prefix + "/commands/{command_id}")(_get_one)
    routes.add("PATCH", _prefix + "/commands/{command_id}")(_edit_one)
    routes.add("DELETE", _prefix + "/commands/{command_id}")(_delete_one)


# -- interactions -----------------------------------------------------------------
def _record(req: Req) -> InteractionResult:
    rec = req.world.interactions.get(req.params["webhook_token"])
    if rec is None:
        raise ApiError(404, 10015, "Unknown Webhook")
    return rec


@routes.add("POST", "/interactions/{interaction_id}/{webhook_token}/callback")
async def callback(req: Req) -> Any:
    rec = req.world.interactions.get(req.params["webhook_token"])
    if rec is None or rec.id != req.id("interaction_id"):
        raise ApiError(404, 10062, "Unknown interaction")
    if rec.responded:
        raise ApiError(400, 40060, "Interaction has already been acknowledged.")
    if asyncio.get_running_loop().time() > rec.expires_at:
        raise ApiError(404, 10062, "Unknown interaction")  # answered after Discord's 3-second window
    world = req.world
    body = req.body
    rtype = int(body.get("type", 0))
    data = body.get("data") or {}
    channel = world.channels[rec.channel_id]
    msg: Message | None = None
    ephemeral_for = rec.user_id if int(data.get("flags") or 0) & 64 else None
    mtype = {2: 20, 3: 0, 5: 0}.get(rec.type, 0)
    if rec.type == 2 and rec.payload["data"].get("type", 1) != 1:
        mtype = 23
    common = {"webhook_id": world.application_id, "interaction_id": rec.id, "ephemeral_for": ephemeral_for}
    if rtype == 4:
        msg = create_message(world, channel, world.bot_user, data, req.files, mtype=mtype, **common)
    elif rtype == 5:
        only_flags = {"flags": int(data.get("flags") or 0)}
        msg = create_message(
            world, channel, world.bot_user, only_flags, [], mtype=mtype, extra_flags=128, validate=False, **common
        )
    elif rtype in (6, 7):
        source = world.messages.get(rec.source_message_id or 0)
        if source is None:
            raise ApiError(400, 40004, "Interaction has no message to update")
        msg = source
        if rtype == 7:
            edit_message(world, source, data, req.files)
    elif rtype == 8:
        if rec.type != 4:
            raise ApiError(
                400, 50035, "Invalid Form Body", {"type": {"_errors": [{"code": "INTERACTION_RESPONSE_TYPE_INVALID"}]}}
            )
        validate_choices(data.get("choices") or [])
        rec.choices = list(data.get("choices") or [])
    elif rtype == 9:
        validate_modal(data)
        rec.modal = data
    elif rtype != 1:
        raise ApiError(400, 50035, "Invalid Form Body", {"type": {"_errors": [{"code": "BASE_TYPE_CHOICES"}]}})
    rec.response_type = rtype
    rec.response = body
    interaction: dict[str, Any] = {
        "id": str(rec.id),
        "type": rec.type,
        "response_message_loading": rtype == 5,
        "response_message_ephemeral": bool(msg is not None and msg.ephemeral),
    }
    resource: dict[str, Any] = {"type": rtype}
    if msg is not None:
        rec.original_id = msg.id
        interaction["response_message_id"] = str(msg.id)
        resource["message"] = world.message_payload(msg)
    rec.notify()
    return {"interaction": interaction, "resource": resource}


@routes.add("POST", "/webhooks/{webhook_id}/{webhook_token}")
async def followup(req: Req) -> Any:
    rec = _record(req)
    world = req.world
    if not rec.responded:
        raise ApiError(404, 10015, "Unknown Webhook")
    original = rec.message
    if original is not None and original.loading and not original.deleted:
        validate_message(req.body, has_files=bool(req.files))
        msg = edit_message(world, original, req.body, req.files)
    else:
        flags = int(req.body.get("flags") or 0)
        msg = create_message(
            world,
            world.channels[rec.channel_id],
            world.bot_user,
            req.body,
            req.files,
            webhook_id=world.application_id,
            interaction_id=rec.id,
            ephemeral_for=rec.user_id if flags & 64 else None,
        )
    rec.followup_ids.append(msg.id)
    rec.notify()
    if req.query.get("wait") in ("1", "true", "True"):
        return world.message_payload(msg)
    return NO_CONTENT


def _webhook_message(req: Req, rec: InteractionResult) -> Message:
    raw = req.params["message_id"]
    mid = rec.original_id if raw == "@original" else int(raw)
    msg = req.world.messages.get(mid or 0)
    if msg is None or msg.deleted:
        raise not_found("Message", 10008)
    return msg


@routes.add("GET", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}")
async def get_webhook_message(req: Req) -> Any:
    rec = _record(req)
    return req.world.message_payload(_webhook_message(req, rec))


@routes.add("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}")
async def edit_webhook_message(req: Req) -> Any:
    rec = _record(req)
    msg = _webhook_message(req, rec)
    edit_message(req.world, msg, req.body, req.files)
    rec.edits.append(req.body)
    rec.notify()
    return req.world.message_payload(msg)


@routes.add("DELETE", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}")
async def delete_webhook_message(req: Req) -> Any:
    rec = _record(req)
    delete_message(req.world, _webhook_message(req, rec))
    rec.notify()
    return NO_CONTENT
