"""Premium end to end: the bot with Stripe keys, on the Discord stand-in and the Stripe stand-in, its HTTP API
on a free port, and helpers that buy premium the way a member does (terms → buy button → paid checkout →
signed webhook)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import pytest
import pytest_asyncio

from core.db import HearthPool
from tests.hearth_harness import Hearth, bot_factory
from tests.standin import StandIn
from tests.standin.models import Member
from tests.standin.plugin import DefaultGuild
from tests.standin.state import GuildState
from tests.stripe_standin import StripeStandIn, WebhookSender
from utils.clock import ManualClock

WEBHOOK_SECRET = "whsec_standin_0123456789"
SECRET_KEY = "sk_test_standin"
PRICES = {"monthly": "price_monthly_test", "yearly": "price_yearly_test", "lifetime": "price_lifetime_test"}
# The operator's Stripe configuration (environment settings): keys and the price of each tier.
STRIPE_SETTINGS = {"stripe_secret_key": SECRET_KEY, "stripe_webhook_secret": WEBHOOK_SECRET,
                   **{f"stripe_price_{tier}": price for tier, price in PRICES.items()}}
COGS = ["premium"]  # explicit, so HEARTH_TEST_COGS never leaves premium out
TERMS = {"terms_url": "https://hearth.example/terms", "privacy_url": "https://hearth.example/privacy"}


@dataclass
class PremiumWorld:
    """Hearth with Stripe, plus a second server shared with `bob` and one he is not in."""

    hearth: Hearth
    stripe: StripeStandIn
    webhooks: WebhookSender
    second: GuildState  # bob and alice are members
    stranger: GuildState  # bob is not a member

    @property
    def guild(self) -> DefaultGuild:
        return self.hearth.guild

    @property
    def discord(self) -> StandIn:
        return self.hearth.discord

    @property
    def db(self) -> HearthPool:
        return self.hearth.db

    async def configure(self, guild_id: int | None = None, **values: Any) -> None:
        """Set premium settings (by default: the legal links) in a guild."""
        gid = guild_id or self.guild.guild.id
        values = values or TERMS
        for key, value in values.items():
            await self.hearth.bot.guild_settings.set(gid, "premium", key, value, changed_by=None)

    async def open_checkout(self, member: Member, tier: str = "monthly", *,
                            guild: GuildState | None = None) -> str:
        """Run /premium plans, accept the terms if asked, press the tier's button; returns the session id."""
        shown = await self.discord.slash("premium plans", user=member, guild=guild)
        if "I accept" in labels(shown):
            shown = await self.discord.click(shown, "I accept", user=member)
        answer = await self.discord.click(shown, f"Buy {tier}", user=member)
        assert "checkout.stripe.com" in answer.text, answer.text
        return next(s["id"] for s in self.stripe.sessions.values() if s["url"] in answer.text)

    async def buy(self, member: Member, tier: str = "monthly", *, guild: GuildState | None = None) -> dict[str, Any]:
        """Buy `tier` end to end; returns the completed Checkout Session (Stripe's view)."""
        session = self.stripe.complete_checkout(await self.open_checkout(member, tier, guild=guild))
        response = await self.webhooks.send(self.stripe.event("checkout.session.completed", session))
        assert response.status_code == 200, response.text
        return session

    async def premium_for(self, member: Member, tier: str = "monthly") -> None:
        """Give the member premium in the default guild, bought the normal way."""
        await self.buy(member, tier)

    async def deliver(self, event_type: str, obj: dict[str, Any], **options: Any) -> dict[str, Any]:
        """Build, sign and deliver one event; asserts it was accepted and returns it."""
        event = self.stripe.event(event_type, obj, **options)
        response = await self.webhooks.send(event)
        assert response.status_code == 200, response.text
        return event

    async def rows(self, user_id: int) -> list[asyncpg.Record]:
        """The user's premium_subs rows, oldest first."""
        return await self.db.fetch("SELECT * FROM premium_subs WHERE user_id = $1 ORDER BY id", user_id)

    async def jobs(self, row_id: int) -> dict[str, Any]:
        """The row's timer jobs: kind → (guild_id, due_at)."""
        found = await self.db.fetch("SELECT kind, guild_id, due_at FROM timers WHERE key = $1", str(row_id))
        return {row["kind"]: (row["guild_id"], row["due_at"]) for row in found}

    def dm_texts(self, member: Member) -> list[str]:
        """What the bot said to the member by DM, oldest first."""
        return [message.content for message in self.discord.dms_to(member)]


def labels(result: Any) -> list[str]:
    """The labels of the buttons on the interaction's message."""
    return [c.get("label", "") for row in (result.components or []) for c in row.get("components", [])]


def shown_text(result: Any) -> str:
    """The text a member sees after an interaction, including a message updated in place (a button's answer)."""
    message = result.message
    parts = [result.text]
    if message is not None and result.response_type == 7:
        parts.append(message.content)
        for embed in message.embeds:
            parts += [embed.get("title") or "", embed.get("description") or ""]
    return "\n".join(part for part in parts if part)


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
