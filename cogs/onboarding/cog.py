"""Onboarding: rules to accept, questions to answer and personalisation, on join (by DM) or from the Start
button in the welcome channel; roles at the end and a summary for the staff. `/config onboarding …` for admins.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord.ext import commands

from cogs.onboarding.api import OnboardingApi
from cogs.onboarding.commands import OnboardingCommands
from cogs.onboarding.engine import Engine
from cogs.onboarding.settings import SETTINGS
from cogs.onboarding.views import ITEMS, MODAL_ID, AnswerModal, modal_answer
from core.cog_base import HearthCog
from core.command_tree import report_failure
from core.modules import declare
from utils.config_group import add_config_group, remove_config_group

log = logging.getLogger(__name__)


class OnboardingCog(HearthCog, name="Onboarding"):
    """The member flow (see engine.py) and the admin subgroup (see commands.py)."""

    pool_size = 3
    persistent_items = ITEMS
    settings = SETTINGS
    module = declare("onboarding", "Onboarding", docs="onboarding.md", summary="rules and questions for new members")

    def __init__(self, bot: Any) -> None:
        super().__init__(bot)
        self.engine = Engine(self)
        self.group: OnboardingCommands | None = None
        self.api = OnboardingApi(self)

    async def load(self) -> None:
        self.group = OnboardingCommands(self)
        add_config_group(self.bot, self.group)
        self.bot.apis.publish(OnboardingApi, self.api)  # the dashboard's onboarding editor changes the flow through it

    async def unload(self) -> None:
        if self.group is not None:
            remove_config_group(self.bot, self.group.name)
        self.bot.apis.withdraw(OnboardingApi, self.api)

    @commands.Cog.listener()
    async def on_member_join(self, member: discord.Member) -> None:
        await self.engine.on_join(member)

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Text answers (modal submissions), recognised by their custom_id: they work across restarts too."""
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        data: dict[str, Any] = interaction.data or {}  # type: ignore[assignment]
        match = MODAL_ID.fullmatch(str(data.get("custom_id", "")))
        if match:
            try:
                await self.engine.submit_text(interaction, int(match["guild"]), match["key"], modal_answer(data))
            except Exception as exc:  # told to the member as the step buttons' failures are
                await report_failure(interaction, exc, AnswerModal.what)
