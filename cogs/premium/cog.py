"""Premium with Stripe: `/premium plans|status|transfer|manage|check`, `/my_premium`, the Stripe webhook endpoint
and the expiry jobs. Who has premium where is the cog's public API (`cogs/premium/api.py`), published on
`bot.apis` while the cog is loaded; other features ask it through `premium_of(bot)`."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from typing import Any

import discord
from discord import app_commands

from cogs.premium import notices, repo
from cogs.premium.api import NOTIFY_CHANNEL, PremiumApi, premium_of
from cogs.premium.billing import BillingPortal, PortalFailed
from cogs.premium.checkout import (
    NO_PRICES,
    NOT_AVAILABLE,
    check_can_buy,
    checkout_params,
    load_setup,
    require_ready,
)
from cogs.premium.expiry_jobs import ExpiryJobs
from cogs.premium.prices import Price, PriceCatalogue
from cogs.premium.settings import PREMIUM_SETTINGS
from cogs.premium.stripe_gateway import StripeFailure, StripeGateway, api_base_override
from cogs.premium.sync import SubscriptionSync
from cogs.premium.tiers import TIERS
from cogs.premium.transfer import move, mutual_guild_choices, resolve_target
from cogs.premium.views import (
    COLOUR,
    ITEMS,
    TransferConfirmView,
    link_view,
    plans_message,
    terms_message,
)
from cogs.premium.webhooks import StripeWebhooks
from core import notify
from core.cog_base import HearthCog
from core.retention import LogTable, RetentionJob
from utils.cooldowns import Cooldown
from utils.errors import BadInput, UserFacingError

log = logging.getLogger(__name__)

# Each press of Buy (or /premium manage) makes a Stripe call: a few per member and minute, no more.
STRIPE_CALLS_PER_MEMBER = 3
STRIPE_CALLS_WINDOW = 60.0


class PremiumCog(HearthCog, name="Premium"):
    """Selling premium through Stripe and keeping `premium_subs` in line with it."""

    pool_size = 4
    settings = PREMIUM_SETTINGS
    persistent_items = ITEMS

    premium = app_commands.Group(name="premium", description="Hearth Premium: plans, status, billing",
                                 guild_only=True)

    def __init__(self, bot: Any) -> None:
        super().__init__(bot)
        self.gateway: StripeGateway | None = None
        self.catalogue = PriceCatalogue({}, None)
        self.webhooks: StripeWebhooks | None = None
        self.expiry: ExpiryJobs | None = None
        self.api: PremiumApi | None = None
        # Handled event ids (the webhook's idempotency) are kept STRIPE_EVENTS_RETENTION_DAYS, at least 30 days:
        # Stripe redelivers an event for up to 3 days.
        self.events_retention = RetentionJob(
            self, LogTable("stripe_events", "processed_at"), kind="stripe_events_retention",
            keep=lambda: timedelta(days=bot.config.stripe_events_retention_days))
        self.buy_cooldown = Cooldown(STRIPE_CALLS_PER_MEMBER, STRIPE_CALLS_WINDOW, bot.clock, what="checkouts")
        self.portal_cooldown = Cooldown(STRIPE_CALLS_PER_MEMBER, STRIPE_CALLS_WINDOW, bot.clock,
                                        what="billing links")
        self.billing: BillingPortal | None = None

    async def load(self) -> None:
        self.billing = BillingPortal(self.bot, self.pool, lambda: self.gateway, self.portal_cooldown)
        self.api = PremiumApi(self.pool, self.bot.clock, billing=self.billing)
        self.bot.apis.publish(PremiumApi, self.api)
        # Subscription changes made by another process (a Stripe webhook it received, an expiry …) reach this
        # one through LISTEN/NOTIFY; while the connection is down nothing is heard: drop every cached answer.
        await notify.subscribe(self.bot, NOTIFY_CHANNEL, self.api.on_notification, self.api.invalidate)
        key = self.bot.config.stripe_secret_key
        if key is not None:
            self.gateway = StripeGateway(key.get_secret_value(), api_base=api_base_override(self.bot.config))
        else:
            log.info("Premium: STRIPE_SECRET_KEY is not set; checkout is unavailable")
        self.catalogue = PriceCatalogue(self.bot.config.stripe_prices, self.gateway)
        sync = SubscriptionSync(self.bot.timers, self.bot.clock, self.catalogue.tier_of_price,
                                lambda guild_id: notices.guild_name(self.bot, guild_id))
        self.webhooks = StripeWebhooks(self.bot, self.pool, sync, self.gateway)
        self.bot.api.include(self.webhooks.router)
        self.expiry = ExpiryJobs(self.bot, self.pool, self.gateway)
        self.expiry.register()
        await self.events_retention.start()

    async def unload(self) -> None:
        if self.api is not None:
            self.bot.apis.withdraw(PremiumApi, self.api)
            await notify.unsubscribe(self.bot, NOTIFY_CHANNEL)
        self.events_retention.stop()
        if self.expiry is not None:
            self.expiry.unregister()
        if self.webhooks is not None:
            self.bot.api.remove(self.webhooks.router)
        if self.gateway is not None:
            await self.gateway.close()

    async def _prices(self) -> dict[str, Price]:
        """The tiers on sale with the operator's prices (read from Stripe once); a Stripe failure is reported."""
        try:
            prices = await self.catalogue.on_sale()
        except StripeFailure as exc:
            raise UserFacingError(f"I couldn't read the premium prices from Stripe. {exc.message}") from exc
        if not prices:
            raise UserFacingError(NO_PRICES)
        return prices

    def _guild_name(self, guild_id: int) -> str:
        return notices.guild_name(self.bot, guild_id)

    # --- buying ----------------------------------------------------------------------------------------------

    @premium.command(name="plans", description="See the premium plans and buy one")
    async def plans(self, interaction: discord.Interaction) -> None:
        await self.offer(interaction)

    async def offer(self, interaction: discord.Interaction, *, edit: bool = False) -> None:
        """Show the terms prompt (if not yet accepted in this version) or the plans with their buy buttons."""
        if self.gateway is None:
            raise UserFacingError(NOT_AVAILABLE)
        if not self.catalogue.configured:
            raise UserFacingError(NO_PRICES)
        setup = await load_setup(self.bot, interaction.guild_id)
        require_ready(setup)
        accepted = await repo.accepted_terms_version(self.pool, interaction.user.id)
        if accepted != setup.terms_version:
            embed, view = terms_message(setup, changed=accepted is not None)
        else:
            embed, view = plans_message(await self._prices())
        if edit:
            await interaction.response.edit_message(content=None, embed=embed, view=view)
        else:
            await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    async def accept_terms(self, interaction: discord.Interaction, version: str) -> None:
        """The “I accept” button: record the version shown, then show the plans in the same message."""
        setup = await load_setup(self.bot, interaction.guild_id)
        if version != setup.terms_version:  # the terms changed while the prompt was open
            await self.offer(interaction, edit=True)
            return
        await repo.accept_terms(self.pool, interaction.user.id, version, self.bot.clock.now())
        log.info("Premium: user %s accepted terms version %s", interaction.user.id, version)
        await self.offer(interaction, edit=True)

    async def start_checkout(self, interaction: discord.Interaction, tier: str) -> None:
        """A buy button: create a Stripe Checkout Session and send its link privately."""
        if self.gateway is None:
            raise UserFacingError(NOT_AVAILABLE)
        if interaction.guild_id is None:
            raise UserFacingError("Buy premium from inside the server it should apply to.")
        user_id, guild_id = interaction.user.id, interaction.guild_id
        setup = await load_setup(self.bot, guild_id)
        require_ready(setup)
        if await repo.accepted_terms_version(self.pool, user_id) != setup.terms_version:
            await self.offer(interaction)  # shows the (new) terms first
            return
        current = await repo.active_for_user(self.pool, user_id)
        note = check_can_buy(current, tier, self._guild_name(current["guild_id"]) if current else "")
        customer_id = await repo.customer_id_for_user(self.pool, user_id)
        self.buy_cooldown.hit((guild_id, user_id))  # before any Stripe call; a refused press above costs nothing
        await interaction.response.defer(ephemeral=True, thinking=True)
        price = (await self._prices()).get(tier)
        if price is None:
            raise UserFacingError(f"The {TIERS[tier].title.lower()} plan is not on sale.")
        marker = secrets.token_urlsafe(18)  # in the session's metadata and in premium_checkouts: proof it is ours
        params = checkout_params(setup, price, user_id=user_id, guild_id=guild_id, customer_id=customer_id,
                                 marker=marker)
        try:
            link = await self.gateway.create_checkout(params)
        except StripeFailure as exc:
            await interaction.followup.send(f"I couldn't start the checkout. {exc.message}", ephemeral=True)
            return
        # Recorded before the buyer sees the link: a session Hearth did not record never grants premium.
        await repo.record_checkout(self.pool, session_id=link.session_id, user_id=user_id, guild_id=guild_id,
                                   tier=tier, mode=TIERS[tier].checkout_mode, price_id=price.price_id,
                                   amount=price.amount, currency=price.currency, marker=marker,
                                   now=self.bot.clock.now())
        log.info("Premium: checkout session %s for user %s (%s) in guild %s", link.session_id, user_id, tier, guild_id)
        text = (f"Here is your secure Stripe checkout for **{TIERS[tier].title}** premium on "
                f"**{interaction.guild.name}**:\n{link.url}\nThe link is for you only and expires in 24 hours.")
        if note:
            text += f"\n\n{note}"
        await interaction.followup.send(text, view=link_view("Pay with Stripe", link.url), ephemeral=True)

    # --- own premium -----------------------------------------------------------------------------------------

    @premium.command(name="status", description="Your premium: plan, server and end date")
    async def status(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(embed=await self._status_embed(interaction), ephemeral=True)

    @app_commands.command(name="my_premium", description="Your premium: plan, server and end date")
    @app_commands.guild_only()
    async def my_premium(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(embed=await self._status_embed(interaction), ephemeral=True)

    async def _status_embed(self, interaction: discord.Interaction) -> discord.Embed:
        user_id = interaction.user.id
        row = await repo.active_for_user(self.pool, user_id) or await repo.latest_for_user(self.pool, user_id)
        embed = discord.Embed(title="Your premium", colour=COLOUR)
        if row is None:
            embed.description = "You don't have premium. See the plans with `/premium plans`."
            return embed
        where = "this server" if row["guild_id"] == interaction.guild_id else f"**{self._guild_name(row['guild_id'])}**"
        tier = row["tier"].title()
        if row["status"] != "active":
            embed.description = (f"Your **{tier}** premium on {where} is **{row['status']}**. "
                                 "`/premium plans` brings it back.")
            return embed
        until = "never expires" if row["expires_at"] is None else f"is paid until {notices.when(row['expires_at'])}"
        embed.description = f"**{tier}** premium on {where}; it {until}."
        if row["guild_id"] != interaction.guild_id:
            embed.add_field(name="Want it here?", value="Move it with `/premium transfer`.")
        return embed

    @premium.command(name="transfer", description="Move your premium to another server you're in")
    @app_commands.describe(server="The server that should get your premium")
    async def transfer(self, interaction: discord.Interaction, server: str) -> None:
        row = await repo.active_for_user(self.pool, interaction.user.id)
        if row is None:
            raise BadInput("You have no active premium to move. See `/premium plans`.")
        target = await resolve_target(self.bot, interaction.user.id, server)
        if target.id == row["guild_id"]:
            raise BadInput(f"Your premium already applies to **{target.name}**.")
        source = self._guild_name(row["guild_id"])

        async def confirm() -> str:
            await move(self.bot, self.pool, row, target)
            log.info("Premium: user %s moved subscription #%s from guild %s to %s", interaction.user.id, row["id"],
                     row["guild_id"], target.id)
            return f"✅ Your premium now applies to **{target.name}**; **{source}** no longer has it."

        view = TransferConfirmView(interaction.user.id, confirm)
        await interaction.response.send_message(
            f"Move your premium from **{source}** to **{target.name}**? **{source}** loses it immediately.",
            view=view, ephemeral=True)

    @transfer.autocomplete("server")
    async def _server_choices(self, interaction: discord.Interaction,
                              current: str) -> list[app_commands.Choice[str]]:
        row = await repo.active_for_user(self.pool, interaction.user.id)
        return mutual_guild_choices(self.bot, interaction.user.id, current, row["guild_id"] if row else None)

    @premium.command(name="manage", description="Billing: payment method, invoices, cancel or switch plan")
    async def manage(self, interaction: discord.Interaction) -> None:
        async def defer() -> None:
            await interaction.response.defer(ephemeral=True, thinking=True)

        if self.billing is None:
            raise UserFacingError(NOT_AVAILABLE)
        try:  # the dashboard's "Manage billing" goes through the same BillingPortal.open
            url = await self.billing.open(interaction.guild_id, interaction.user.id, before_stripe=defer)
        except PortalFailed as exc:
            await interaction.followup.send(str(exc), ephemeral=True)
            return
        await interaction.followup.send(f"Your Stripe billing settings (link valid for a few minutes):\n{url}",
                                        view=link_view("Open billing settings", url), ephemeral=True)

    # --- admins ----------------------------------------------------------------------------------------------

    @premium.command(name="check", description="Admins: whether a member has premium on this server")
    @app_commands.describe(member="The member to look up")
    async def check(self, interaction: discord.Interaction, member: discord.Member) -> None:
        # Discord only honours default_permissions on top-level commands: this subcommand checks at runtime.
        if not interaction.permissions.manage_guild:
            raise app_commands.MissingPermissions(["manage_guild"])
        row = await repo.active_in_guild(self.pool, member.id, interaction.guild_id)
        if row is None or not await premium_of(self.bot).is_premium(member.id, interaction.guild_id):
            text = f"{member.mention} has no premium on this server."
        else:
            until = "lifetime" if row["expires_at"] is None else f"paid until {notices.when(row['expires_at'])}"
            text = f"{member.mention} has **{row['tier'].title()}** premium on this server ({until})."
        server = "yes" if await premium_of(self.bot).guild_has_premium(interaction.guild_id) else "no"
        await interaction.response.send_message(f"{text}\nThis server has premium from any member: {server}.",
                                                ephemeral=True, allowed_mentions=discord.AllowedMentions.none())
