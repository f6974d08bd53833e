"""The HTTP API's keys and keyed routes.

- Owns `api_keys`: created, listed and revoked by guild admins with `/config api_key …` (commands.py) and on the
  dashboard's API keys page, both through `ApiKeysApi` (api.py, published on `bot.apis`); the cog is the key store
  that `core.api_keys.require_key` looks keys up in (`bot.api.keys`), and counts each key's requests against
  `API_RATE_LIMIT` (`admit`).
- The core `/api/v1/guilds/{guild_id}/…` routes: settings and their history (setting_routes.py), permission rules,
  cooldowns and modules (rule_routes.py), the audit log (audit_routes.py). Writes act for the key's creator
  (acting.py). Discord ids are given as strings (JavaScript numbers cannot hold them).
"""

from __future__ import annotations

import logging
import math
from datetime import timedelta
from typing import Any

from cogs.api import repo
from cogs.api.api import ApiKeysApi
from cogs.api.audit_routes import AuditRoutes
from cogs.api.commands import ApiKeyCommands
from cogs.api.rule_routes import RuleRoutes
from cogs.api.setting_routes import SettingRoutes
from core.api_keys import ApiError, ApiKey
from core.cog_base import HearthCog
from core.http_api import Routes
from utils.config_group import add_config_group, remove_config_group
from utils.cooldowns import Cooldown, OnCooldown
from utils.errors import DATABASE_ERRORS

log = logging.getLogger(__name__)

TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often per key


class ApiCog(HearthCog, name="API"):
    """API keys (the store and the admin commands) and the keyed v1 routes."""

    pool_size = 1  # one indexed lookup per keyed request (and a write at most once a minute per key)

    def __init__(self, bot: Any) -> None:
        super().__init__(bot)
        self.rate = bot.config.api_rate_limit
        self.limit = Cooldown(self.rate, 60, bot.clock, what="API requests")  # per key id, in this process
        self.router = Routes()
        for routes in (SettingRoutes(bot), RuleRoutes(bot), AuditRoutes(bot)):
            routes.add_to(self.router)

    async def load(self) -> None:
        self.keys = ApiKeysApi(self.bot, self.pool)
        self.bot.apis.publish(ApiKeysApi, self.keys)
        self.bot.api.keys = self
        self.bot.api.include(self.router)
        add_config_group(self.bot, ApiKeyCommands(self))

    async def unload(self) -> None:
        remove_config_group(self.bot, "api_key")
        self.bot.apis.withdraw(ApiKeysApi, self.keys)
        self.bot.api.remove(self.router)
        if self.bot.api.keys is self:
            self.bot.api.keys = None

    # --- the key store (core.api_keys.KeyStore) -----------------------------------------------------------

    async def find(self, key_hash: str) -> ApiKey | None:
        """The key with this hash, or None."""
        try:
            return await repo.find(self.pool, key_hash)
        except DATABASE_ERRORS:
            raise ApiError(503, "temporarily unavailable, retry later") from None

    async def used(self, key: ApiKey) -> None:
        """Record the key's use (one write a minute at most)."""
        now = self.bot.clock.now()
        if key.last_used_at is not None and timedelta(0) <= now - key.last_used_at < TOUCH_EVERY:
            return
        try:
            await repo.touch(self.pool, key.id, now, TOUCH_EVERY)
        except DATABASE_ERRORS:
            log.warning("API: could not record the use of key %s (database unavailable)", key.prefix)

    def admit(self, key: ApiKey) -> None:
        """Count one request of the key (API_RATE_LIMIT a minute), or refuse it 429 saying when to retry."""
        try:
            self.limit.hit(key.id)
        except OnCooldown as exc:
            wait = max(1, math.ceil(exc.retry_after))
            at = (self.bot.clock.now() + timedelta(seconds=wait)).isoformat(timespec="seconds")
            raise ApiError(429, f"the API key {key.prefix}… made more than {self.rate} requests in a minute; "
                                f"retry in {wait} s (at {at})", {"Retry-After": str(wait)},
                           {"retry_after": wait, "retry_at": at}) from None
