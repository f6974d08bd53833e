"""Premium in tests: `seed_premium`, the one way to give a member premium without Stripe, and the Stripe world of
the premium tests (the bot with Stripe keys on the Discord and Stripe stand-ins, and helpers that buy premium the
way a member does: terms → buy button → paid checkout → signed webhook)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from cogs.premium.api import premium_of
from core.db import HearthPool
from tests.hearth_harness import Hearth
from tests.kit.desks import FeatureDesk
from tests.standin.models import Member
from tests.standin.state import GuildState
from tests.stripe_standin import StripeStandIn, WebhookSender


async def seed_premium(where: Hearth | HearthPool, user_id: int, guild_id: int, tier: str = "monthly", *,
                       expires_at: datetime | None = None) -> None:
    """An active `tier` subscription of the user in the guild, written straight into `premium_subs`.

    Given the `Hearth`, the running bot also forgets its cached premium answers, so its next check sees the row;
    given only a pool (no bot yet, or a bot about to restart), nothing else happens."""
    db = where.db if isinstance(where, Hearth) else where
    await db.execute("INSERT INTO premium_subs (user_id, guild_id, tier, status, expires_at) "
                     "VALUES ($1, $2, $3, 'active', $4)", user_id, guild_id, tier, expires_at)
    if isinstance(where, Hearth):
        premium_of(where.bot).invalidate()


WEBHOOK_SECRET = "whsec_standin_0123456789"
SECRET_KEY = "sk_test_standin"
PRICES = {"monthly": "price_monthly_test", "yearly": "price_yearly_test", "lifetime": "price_lifetime_test"}
# The operator's Stripe configuration (environment settings): keys and the price of each tier.
STRIPE_SETTINGS = {"stripe_secret_key": SECRET_KEY, "stripe_webhook_secret": WEBHOOK_SECRET,
                   **{f"stripe_price_{tier}": price for tier, price in PRICES.items()}}
COGS = ["premium"]  # explicit, so HEARTH_TEST_COGS never leaves premium out
TERMS = {"terms_url": "https://hearth.example/terms", "privacy_url": "https://hearth.example/privacy"}


@dataclass
class PremiumWorld(FeatureDesk):
    """Hearth with Stripe, plus a second server shared with `bob` and one he is not in."""

    stripe: StripeStandIn
    webhooks: WebhookSender
    second: GuildState  # bob and alice are members
    stranger: GuildState  # bob is not a member

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
