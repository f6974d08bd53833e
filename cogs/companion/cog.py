"""`POST /webhooks/app-reflections` and `POST /webhooks/revoke-reflection` on the bot's HTTP API.

Each request carries `X-Hearth-Timestamp` (Unix seconds) and `X-Hearth-Signature: sha256=<hex>`, the
HMAC-SHA256 of "<timestamp>.<raw body>" with APP_WEBHOOK_SECRET. Unsigned, badly signed, stale (more than
5 minutes off) or replayed requests are refused; without a configured secret both endpoints answer 503 and
accept nothing.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from cogs.companion import repo
from cogs.companion.signing import SignatureError, Verifier, unix_now
from utils.cog_base import HearthCog
from utils.errors import DATABASE_ERRORS

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024
REFLECTIONS_PATH = "/webhooks/app-reflections"
REVOKE_PATH = "/webhooks/revoke-reflection"


class CompanionCog(HearthCog, name="Companion"):
    """The companion app's webhooks; owner of `app_reflections`."""

    pool_size = 2

    def __init__(self, bot: Any) -> None:
        super().__init__(bot)
        secret = bot.config.app_webhook_secret
        self.verifier = Verifier(secret.get_secret_value()) if secret else None
        self.router = APIRouter()
        self.router.add_api_route(REFLECTIONS_PATH, self.reflections, methods=["POST"],
                                  summary="Store a reflection shared by the companion app (signed)")
        self.router.add_api_route(REVOKE_PATH, self.revoke, methods=["POST"],
                                  summary="Delete a reflection the member no longer shares (signed)")

    async def load(self) -> None:
        self.bot.api.include(self.router)
        for path in (REFLECTIONS_PATH, REVOKE_PATH):
            self.bot.api.limit_body(path, MAX_BODY)  # refused with 413 by the API's one body limit

    async def unload(self) -> None:
        self.bot.api.remove(self.router)

    async def _authentic_json(self, request: Request) -> dict[str, Any] | JSONResponse:
        """The verified JSON body, or the refusal to send back."""
        if self.verifier is None:
            return JSONResponse({"error": "webhooks are disabled: APP_WEBHOOK_SECRET is not configured"}, 503)
        body = await request.body()  # at most MAX_BODY bytes: the API's body limit refused anything larger
        try:
            self.verifier.verify(request.headers.get("X-Hearth-Timestamp"), request.headers.get("X-Hearth-Signature"),
                                 body, unix_now())
        except SignatureError as exc:
            log.warning("Companion webhook refused: %s", exc)
            return JSONResponse({"error": str(exc)}, 401)
        try:
            data = json.loads(body)
        except ValueError:
            return JSONResponse({"error": "the body is not JSON"}, 400)
        if not isinstance(data, dict) or not isinstance(data.get("user_id"), int) or \
                not isinstance(data.get("reflection_id"), str) or not data["reflection_id"].strip():
            return JSONResponse({"error": "user_id (integer) and reflection_id (text) are required"}, 400)
        return data

    async def reflections(self, request: Request) -> JSONResponse:
        """Upsert a reflection: {"user_id", "reflection_id", "content": {…}}."""
        data = await self._authentic_json(request)
        if isinstance(data, JSONResponse):
            return data
        content = data.get("content")
        if not isinstance(content, dict):
            return JSONResponse({"error": "content must be a JSON object"}, 400)
        try:
            created = await repo.upsert(self.pool, data["user_id"], data["reflection_id"], content)
        except DATABASE_ERRORS:
            return JSONResponse({"error": "temporarily unavailable, retry later"}, 503)
        return JSONResponse({"stored": True, "created": created}, 201 if created else 200)

    async def revoke(self, request: Request) -> JSONResponse:
        """Delete a reflection: {"user_id", "reflection_id"}."""
        data = await self._authentic_json(request)
        if isinstance(data, JSONResponse):
            return data
        try:
            deleted = await repo.revoke(self.pool, data["user_id"], data["reflection_id"])
        except DATABASE_ERRORS:
            return JSONResponse({"error": "temporarily unavailable, retry later"}, 503)
        return JSONResponse({"deleted": deleted})
