"""The premium cog's public API: who has premium where, asked by every premium-gated feature.

A subscription (`premium_subs`, one active per user) applies to one guild. The premium cog publishes a
`PremiumApi` on `bot.apis` while it is loaded; other features ask through `premium_of(bot)`, which answers
"nobody has premium" when the cog is not loaded:

    if not await premium_of(self.bot).guild_has_premium(guild.id):
        raise UserFacingError("… is a premium feature …")

Answers are cached for a minute per process (`core.guild_cache.GuildCache`: one query per key even in a burst).
Whoever changes a user's subscriptions calls `announce_change(conn, user_ids)` inside the change's transaction:
on commit, PostgreSQL notifies every bot process (channel `hearth_premium`, `core/notify.py`), and each one's
API drops that user's cached answers (`on_notification`). While the LISTEN connection is down nothing is heard,
so the whole cache is dropped when it is lost and again when it is back (`invalidate`). The premium cog starts
and stops that subscription with itself.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from cogs.premium import repo
from core.guild_cache import GuildCache
from core.notify import notify
from utils.clock import Clock
from utils.errors import UserFacingError

if TYPE_CHECKING:
    from cogs.premium.billing import BillingPortal

log = logging.getLogger(__name__)

NOTIFY_CHANNEL = "hearth_premium"
CACHE_SECONDS = 60.0


@dataclass(frozen=True)
class PremiumStatus:
    """A user's premium as `/premium status` tells it: their active subscription, else their latest one."""

    tier: str  # monthly, yearly, lifetime
    status: str  # active, cancelled, expired, …
    guild_id: int  # the server it applies to
    expires_at: datetime | None  # paid until (None: lifetime)
    has_billing: bool  # a Stripe customer exists: the billing portal can be opened

    @property
    def renews(self) -> bool:
        """A live subscription (monthly, yearly) that Stripe renews at `expires_at` unless cancelled there."""
        return self.status == "active" and self.tier != "lifetime" and self.expires_at is not None


class PremiumApi:
    """`tier`, `is_premium` and `guild_has_premium`, cached briefly and dropped on every subscription change;
    a user's own `status_of` and `billing_portal`."""

    def __init__(self, pool: repo.Executor, clock: Clock, *, cache_seconds: float = CACHE_SECONDS,
                 billing: BillingPortal | None = None) -> None:
        self.pool = pool
        self.clock = clock
        self.billing = billing
        # (user id, guild id) → the tier; guild id → whether any member's premium applies there.
        self._tiers: GuildCache[str | None] = GuildCache(self._load_tier, ttl=cache_seconds)
        self._guilds: GuildCache[bool] = GuildCache(self._load_guild, ttl=cache_seconds)

    async def tier(self, user_id: int, guild_id: int) -> str | None:
        """The user's active premium tier in this guild (monthly, yearly, lifetime), or None (free)."""
        return await self._tiers.get((user_id, guild_id))

    async def is_premium(self, user_id: int, guild_id: int) -> bool:
        """Whether the user has active premium in this guild."""
        return await self.tier(user_id, guild_id) is not None

    async def guild_has_premium(self, guild_id: int) -> bool:
        """Whether any member's active premium applies to this guild."""
        return await self._guilds.get(guild_id)

    async def status_of(self, user_id: int) -> PremiumStatus | None:
        """The user's active subscription, else their latest one, or None (never had premium). Not cached."""
        row = await repo.active_for_user(self.pool, user_id) or await repo.latest_for_user(self.pool, user_id)
        if row is None:
            return None
        customer = row["stripe_customer_id"] or await repo.customer_id_for_user(self.pool, user_id)
        return PremiumStatus(row["tier"], row["status"], row["guild_id"], row["expires_at"], customer is not None)

    async def billing_portal(self, guild_id: int, user_id: int, *, return_url: str | None = None) -> str:
        """The user's Stripe billing portal URL, through the same checks as `/premium manage`; raises
        `UserFacingError` (or its `PortalFailed`, Stripe failed) with the reason for the user."""
        if self.billing is None:
            raise UserFacingError("Billing is not available on this bot.")
        return await self.billing.open(guild_id, user_id, return_url=return_url)

    def invalidate(self) -> None:
        """Forget every cached answer (a subscription changed; or notifications may have been missed)."""
        self._tiers.invalidate()
        self._guilds.invalidate()

    def forget_users(self, user_ids: Iterable[int]) -> None:
        """Forget the users' cached tiers, and every guild's "has premium" answer (a subscription can move
        between guilds, so any guild may have changed)."""
        users = set(user_ids)
        self._tiers.invalidate_where(lambda key: key[0] in users)
        self._guilds.invalidate()

    def on_notification(self, payload: str) -> None:
        """A subscription change committed by any process (LISTEN/NOTIFY): payload = comma-separated user ids."""
        try:
            users = [int(part) for part in payload.split(",") if part.strip()]
        except ValueError:
            log.warning("Premium: ignoring a notification with payload %r; dropping the whole cache", payload)
            self.invalidate()
            return
        self.forget_users(users)

    async def _load_tier(self, key: tuple[int, int]) -> str | None:
        user_id, guild_id = key
        return await repo.active_tier(self.pool, user_id, guild_id, self.clock.now())

    async def _load_guild(self, guild_id: int) -> bool:
        return await repo.guild_has_active(self.pool, guild_id, self.clock.now())


class PremiumOf:
    """Who has premium, asked of the premium API the bot has right now: nobody, while the premium cog is not
    loaded. Resolved on every call, so a holder (an `LLMService` built before the premium cog loaded, or kept
    across its reload) always asks the current API."""

    __slots__ = ("bot",)

    def __init__(self, bot: Any) -> None:
        self.bot = bot

    @property
    def api(self) -> PremiumApi | None:
        """The published API, or None when the premium cog is not loaded."""
        return self.bot.apis.get(PremiumApi)

    async def tier(self, user_id: int, guild_id: int) -> str | None:
        """The user's active tier in this guild; None (free) also when the premium cog is not loaded."""
        api = self.api
        return await api.tier(user_id, guild_id) if api is not None else None

    async def is_premium(self, user_id: int, guild_id: int) -> bool:
        """Whether the user has active premium in this guild (never, without the premium cog)."""
        api = self.api
        return await api.is_premium(user_id, guild_id) if api is not None else False

    async def guild_has_premium(self, guild_id: int) -> bool:
        """Whether any member's active premium applies to this guild (never, without the premium cog)."""
        api = self.api
        return await api.guild_has_premium(guild_id) if api is not None else False

    def invalidate(self) -> None:
        """Forget the cached answers (rows were changed behind the API's back); nothing to do when not loaded."""
        api = self.api
        if api is not None:
            api.invalidate()


def premium_of(bot: Any) -> PremiumOf:
    """Who has premium on `bot`: `await premium_of(bot).is_premium(user_id, guild_id)`."""
    return PremiumOf(bot)


async def announce_change(conn: Any, user_ids: Iterable[int]) -> None:
    """Tell every bot process, when `conn`'s transaction commits, that these users' premium changed."""
    users = sorted(set(user_ids))
    if users:
        await notify(conn, NOTIFY_CHANNEL, ",".join(map(str, users)))
