"""Context menus: "Warn" and "Delete and warn" on a message (its content and attachments kept as the case's
evidence), "Cases" on a user. The two message menus ask for the reason and points in a form."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from cogs.moderation.case_commands import NOT_MODERATOR
from cogs.moderation.cases import evidence_of
from cogs.moderation.checks import MODERATORS
from cogs.moderation.contract import MixinMeta
from core.persistent_items import ReportingModal
from utils.errors import BadInput, UserFacingError


class WarnForm(ReportingModal, title="Warn for this message"):
    """Reason and points of a warning about one message; `delete` also deletes the message once warned."""

    what = "a warning"
    reason: discord.ui.TextInput[Any] = discord.ui.TextInput(label="Reason", max_length=1000, custom_id="reason")
    points: discord.ui.TextInput[Any] = discord.ui.TextInput(label="Points", default="1", max_length=5,
                                                             custom_id="points")

    def __init__(self, cog: MenuActions, message: discord.Message, evidence: dict[str, Any], delete: bool) -> None:
        super().__init__(title="Delete and warn" if delete else "Warn for this message")
        self.cog, self.message, self.evidence, self.delete = cog, message, evidence, delete

    async def on_submit(self, interaction: discord.Interaction) -> None:  # type: ignore[override]
        try:
            points = float(self.points.value.replace(",", "."))
        except ValueError:
            raise BadInput(f"`{self.points.value}` is not a number of points.", example="1") from None
        if not 0 <= points <= 100:
            raise BadInput("Points go from 0 to 100.", example="1")
        await self.cog.warn_member(interaction, self.message.author, self.reason.value.strip(), points,
                                   self.evidence)
        if self.delete:
            try:
                await self.message.delete()
            except discord.NotFound:
                pass
            except discord.HTTPException as exc:
                await interaction.followup.send(f"The message could not be deleted (Discord answered {exc.status}).",
                                                ephemeral=True)


class MenuActions(MixinMeta):
    """The context menus; mixed into the moderation cog (which adds them to the tree when it loads)."""

    def context_menus(self) -> list[app_commands.ContextMenu]:
        """The cog's context menus, guild-only, shown to members with Timeout Members by default."""
        menus = [app_commands.ContextMenu(name="Warn", callback=self.warn_message),
                 app_commands.ContextMenu(name="Delete and warn", callback=self.delete_and_warn),
                 app_commands.ContextMenu(name="Cases", callback=self.cases_of_user)]
        for menu in menus:
            menu.guild_only = True
            menu.default_permissions = discord.Permissions(moderate_members=True)
        return menus

    async def _open_form(self, interaction: discord.Interaction, message: discord.Message, delete: bool) -> None:
        await self.require(interaction, MODERATORS, NOT_MODERATOR)
        if delete and not interaction.permissions.manage_messages:
            raise UserFacingError("You need the **Manage Messages** permission in this channel to delete the "
                                  "message: I only do what you could do yourself.")
        if message.author.bot or not isinstance(message.author, discord.abc.User):
            raise UserFacingError("That message was not written by a member.")
        await interaction.response.send_modal(WarnForm(self, message, evidence_of(message), delete))

    async def warn_message(self, interaction: discord.Interaction, message: discord.Message) -> None:
        """"Warn": a warning with the message as evidence."""
        await self._open_form(interaction, message, delete=False)

    async def delete_and_warn(self, interaction: discord.Interaction, message: discord.Message) -> None:
        """"Delete and warn": the same, and the message is deleted once the warning is recorded."""
        await self._open_form(interaction, message, delete=True)

    async def cases_of_user(self, interaction: discord.Interaction, user: discord.User) -> None:
        """"Cases": the member's cases, as `/cases user:` lists them."""
        await self.require(interaction, MODERATORS, NOT_MODERATOR)
        await self.send_cases(interaction, user.id, None, None)
