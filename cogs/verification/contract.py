"""What the verification components (cogs/verification/views.py) ask of the loaded verification cog: exactly
these calls.

The views depend on this contract, not on the cog class, so the cog's parts can import the views without an
import cycle. `VerificationCog` fulfils it.
"""

from __future__ import annotations

from typing import Protocol

import discord

from cogs.verification import repo


class VerificationActions(Protocol):
    """The handlers behind the Verify, Approve and Reject buttons and the rejection modal."""

    async def start(self, interaction: discord.Interaction) -> None:
        """The panel's Verify: open the member's private verification channel."""

    async def approve(self, interaction: discord.Interaction, verification_id: int) -> None:
        """A reviewer's Approve."""

    async def check_reviewable(self, interaction: discord.Interaction, verification_id: int) -> repo.Verification:
        """The open verification a reviewer may act on, or a `UserFacingError` saying why not."""

    async def reject(self, interaction: discord.Interaction, verification_id: int, reason: str) -> None:
        """A reviewer's Reject, with the reason shown to the member."""
