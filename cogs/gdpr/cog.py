"""GDPR requests and the server's data agreement.

- `/export_my_data`: a JSON file of everything every feature holds about the member, sent privately.
- `/delete_my_data`: after a confirm button, every feature erases (or anonymises, or keeps with a reason) the
  member's data in one transaction, loaded cog or not (core/gdpr.py); the member gets a summary naming exactly
  what could not be erased, if anything.
- Both are limited per member (cogs/gdpr/requests.py, shared with the dashboard's member page) and recorded in
  `gdpr_requests`: each reads or rewrites rows in every feature's tables.
- `/config gdpr post [channel]`: the agreement with a persistent "I Agree" button (`gdpr_acceptance`); the
  `gdpr.required` setting makes other features (onboarding …) wait for it, `gdpr.role` is granted on acceptance.
"""

from __future__ import annotations

import io
import logging
from typing import Any

import discord
from discord import app_commands

from cogs.gdpr import repo
from cogs.gdpr.api import GdprApi
from cogs.gdpr.requests import DataRequests, erasure_summary
from cogs.gdpr.settings import GDPR_AGREEMENT_TEXT, GDPR_ROLE, SETTINGS
from core.cog_base import HearthCog
from core.command_tree import report_failure
from core.guild_kit import post_to_log
from utils.config_group import AdminConfigGroup, add_config_group, remove_config_group
from utils.cooldowns import OnCooldown
from utils.errors import BadInput, missing_permission_message
from utils.owned_view import OwnedView

log = logging.getLogger(__name__)

EXPORT_FILE = "my-hearth-data.json"
AGREE_ID = "hearth:gdpr:agree"


class AgreeButton(discord.ui.View):
    """The persistent "I Agree" button (fixed custom_id, registered at start-up)."""

    def __init__(self, cog: GDPRCog | None = None) -> None:
        super().__init__(timeout=None)
        self.cog = cog

    @discord.ui.button(label="I Agree", style=discord.ButtonStyle.success, custom_id=AGREE_ID)
    async def agree(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        assert self.cog is not None
        await self.cog.accept(interaction)


class DeleteConfirm(OwnedView):
    """"Delete everything" / "Cancel" for /delete_my_data."""

    def __init__(self, cog: GDPRCog, owner_id: int) -> None:
        super().__init__(owner_id, timeout=300)
        self.cog = cog

    @discord.ui.button(label="Delete everything", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        async def accepted() -> None:
            self.stop()
            await interaction.response.defer(ephemeral=True, thinking=True)

        result = await self.cog.requests.erase(interaction.user.id, "command", before=accepted)
        await interaction.followup.send(erasure_summary(result), ephemeral=True)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        self.stop()
        await interaction.response.edit_message(content="Nothing was deleted.", view=None)

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item) -> None:
        await report_failure(interaction, error, "the data erasure")


class GDPRCommands(AdminConfigGroup, name="gdpr", description="The data agreement (admins)"):
    """`/config gdpr`."""

    @app_commands.command(name="post", description="Post the data agreement with its I Agree button")
    @app_commands.describe(channel="Where to post it (default: here)")
    async def post(self, interaction: discord.Interaction, channel: discord.TextChannel | None = None) -> None:
        await self.cog.post_agreement(interaction, channel)


class GDPRCog(HearthCog, name="GDPR"):
    """Data requests and the data agreement."""

    pool_size = 1  # data requests are rare and run one at a time per member
    settings = SETTINGS
    api: GdprApi

    def __init__(self, bot: Any) -> None:
        super().__init__(bot)
        self.requests = DataRequests(bot, None)  # its pool is set at load

    async def load(self) -> None:
        self.requests.pool = self.pool
        self.api = GdprApi(self.pool, self.bot.guild_settings, self.requests)
        self.bot.apis.publish(GdprApi, self.api)  # onboarding asks it whether a member accepted
        self.bot.add_view(AgreeButton(self))
        add_config_group(self.bot, GDPRCommands(self))

    async def unload(self) -> None:
        self.bot.apis.withdraw(GdprApi, self.api)
        remove_config_group(self.bot, "gdpr")

    # --- member commands (the gdpr_acceptance table: cogs/gdpr/gdpr.py) -------------------------------------

    @app_commands.command(name="export_my_data", description="Download everything this bot stores about you")
    async def export_my_data(self, interaction: discord.Interaction) -> None:
        async def accepted() -> None:
            await interaction.response.defer(ephemeral=True, thinking=True)

        exported = await self.requests.export(interaction.user.id, "command", before=accepted)
        missing = exported.missing
        note = f"\n⚠️ Missing (try again later): {', '.join(missing)}" if missing else ""
        await interaction.followup.send(f"📦 Everything I store about you, as JSON.{note}", ephemeral=True,
                                        file=discord.File(io.BytesIO(exported.payload), filename=EXPORT_FILE))

    @app_commands.command(name="delete_my_data", description="Delete everything this bot stores about you")
    async def delete_my_data(self, interaction: discord.Interaction) -> None:
        wait = self.requests.erase_wait(interaction.user.id)
        if wait > 0:  # say so before the member confirms; the confirm button counts the use
            raise OnCooldown(wait, "data erasures")
        await interaction.response.send_message(
            "This deletes what I store about you on every server (commands, reminders' authorship, check-ins, "
            "onboarding answers …). Payment records and your acceptance of the premium terms are kept because the "
            "law requires it, and your AI usage count of the last days is kept without your id (so the daily AI "
            "limit still holds). This cannot be undone.", view=DeleteConfirm(self, interaction.user.id),
            ephemeral=True)

    # --- the agreement -------------------------------------------------------------------------------

    async def post_agreement(self, interaction: discord.Interaction, channel: discord.TextChannel | None) -> None:
        """/config gdpr post: the agreement embed with its I Agree button."""
        target = channel or interaction.channel
        if not isinstance(target, discord.TextChannel):
            raise BadInput("Pick a text channel for the agreement.", example="/config gdpr post channel:#welcome")
        text = await self.bot.guild_settings.setting(interaction.guild_id, GDPR_AGREEMENT_TEXT)
        embed = discord.Embed(title="🔒 Data agreement", description=text, colour=discord.Colour.green())
        try:
            await target.send(embed=embed, view=AgreeButton(self))
        except discord.Forbidden as exc:
            raise BadInput(missing_permission_message(exc)) from exc
        await interaction.response.send_message(f"✅ The agreement is posted in {target.mention}.", ephemeral=True)

    async def accept(self, interaction: discord.Interaction) -> None:
        """The I Agree button: record the acceptance and grant `gdpr.role`."""
        if interaction.guild is None:
            return
        first = await repo.accept(self.pool, interaction.user.id, interaction.guild.id, self.bot.clock.now())
        text = "✅ Thank you, your acceptance is recorded." if first else "You had already accepted; recorded again."
        role_id = await self.bot.guild_settings.setting(interaction.guild.id, GDPR_ROLE)
        role = interaction.guild.get_role(role_id) if role_id else None
        if role is not None and isinstance(interaction.user, discord.Member) and role not in interaction.user.roles:
            # Checked again now, against whoever set gdpr.role (the log channel is told once why not).
            refusal = await self.bot.role_grants.setting_refusal(interaction.guild, role, "gdpr", "role")
            if refusal is not None:
                await interaction.response.send_message(f"{text}\n{refusal.member_text(role)}", ephemeral=True)
                return
            try:
                await interaction.user.add_roles(role, reason="Accepted the data agreement")
            except discord.Forbidden as exc:
                log.warning("Guild %s: cannot grant the agreement role: %s", interaction.guild.id, exc)
                text += " (I could not give you the role: an admin has been told.)"
                await post_to_log(self.bot, interaction.guild, content=f"⚠️ Could not grant {role.mention} on "
                                  f"acceptance of the data agreement: {missing_permission_message(exc)}")
        await interaction.response.send_message(text, ephemeral=True)
