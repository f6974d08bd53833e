"""Verification: `/config verification …` for admins, the Verify panel, private verification channels, an AI check
of the payment screenshot and Approve / Reject for reviewers. Premium-gated per guild.

The flow: channels.py (start, the private channel, its clean-up), submission.py (the screenshot and the AI
check), review.py (the verified role and the reviewers); docs/verification.md for admins. The parts return
results; the cog answers the interactions.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import timedelta
from typing import Any

import discord
from discord.ext import commands

from cogs.premium.api import premium_of
from cogs.verification import repo
from cogs.verification.cache import ChannelCache
from cogs.verification.channels import PrivateChannels
from cogs.verification.commands import VerificationCommands
from cogs.verification.desk import CLEANUP, NONE, VerificationDesk, describe_job
from cogs.verification.review import Review, rejection_reason
from cogs.verification.settings import SETTINGS
from cogs.verification.submission import Submission
from cogs.verification.views import DYNAMIC_ITEMS
from core.cog_base import HearthCog
from core.message_pipeline import ORDER_VERIFICATION, MessageContext, attach
from core.modules import declare
from gpt.service import LLMService
from utils.config_group import add_config_group, remove_config_group


def _in_guild(interaction: discord.Interaction) -> tuple[discord.Guild, discord.Member]:
    """The guild and the member of a component's interaction (the views only call the cog for those)."""
    guild, member = interaction.guild, interaction.user
    assert guild is not None and isinstance(member, discord.Member)
    return guild, member


STAGE = "verification"  # the message-pipeline stage: screenshots uploaded in verification channels


class VerificationCog(HearthCog, name="Verification"):
    """Payment verification with a vision model and human review."""

    pool_size = 2  # clicks and uploads: short queries (the LLM call holds no connection)
    settings = SETTINGS
    module = declare("verification", "Verification", docs="verification.md",
                     summary="screenshot and manual member verification")
    persistent_items = DYNAMIC_ITEMS

    def __init__(self, bot: Any) -> None:
        super().__init__(bot)
        self.group: VerificationCommands | None = None

    async def load(self) -> None:
        self.llm = LLMService.from_bot(self.bot, self.pool, premium=premium_of(self.bot))
        self.desk = VerificationDesk(self.bot, self.pool)
        self.cache = ChannelCache(self.pool)
        self.channels = PrivateChannels(self.desk, self.cache)
        self.review = Review(self.desk, self.channels)
        self.submission = Submission(self.desk, self.cache, self.review, self.llm)
        # Must happen (a verification without a screenshot is closed, its channel removed): retried until it works.
        self.bot.timers.register(CLEANUP, self.channels.run_cleanup, on_skip=self.channels.run_cleanup,
                                 describe=describe_job, timeout=timedelta(minutes=2))
        self.group = VerificationCommands(self)
        add_config_group(self.bot, self.group)
        attach(self.bot).register(STAGE, self.verification_upload, order=ORDER_VERIFICATION, module=self.module)

    async def unload(self) -> None:
        self.bot.pipeline.unregister(STAGE)
        if self.group is not None:
            remove_config_group(self.bot, self.group.name)
        self.bot.timers.unregister(CLEANUP)
        await self.llm.close()

    # --- what the components call (contract.VerificationActions) ----------------------------------------------------

    async def start(self, interaction: discord.Interaction) -> None:
        """The panel's Verify: open the member's private verification channel."""
        guild, member = _in_guild(interaction)
        await self.channels.check_can_start(guild, member)
        await interaction.response.defer(ephemeral=True, thinking=True)
        channel = await self.channels.open(guild, member)
        await interaction.followup.send(f"🔐 Your verification channel is open: {channel.mention}. Upload a "
                                        "screenshot of your payment there.", ephemeral=True)

    async def approve(self, interaction: discord.Interaction, verification_id: int) -> None:
        """A reviewer's Approve."""
        guild, reviewer = _in_guild(interaction)
        verification = await self.review.check_reviewable(guild, reviewer, verification_id)
        await interaction.response.defer(ephemeral=True, thinking=True)
        decided = await self.review.approve(guild, reviewer, verification)
        await interaction.followup.send(decided.answer, ephemeral=True, allowed_mentions=NONE)
        await self.review.conclude(decided, interaction.message)

    async def check_reviewable(self, interaction: discord.Interaction, verification_id: int) -> repo.Verification:
        """The open verification a reviewer may act on (before the rejection modal opens)."""
        guild, reviewer = _in_guild(interaction)
        return await self.review.check_reviewable(guild, reviewer, verification_id)

    async def reject(self, interaction: discord.Interaction, verification_id: int, reason: str) -> None:
        """A reviewer's Reject, with the reason from the modal."""
        guild, reviewer = _in_guild(interaction)
        verification = await self.review.check_reviewable(guild, reviewer, verification_id)
        reason = rejection_reason(reason)
        await interaction.response.defer(ephemeral=True, thinking=True)
        decided = await self.review.reject(guild, reviewer, verification, reason)
        await interaction.followup.send(decided.answer, ephemeral=True, allowed_mentions=NONE)
        await self.review.conclude(decided, interaction.message)

    # --- events ------------------------------------------------------------------------------------------------------

    def verification_upload(self, context: MessageContext) -> Awaitable[None] | None:
        """The message-pipeline stage (last: a screenshot check calls the LLM): an upload in a verification
        channel. No coroutine for a message without attachments."""
        if not context.message.attachments:
            return None
        return self.submission.on_message(context.message)

    @commands.Cog.listener("on_guild_channel_delete")
    async def verification_channel_deleted(self, channel: discord.abc.GuildChannel) -> None:
        await self.channels.channel_deleted(channel)

    # --- GDPR (the table: cogs/verification/gdpr.py) -----------------------------------------------------------------

    async def forget_erased_user(self, user_id: int) -> None:
        """Drop the open channels of the user's (deleted) verifications from memory."""
        self.cache.forget_user(user_id)
