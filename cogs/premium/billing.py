"""The Stripe billing portal, opened for a member: `/premium manage` and the dashboard's member page ("Manage
billing") both go through `BillingPortal.open`, so they share the checks (Stripe configured, a billing account,
the per-member limit on Stripe calls) and the wording of every refusal and Stripe failure."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from cogs.premium import repo
from cogs.premium.checkout import NOT_AVAILABLE, load_setup, server_url
from cogs.premium.stripe_gateway import StripeFailure, StripeGateway
from utils.cooldowns import Cooldown
from utils.errors import UserFacingError

NO_ACCOUNT = "You have no billing account yet: it is created with your first purchase (`/premium plans`)."


class PortalFailed(UserFacingError):
    """Stripe refused or failed to open the portal (the message says so, for the member)."""


class BillingPortal:
    """Opens a member's Stripe billing portal (a short-lived URL)."""

    def __init__(self, bot: Any, pool: repo.Executor, gateway: Callable[[], StripeGateway | None],
                 cooldown: Cooldown) -> None:
        self.bot = bot
        self.pool = pool
        self.gateway = gateway
        self.cooldown = cooldown

    async def open(self, guild_id: int, user_id: int, *, return_url: str | None = None,
                   before_stripe: Callable[[], Awaitable[None]] | None = None) -> str:
        """The portal's URL for the member; raises `UserFacingError` (no Stripe, no billing account, too many
        links) before any Stripe call, and `PortalFailed` when Stripe fails. `before_stripe` runs just before
        the call (a slash command defers there); `return_url` defaults to the server's `premium.cancel_url`, else
        the server in Discord."""
        gateway = self.gateway()
        if gateway is None:
            raise UserFacingError(NOT_AVAILABLE)
        customer = await repo.customer_id_for_user(self.pool, user_id)
        if customer is None:
            raise UserFacingError(NO_ACCOUNT)
        setup = await load_setup(self.bot, guild_id)
        self.cooldown.hit((guild_id, user_id))
        if before_stripe is not None:
            await before_stripe()
        try:
            return await gateway.create_portal(customer, return_url or setup.cancel_url or server_url(guild_id))
        except StripeFailure as exc:
            raise PortalFailed(f"I couldn't open your billing settings. {exc.message}") from exc
