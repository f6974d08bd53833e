"""Verification: `/config verification …` for admins, the Verify panel, private verification channels, an AI check
of the payment screenshot and Approve / Reject for reviewers. Premium-gated per guild.

See cogs/verification/service.py for the flow and docs/verification.md for admins.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import discord
from discord.ext import commands

from cogs.verification.commands import VerificationCommands
from cogs.verification.service import CLEANUP, VerificationService
from cogs.verification.views import DYNAMIC_ITEMS
from gpt.service import LLMService
from utils.cog_base import HearthCog
from utils.config_group import add_config_group, remove_config_group
from utils.settings_registry import SettingSpec, SettingType, int_range

log = logging.getLogger(__name__)


def _duration(low: int, high: int, text: str) -> Any:
    def check(value: Any) -> str | None:
        return None if low <= value <= high else f"must be between {text}."

    return check


class VerificationCog(HearthCog, name="Verification"):
    """Payment verification with a vision model and human review."""

    pool_size = 2  # clicks and uploads: short queries (the LLM call holds no connection)
    settings = (
        SettingSpec("verification", "verified_role", SettingType.ROLE, None,
                    "Role granted to members whose payment is verified.", grants_role=True),
        SettingSpec("verification", "reviewer_role", SettingType.ROLE, None,
                    "Role that reviews verifications the AI could not decide (default: system.staff_role)."),
        SettingSpec("verification", "category", SettingType.CHANNEL, None,
                    "Category for the private verification channels (set it with /config verification setup).",
                    channel_kind="category"),
        SettingSpec("verification", "log_channel", SettingType.CHANNEL, None,
                    "Where review requests and results go (default: system.log_channel)."),
        SettingSpec("verification", "max_payment_age_days", SettingType.INT, 35,
                    "How many days old a payment may be to be verified automatically.", validator=int_range(1, 366)),
        SettingSpec("verification", "cooldown", SettingType.DURATION, 600,
                    "How long a member waits between two verifications they start (0 = no limit).",
                    validator=_duration(0, 7 * 86400, "0s and 7d")),
        SettingSpec("verification", "upload_timeout", SettingType.DURATION, 86400,
                    "A verification without a screenshot closes after this long.",
                    validator=_duration(600, 7 * 86400, "10m and 7d")),
        SettingSpec("verification", "close_delay", SettingType.DURATION, 3600,
                    "After a rejection, the channel stays readable this long before it is deleted (0 = at once).",
                    validator=_duration(0, 7 * 86400, "0s and 7d")),
        SettingSpec("verification", "instructions", SettingType.TEXT, None,
                    "What a valid payment looks like (amount, recipient, product): shown to members and the AI."),
    )

    service: VerificationService

    def __init__(self, bot: Any) -> None:
        super().__init__(bot)
        self.group: VerificationCommands | None = None

    async def load(self) -> None:
        self.llm = LLMService.from_bot(self.bot, self.pool)
        self.service = VerificationService(self.bot, self.pool, self.llm)
        self.bot.add_dynamic_items(*DYNAMIC_ITEMS)
        # Must happen (a verification without a screenshot is closed, its channel removed): retried until it works.
        self.bot.timers.register(CLEANUP, self.service.run_cleanup, on_skip=self.service.run_cleanup,
                                 describe=self.service.describe, timeout=timedelta(minutes=2))
        self.group = VerificationCommands(self)
        add_config_group(self.bot, self.group)

    async def unload(self) -> None:
        if self.group is not None:
            remove_config_group(self.bot, self.group.name)
        self.bot.timers.unregister(CLEANUP)
        self.bot.remove_dynamic_items(*DYNAMIC_ITEMS)
        await self.llm.close()

    # --- events ------------------------------------------------------------------------------------------------------

    @commands.Cog.listener("on_message")
    async def verification_upload(self, message: discord.Message) -> None:
        await self.service.on_message(message)

    @commands.Cog.listener("on_guild_channel_delete")
    async def verification_channel_deleted(self, channel: discord.abc.GuildChannel) -> None:
        await self.service.channel_deleted(channel)

    # --- GDPR (the table: cogs/verification/gdpr.py) -----------------------------------------------------------------

    async def forget_erased_user(self, user_id: int) -> None:
        """Drop the open channels of the user's (deleted) verifications from memory."""
        self.service.forget_user(user_id)
