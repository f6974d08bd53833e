"""The verification cog's components. Every button is a `DynamicItem` whose custom_id carries what it acts on,
so panels and review buttons keep working after a restart; the callbacks look everything up again, scoped to
the guild the click came from. They reach the cog only through its declared contract
(`contract.VerificationActions`)."""

from __future__ import annotations

import re
from typing import Any

import discord

from cogs.verification.contract import VerificationActions
from core.command_tree import report_failure
from utils.errors import UserFacingError

REJECTION_MAX = 500


def _cog(interaction: discord.Interaction) -> VerificationActions:
    """The loaded verification cog, for a member in a guild; else they hear that verification is unavailable."""
    cog = interaction.client.get_cog("Verification")  # type: ignore[attr-defined]
    if cog is None or interaction.guild is None or not isinstance(interaction.user, discord.Member):
        raise UserFacingError("Verification is not available right now, try again later.")
    return cog  # type: ignore[return-value]


class VerifyButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"hearth:verify:start"):
    """"Verify" on the panel: opens the member's private verification channel."""

    def __init__(self) -> None:
        super().__init__(discord.ui.Button(label="Verify", emoji="✅", style=discord.ButtonStyle.success,
                                           custom_id="hearth:verify:start"))

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> VerifyButton:
        return cls()

    async def callback(self, interaction: discord.Interaction) -> None:  # type: ignore[override]
        try:
            await _cog(interaction).start(interaction)
        except Exception as exc:
            await report_failure(interaction, exc, "the verification panel")


def panel_view() -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(VerifyButton())
    return view


class ReviewButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                   template=r"hearth:verify:(?P<action>approve|reject):(?P<id>\d+)"):
    """Approve / Reject under a verification waiting for a reviewer."""

    def __init__(self, action: str, verification_id: int) -> None:
        label, emoji, style = (("Approve", "✅", discord.ButtonStyle.success) if action == "approve"
                               else ("Reject", "✖️", discord.ButtonStyle.danger))
        super().__init__(discord.ui.Button(label=label, emoji=emoji, style=style,
                                           custom_id=f"hearth:verify:{action}:{verification_id}"))
        self.action, self.verification_id = action, verification_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> ReviewButton:
        return cls(match["action"], int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:  # type: ignore[override]
        try:
            cog = _cog(interaction)
            if self.action == "approve":
                await cog.approve(interaction, self.verification_id)
            else:
                await cog.check_reviewable(interaction, self.verification_id)
                await interaction.response.send_modal(RejectModal(cog, self.verification_id))
        except Exception as exc:
            await report_failure(interaction, exc, f"verification {self.action}")


def review_view(verification_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ReviewButton("approve", verification_id))
    view.add_item(ReviewButton("reject", verification_id))
    return view


class RejectModal(discord.ui.Modal):
    """Why the verification is rejected: shown to the member and stored as `rejection_reason`."""

    reason: discord.ui.TextInput[RejectModal] = discord.ui.TextInput(
        label="Reason (shown to the member)", custom_id="reason", style=discord.TextStyle.paragraph,
        min_length=3, max_length=REJECTION_MAX)

    def __init__(self, cog: VerificationActions, verification_id: int) -> None:
        super().__init__(title=f"Reject verification #{verification_id}"[:45], timeout=900)
        self.cog, self.verification_id = cog, verification_id

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self.cog.reject(interaction, self.verification_id, self.reason.value)

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:  # type: ignore[override]
        await report_failure(interaction, error, "rejecting a verification")


DYNAMIC_ITEMS = (VerifyButton, ReviewButton)
