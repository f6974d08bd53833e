"""GDPR requests and the server's data agreement.

- `/export_my_data`: a JSON file of everything every feature holds about the member, sent privately.
- `/delete_my_data`: after a confirm button, every feature erases (or anonymises, or keeps with a reason) the
  member's data in one transaction, loaded cog or not (core/gdpr.py); the member gets a summary naming exactly
  what could not be erased, if anything.
- Both are limited per member (REQUEST_COOLDOWN): each reads or rewrites rows in every feature's tables.
- `/config gdpr post [channel]`: the agreement with a persistent "I Agree" button (`gdpr_acceptance`); the
  `gdpr.required` setting makes other features (onboarding …) wait for it, `gdpr.role` is granted on acceptance.
"""

from __future__ import annotations

import io
import json
import logging
from typing import Any

import discord
from discord import app_commands

from cogs.gdpr import repo
from cogs.gdpr.api import GdprApi
from cogs.gdpr.settings import GDPR_AGREEMENT_TEXT, GDPR_ROLE, SETTINGS
from core.cog_base import HearthCog
from core.command_tree import report_failure
from core.gdpr import Erasure, erase_everything, export_everything
from core.guild_kit import post_to_log
from utils.config_group import AdminConfigGroup, add_config_group, remove_config_group
from utils.cooldowns import Cooldown, OnCooldown
from utils.errors import BadInput, missing_permission_message
from utils.owned_view import OwnedView

log = logging.getLogger(__name__)

REQUEST_COOLDOWN = 600.0  # seconds between two exports (or two erasures) of one member
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
        cooldown = self.cog.erase_cooldown
        with cooldown.counting(interaction.user.id):  # counted here: another prompt's confirm may have run
            self.stop()
            await interaction.response.defer(ephemeral=True, thinking=True)
            result = await erase_everything(self.cog.bot, self.cog.pool, interaction.user.id)
        if not result.committed:
            cooldown.refund(interaction.user.id)  # nothing happened: they may try again at once
        await interaction.followup.send(erasure_summary(result), ephemeral=True)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        self.stop()
        await interaction.response.edit_message(content="Nothing was deleted.", view=None)

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item) -> None:
        await report_failure(interaction, error, "the data erasure")


def erasure_summary(result: Erasure) -> str:
    """What was deleted, anonymised and kept (and why), and exactly what was not erased, for the member."""
    if not result.committed:
        return ("⚠️ **Nothing was erased.** " + "; ".join(result.not_erased)
                + ". Try again in a few minutes; if it keeps failing, tell the server's staff.")
    report = result.report
    if result.not_erased:
        lines = ["⚠️ **Your data was erased, except what is listed under Not erased.**"]
        lines += [f"⚠️ Not erased: {problem}" for problem in result.not_erased]
    else:
        lines = ["🗑️ **Your data was erased.**"]
    deleted = {t: n for t, n in report.deleted.items() if n}
    anonymised = {t: n for t, n in report.anonymised.items() if n}
    if deleted:
        lines.append("Deleted: " + ", ".join(f"{n} from {t}" for t, n in sorted(deleted.items())))
    if anonymised:
        lines.append("Kept without your name (they belong to the server): "
                     + ", ".join(f"{n} in {t}" for t, n in sorted(anonymised.items())))
    if not deleted and not anonymised:
        lines.append("There was nothing to delete.")
    for table, reason in sorted(report.kept.items()):
        lines.append(f"Kept: {table}: {reason}")
    return "\n".join(lines)[:1900]


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
        # Per member, across servers (a data request covers every server); in memory, per process.
        self.export_cooldown = Cooldown(1, REQUEST_COOLDOWN, bot.clock, what="data exports")
        self.erase_cooldown = Cooldown(1, REQUEST_COOLDOWN, bot.clock, what="data erasures")

    async def load(self) -> None:
        self.api = GdprApi(self.pool, self.bot.guild_settings)
        self.bot.apis.publish(GdprApi, self.api)  # onboarding asks it whether a member accepted
        self.bot.add_view(AgreeButton(self))
        add_config_group(self.bot, GDPRCommands(self))

    async def unload(self) -> None:
        self.bot.apis.withdraw(GdprApi, self.api)
        remove_config_group(self.bot, "gdpr")

    # --- member commands (the gdpr_acceptance table: cogs/gdpr/gdpr.py) -------------------------------------

    @app_commands.command(name="export_my_data", description="Download everything this bot stores about you")
    async def export_my_data(self, interaction: discord.Interaction) -> None:
        with self.export_cooldown.counting(interaction.user.id):  # a failed export is not counted
            await interaction.response.defer(ephemeral=True, thinking=True)
            data, missing = await export_everything(self.bot, self.pool, interaction.user.id)
        document = {"user_id": interaction.user.id, "exported_at": self.bot.clock.now().isoformat(),
                    "incomplete_parts": missing, "data": data}
        payload = json.dumps(document, indent=2, ensure_ascii=False, default=str).encode()
        note = f"\n⚠️ Missing (try again later): {', '.join(missing)}" if missing else ""
        await interaction.followup.send(f"📦 Everything I store about you, as JSON.{note}", ephemeral=True,
                                        file=discord.File(io.BytesIO(payload), filename="my-hearth-data.json"))

    @app_commands.command(name="delete_my_data", description="Delete everything this bot stores about you")
    async def delete_my_data(self, interaction: discord.Interaction) -> None:
        wait = self.erase_cooldown.retry_after(interaction.user.id)
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
