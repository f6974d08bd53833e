"""Premium fixtures: the bot with Stripe keys and its HTTP API on a free port, on the Discord stand-in and the
Stripe stand-in (the world and its helpers live in tests/kit/premium.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from core.db import HearthPool
from tests.hearth_harness import Hearth, bot_factory
from tests.kit.premium import COGS, STRIPE_SETTINGS, WEBHOOK_SECRET, PremiumWorld
from tests.standin import StandIn
from tests.standin.plugin import DefaultGuild
from tests.stripe_standin import StripeStandIn, WebhookSender
from utils.clock import ManualClock


@pytest.fixture
def stripe_env(monkeypatch: pytest.MonkeyPatch, stripe_api: StripeStandIn) -> StripeStandIn:
    """Point the bot's Stripe client at the stand-in (the cog reads STRIPE_API_BASE)."""
    monkeypatch.setenv("STRIPE_API_BASE", stripe_api.base_url)
    return stripe_api


@pytest_asyncio.fixture(loop_scope="session")
async def premium(standin: StandIn, default_guild: DefaultGuild, database_url: str, clean_db: HearthPool,
                  stripe_env: StripeStandIn) -> AsyncIterator[PremiumWorld]:
    """Hearth with Stripe keys and prices and its HTTP API, premium's legal links set in the default guild."""
    second = standin.add_guild("Second Home")
    second.add_text_channel("general")
    second.add_member("bob", user=default_guild.member.user)
    second.add_member("alice", user=default_guild.admin.user)
    stranger = standin.add_guild("Strangers")
    clock = ManualClock()
    stripe_env.clock = clock.now
    make = bot_factory(database_url, clock)
    bot = await standin.connect(make(cogs=COGS, **STRIPE_SETTINGS, api_enabled=True, api_host="127.0.0.1",
                                     api_port=0))
    hearth = Hearth(standin, default_guild, bot, clock, clean_db, make)
    standin.busy_checks.append(lambda: f"{busy} database operation(s)" if (busy := hearth.bot.db.in_flight()) else None)
    standin.busy_checks.append(lambda: "Stripe call in flight" if stripe_env.in_flight else None)
    webhooks = WebhookSender(f"http://127.0.0.1:{bot.api.port}", WEBHOOK_SECRET)
    world = PremiumWorld(hearth, stripe_env, webhooks, second, stranger)
    await world.configure()
    try:
        yield world
    finally:
        await webhooks.close()
        await standin.disconnect(hearth.bot)
