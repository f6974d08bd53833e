"""What the handlers of one kind of Stripe event (completed checkouts, refunds and disputes) work with: the
premium pool, the Stripe gateway (None without keys), the subscription sync, the bot's clock and guild names."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cogs.premium.stripe_gateway import StripeGateway
from cogs.premium.sync import SubscriptionSync


class EventPart:
    """The base of an event kind's handler (`judge`/`find` before the transaction, `apply` inside it)."""

    def __init__(self, pool: Any, gateway: StripeGateway | None, sync: SubscriptionSync, clock: Any,
                 guild_name: Callable[[int], str]) -> None:
        self.pool = pool
        self.gateway = gateway
        self.sync = sync
        self.clock = clock
        self.guild_name = guild_name
