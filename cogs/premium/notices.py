"""What premium tells its buyers by DM, and sending it (closed DMs are logged, never an error)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import discord

from cogs.premium.tiers import TIERS

if TYPE_CHECKING:
    from core.hearth_bot import HearthBot

log = logging.getLogger(__name__)
DM_TIMEOUT = 10.0


@dataclass(frozen=True)
class Notice:
    """A DM to send once the change it announces is committed."""

    user_id: int
    text: str


def when(moment: datetime | None) -> str:
    """A date Discord shows in the reader's own time zone."""
    return "forever" if moment is None else f"<t:{int(moment.timestamp())}:D>"


def _title(tier: str) -> str:
    return TIERS[tier].title if tier in TIERS else tier


def activated(tier: str, guild: str, expires_at: datetime | None, renews: bool) -> str:
    """The purchase went through."""
    if expires_at is None:
        period = "for good"
    else:
        period = f"and renews on {when(expires_at)}" if renews else f"until {when(expires_at)}"
    return (f"✅ Your **{_title(tier)}** premium is active on **{guild}** {period}. Thank you!\n"
            "`/premium status` shows it, `/premium transfer` moves it to another server and `/premium manage` "
            "opens your billing settings.")


def replaced(tier: str, guild: str, renewing: bool) -> str:
    """An older active purchase gave way to a new one (one active premium per person)."""
    text = f"Your previous **{_title(tier)}** premium on **{guild}** was replaced by your new purchase."
    if renewing:
        text += (" It is still a Stripe subscription: cancel its renewal with `/premium manage` so you aren't "
                 "charged twice.")
    return text


def kept_lifetime(guild: str) -> str:
    """A subscription was bought while lifetime premium is active: lifetime stays."""
    return (f"You already have **Lifetime** premium on **{guild}**, so your new purchase was not applied. "
            "If it renews, cancel it with `/premium manage`; for a refund, contact the bot's operator.")


def will_not_renew(tier: str, guild: str, expires_at: datetime | None) -> str:
    """The subscription was set to end at the end of its period."""
    return (f"Your **{_title(tier)}** premium on **{guild}** will not renew; it stays active until {when(expires_at)}. "
            "Changed your mind? Resume it with `/premium manage`.")


def cancelled(tier: str, guild: str) -> str:
    """The subscription ended in Stripe (cancelled, or unpaid after the retries)."""
    return (f"Your **{_title(tier)}** premium on **{guild}** has been cancelled and is no longer active. "
            "You can subscribe again at any time with `/premium plans`.")


def payment_failed(tier: str, guild: str, next_attempt: datetime | None, lapsed: bool) -> str:
    """A renewal payment failed."""
    text = f"⚠️ Stripe couldn't take the payment for your **{_title(tier)}** premium on **{guild}**. "
    text += "Please update your payment method with `/premium manage`."
    if next_attempt is not None:
        text += f" Stripe tries again on {when(next_attempt)}."
    if lapsed:
        text += " Premium is paused until a payment goes through."
    return text


def not_applied(tier: str, guild: str) -> str:
    """A payment went through but did not match the price of the plan it was for: no premium (see verify.py)."""
    return (f"⚠️ Your payment for **{_title(tier)}** premium on **{guild}** did not match that plan's price, so it "
            "was not applied. Nothing else changed; please contact the bot's operator, who can refund it.")


def reversed_payment(tier: str, guild: str, kind: str) -> str:
    """A full refund or a dispute (chargeback) ended the premium it paid for."""
    why = "its payment was refunded" if kind == "refund" else "its payment is disputed with your bank (a chargeback)"
    text = f"Your **{_title(tier)}** premium on **{guild}** has ended because {why}."
    if tier != "lifetime":
        text += " The subscription was cancelled, so you won't be charged for it again."
    return text + " `/premium plans` shows the plans if you want premium again."


def restored(tier: str, guild: str, expires_at: datetime | None) -> str:
    """A dispute closed in the payment's favour: the premium it paid for is back."""
    until = "for good" if expires_at is None else f"until {when(expires_at)}"
    return (f"✅ The dispute about your payment is closed: your **{_title(tier)}** premium on **{guild}** is back "
            f"{until}.")


def expiry_warning(tier: str, guild: str, expires_at: datetime, renews: bool) -> str:
    """Seven days before the end of the paid period."""
    if renews:
        return (f"Heads-up: your **{_title(tier)}** premium on **{guild}** renews on {when(expires_at)}. "
                "Nothing to do if you want to keep it; `/premium manage` cancels the renewal.")
    return (f"⏳ Your **{_title(tier)}** premium on **{guild}** ends on {when(expires_at)}, in 7 days. "
            "Renew it with `/premium plans`.")


def expired(tier: str, guild: str) -> str:
    """The paid period ran out."""
    return (f"Your **{_title(tier)}** premium on **{guild}** has ended. "
            "Thanks for your support! `/premium plans` brings it back at any time.")


def guild_name(bot: HearthBot, guild_id: int) -> str:
    """The guild's name, or its id when the bot is no longer in it."""
    guild = bot.get_guild(guild_id)
    return guild.name if guild is not None else f"server {guild_id}"


async def send_dm(bot: HearthBot, notice: Notice) -> bool:
    """DM the user; returns whether it was delivered. Closed DMs and Discord errors are logged only."""
    try:
        user = bot.get_user(notice.user_id) or await bot.fetch_user(notice.user_id)
        await asyncio.wait_for(user.send(notice.text, allowed_mentions=discord.AllowedMentions.none()), DM_TIMEOUT)
    except discord.Forbidden:
        log.info("Premium: user %s does not accept DMs from the bot; notice not delivered", notice.user_id)
        return False
    except (discord.HTTPException, TimeoutError) as exc:
        log.warning("Premium: could not DM user %s: %s", notice.user_id, exc)
        return False
    return True


async def send_all(bot: HearthBot, notices: list[Notice]) -> None:
    """Send every notice, one after the other."""
    for notice in notices:
        await send_dm(bot, notice)
