"""`POST /webhooks/app-reflections` and `POST /webhooks/revoke-reflection` on the bot's HTTP API.

Each request carries `X-Hearth-Timestamp` (Unix seconds, digits only) and `X-Hearth-Signature: sha256=<hex>`
(exactly 64 lower-case hex digits), the HMAC-SHA256 of "<timestamp>.<raw body>" with APP_WEBHOOK_SECRET.
Unsigned, badly signed, malformed or stale (more than 5 minutes off) requests are refused with 401. A signature
is used once: its digest is claimed in `companion_replays` in the same transaction as the request's effect, so a
replay is refused (401) by every bot process and after a restart, and a request whose effect failed (503) can be
sent again. Bodies are typed strictly (`cogs/companion/bodies.py`): anything else is a 400 naming the field.
Without a configured secret both endpoints answer 503 and accept nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from cogs.companion import repo
from cogs.companion.api import CompanionApi
from cogs.companion.bodies import ReflectionBody, RevokeBody, describe
from cogs.companion.signing import SignatureError, Verified, Verifier, unix_now
from core.cog_base import HearthCog
from core.http_api import Routes
from core.retention import LogTable, RetentionJob
from utils.errors import DATABASE_ERRORS

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024
REFLECTIONS_PATH = "/webhooks/app-reflections"
REVOKE_PATH = "/webhooks/revoke-reflection"
REPLAYS = LogTable("companion_replays", "expires_at")
# Used signatures are kept an hour past their expiry: a process whose clock is behind (by less than that) still
# finds them. Pruned hourly.
REPLAYS_KEPT_AFTER_EXPIRY = timedelta(hours=1)
REPLAYED = "replayed request (this signature was already used)"

Body = TypeVar("Body", ReflectionBody, RevokeBody)
T = TypeVar("T")


class CompanionCog(HearthCog, name="Companion"):
    """The companion app's webhooks; owner of `app_reflections` and of its replay guard `companion_replays`."""

    pool_size = 2
    api: CompanionApi

    def __init__(self, bot: Any) -> None:
        super().__init__(bot)
        secret = bot.config.app_webhook_secret
        self.verifier = Verifier(secret.get_secret_value()) if secret else None
        self.router = Routes()
        self.router.add_api_route(REFLECTIONS_PATH, self.reflections, methods=["POST"],
                                  summary="Store a reflection shared by the companion app (signed)")
        self.router.add_api_route(REVOKE_PATH, self.revoke, methods=["POST"],
                                  summary="Delete a reflection the member no longer shares (signed)")
        self.replays = RetentionJob(self, REPLAYS, kind="companion_replays_prune", key="hourly",
                                    keep=REPLAYS_KEPT_AFTER_EXPIRY, every=timedelta(hours=1))

    async def load(self) -> None:
        self.api = CompanionApi(self.pool)
        self.bot.apis.publish(CompanionApi, self.api)  # growth reads a member's own reflections through it
        self.bot.api.include(self.router)
        for path in (REFLECTIONS_PATH, REVOKE_PATH):
            self.bot.api.limit_body(path, MAX_BODY)  # refused with 413 by the API's one body limit
        await self.replays.start()

    async def unload(self) -> None:
        self.bot.apis.withdraw(CompanionApi, self.api)
        self.bot.api.remove(self.router)
        self.replays.stop()

    async def _authentic(self, request: Request, model: type[Body]) -> tuple[Verified, Body] | JSONResponse:
        """The verified request and its typed body, or the refusal to send back."""
        if self.verifier is None:
            return JSONResponse({"error": "webhooks are disabled: APP_WEBHOOK_SECRET is not configured"}, 503)
        body = await request.body()  # at most MAX_BODY bytes: the API's body limit refused anything larger
        try:
            verified = self.verifier.verify(request.headers.get("X-Hearth-Timestamp"),
                                            request.headers.get("X-Hearth-Signature"), body, unix_now())
        except SignatureError as exc:
            log.warning("Companion webhook refused: %s", exc)
            return JSONResponse({"error": str(exc)}, 401)
        try:
            return verified, model.model_validate_json(body)
        except ValidationError as exc:
            return JSONResponse({"error": describe(exc)}, 400)

    async def reflections(self, request: Request) -> JSONResponse:
        """Upsert a reflection: {"user_id", "reflection_id", "content": {…}}."""
        checked = await self._authentic(request, ReflectionBody)
        if isinstance(checked, JSONResponse):
            return checked
        verified, data = checked
        created = await self._once(verified, lambda conn: repo.upsert(conn, data.user_id, data.reflection_id,
                                                                       data.content))
        if isinstance(created, JSONResponse):
            return created
        return JSONResponse({"stored": True, "created": created}, 201 if created else 200)

    async def revoke(self, request: Request) -> JSONResponse:
        """Delete a reflection: {"user_id", "reflection_id"}."""
        checked = await self._authentic(request, RevokeBody)
        if isinstance(checked, JSONResponse):
            return checked
        verified, data = checked
        deleted = await self._once(verified, lambda conn: repo.revoke(conn, data.user_id, data.reflection_id))
        if isinstance(deleted, JSONResponse):
            return deleted
        return JSONResponse({"deleted": deleted})

    async def _once(self, verified: Verified, effect: Callable[[Any], Awaitable[T]]) -> T | JSONResponse:
        """Run the request's effect in one transaction with the claim of its signature: a replay (the signature was
        used before, by any process) is refused, and an effect that failed leaves the signature unused."""
        try:
            async with self.pool.acquire() as conn, conn.transaction():
                if not await repo.claim_signature(conn, verified.digest, _moment(verified.expires_at)):
                    return _replayed()
                return await effect(conn)
        except DATABASE_ERRORS:
            return JSONResponse({"error": "temporarily unavailable, retry later"}, 503)


def _moment(unix: float) -> datetime:
    return datetime.fromtimestamp(unix, UTC)


def _replayed() -> JSONResponse:
    log.warning("Companion webhook refused: %s", REPLAYED)
    return JSONResponse({"error": REPLAYED}, 401)
