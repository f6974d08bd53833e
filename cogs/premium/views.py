"""Premium's messages and buttons.

The terms and checkout buttons are persistent items (`core.persistent_items`: their custom_id carries the terms
version or the tier), so they keep working after a restart; ids posted before the `hearth:` namespace
(`premium:terms:…`, `premium:buy:…`) still work. The transfer confirmation is short-lived and a plain owner-only
view.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import discord

from cogs.premium.checkout import PremiumSetup
from cogs.premium.prices import Price
from cogs.premium.tiers import TIERS, perks
from core.persistent_items import ItemT, Look, PersistentItem, choices
from utils.errors import UserFacingError
from utils.owned_view import OwnedView

COLOUR = discord.Colour.gold()


class PremiumButtons(Protocol):
    """What the terms and checkout buttons call on the premium cog (`PremiumCog` provides it)."""

    async def accept_terms(self, interaction: discord.Interaction, version: str) -> None:
        """The “I accept” button: record the version shown, then show the plans."""

    async def start_checkout(self, interaction: discord.Interaction, tier: str) -> None:
        """A buy button: create a Stripe Checkout Session and send its link privately."""


class PremiumItem(PersistentItem[ItemT, PremiumButtons], cog="Premium", prefix="premium", legacy="premium",
                  unavailable="Premium is being restarted; please try again in a moment."):
    """Premium's persistent buttons: `hearth:premium:…`, and `premium:…` as older versions posted them."""


class TermsButton(PremiumItem[discord.ui.Button[Any]], template=r"terms:(?P<version>[\w.\-]{1,40})",
                  what="the premium terms button"):
    """“I accept”: records acceptance of the terms version in the custom_id, then shows the plans."""

    version: str
    look = Look("I accept", discord.ButtonStyle.success)

    async def clicked(self, interaction: discord.Interaction, cog: PremiumButtons) -> None:
        await cog.accept_terms(interaction, self.version)


class CheckoutButton(PremiumItem[discord.ui.Button[Any]], template=r"buy:(?P<tier>monthly|yearly|lifetime)",
                     what="a premium buy button"):
    """A tier's buy button: creates a Stripe Checkout Session and sends its link privately."""

    tier: str
    looks = choices(**{name: Look(tier.title, discord.ButtonStyle.primary) for name, tier in TIERS.items()})

    async def clicked(self, interaction: discord.Interaction, cog: PremiumButtons) -> None:
        await cog.start_checkout(interaction, self.tier)


ITEMS = (TermsButton, CheckoutButton)


def terms_message(setup: PremiumSetup, *, changed: bool) -> tuple[discord.Embed, discord.ui.View]:
    """The Terms of Service / Privacy Policy prompt shown before the first checkout (and after a new version)."""
    intro = ("The Terms of Service and Privacy Policy changed since you last accepted them."
             if changed else "Before buying premium, please read and accept:")
    embed = discord.Embed(title="Terms of Service and Privacy Policy", colour=COLOUR, description=(
        f"{intro}\n• [Terms of Service]({setup.terms_url})\n• [Privacy Policy]({setup.privacy_url})\n\n"
        f"Version **{setup.terms_version}**. Payments are handled by Stripe; the bot stores no payment details."))
    view = discord.ui.View(timeout=None)
    view.add_item(TermsButton(setup.terms_version))
    view.add_item(discord.ui.Button(label="Terms of Service", url=setup.terms_url))
    view.add_item(discord.ui.Button(label="Privacy Policy", url=setup.privacy_url))
    return embed, view


def plans_message(prices: dict[str, Price]) -> tuple[discord.Embed, discord.ui.View]:
    """The tiers with their prices (the operator's, as Stripe has them) and perks, and a buy button per tier
    (disabled when not on sale)."""
    embed = discord.Embed(title="Hearth Premium", colour=COLOUR, description=(
        "Premium applies to one server of your choice (this one; move it later with `/premium transfer`)."))
    view = discord.ui.View(timeout=None)
    for name, tier in TIERS.items():
        on_sale = name in prices
        price = prices[name].label if on_sale else "not on sale"
        embed.add_field(name=f"{tier.title} · {price}", value=perks(tier), inline=False)
        view.add_item(CheckoutButton(name, label=f"Buy {tier.title.lower()}", disabled=not on_sale))
    embed.set_footer(text="Secure payment by Stripe. Cancel any time with /premium manage.")
    return embed, view


def link_view(label: str, url: str) -> discord.ui.View:
    """A single link button."""
    view = discord.ui.View(timeout=None)
    view.add_item(discord.ui.Button(label=label, url=url))
    return view


class TransferConfirmView(OwnedView):
    """Confirm or cancel moving premium to another server (only for whoever asked)."""

    refusal = "Only the person moving their premium can confirm this."

    def __init__(self, owner_id: int, confirm: Callable[[], Awaitable[str]], *, timeout: float = 120) -> None:
        super().__init__(owner_id, timeout=timeout)
        self._confirm = confirm

    @discord.ui.button(label="Move premium", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        self.stop()
        try:
            text = await self._confirm()
        except UserFacingError as exc:
            text = exc.message
        await interaction.response.edit_message(content=text, view=None)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        self.stop()
        await interaction.response.edit_message(content="Transfer cancelled: nothing changed.", view=None)
