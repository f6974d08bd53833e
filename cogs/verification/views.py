"""The verification cog's components. Every button is a persistent item (`core.persistent_items`) whose
custom_id carries what it acts on, so panels and review buttons keep working after a restart; the callbacks look
everything up again, scoped to the guild the click came from. They reach the cog only through its declared
contract (`contract.VerificationActions`)."""

from __future__ import annotations

from typing import Any

import discord

from cogs.verification.contract import VerificationActions
from core.persistent_items import ItemT, Look, PersistentItem, ReportingModal, choices

REJECTION_MAX = 500


class VerificationItem(PersistentItem[ItemT, VerificationActions], cog="Verification", prefix="verify",
                       unavailable="Verification is not available right now, try again later."):
    """The verification cog's persistent items: they act for a member in a guild only."""

    @classmethod
    def usable(cls, interaction: discord.Interaction) -> bool:
        return interaction.guild is not None and isinstance(interaction.user, discord.Member)


class VerifyButton(VerificationItem[discord.ui.Button[Any]], template=r"start", what="the verification panel"):
    """"Verify" on the panel (`VerifyButton.view_of()`): opens the member's private verification channel."""

    look = Look("Verify", discord.ButtonStyle.success, "✅")

    async def clicked(self, interaction: discord.Interaction, cog: VerificationActions) -> None:
        await cog.start(interaction)


class ReviewButton(VerificationItem[discord.ui.Button[Any]],
                   template=r"(?P<action>approve|reject):(?P<verification_id>\d+)"):
    """Approve / Reject under a verification waiting for a reviewer (`ReviewButton.view_of(verification_id)`)."""

    action: str
    verification_id: int
    looks = choices(approve=Look("Approve", discord.ButtonStyle.success, "✅"),
                    reject=Look("Reject", discord.ButtonStyle.danger, "✖️"))

    async def clicked(self, interaction: discord.Interaction, cog: VerificationActions) -> None:
        if self.action == "approve":
            await cog.approve(interaction, self.verification_id)
        else:
            await cog.check_reviewable(interaction, self.verification_id)
            await interaction.response.send_modal(RejectModal(cog, self.verification_id))

    def describe(self) -> str:
        return f"verification {self.action}"


class RejectModal(ReportingModal):
    """Why the verification is rejected: shown to the member and stored as `rejection_reason`."""

    what = "rejecting a verification"

    reason: discord.ui.TextInput[RejectModal] = discord.ui.TextInput(
        label="Reason (shown to the member)", custom_id="reason", style=discord.TextStyle.paragraph,
        min_length=3, max_length=REJECTION_MAX)

    def __init__(self, cog: VerificationActions, verification_id: int) -> None:
        super().__init__(title=f"Reject verification #{verification_id}"[:45], timeout=900)
        self.cog, self.verification_id = cog, verification_id

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self.cog.reject(interaction, self.verification_id, self.reason.value)


DYNAMIC_ITEMS = (VerifyButton, ReviewButton)
