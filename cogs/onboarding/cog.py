"""Onboarding: rules to accept, questions to answer and personalisation, on join (by DM) or from the Start
button in the welcome channel; roles at the end and a summary for the staff. `/config onboarding …` for admins.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord.ext import commands

from cogs.onboarding.commands import OnboardingCommands
from cogs.onboarding.engine import Engine
from cogs.onboarding.flow import LANGUAGE_NAMES, MODES, parse_languages
from cogs.onboarding.views import ITEMS, MODAL_ID, AnswerModal, modal_answer
from core.cog_base import HearthCog
from core.command_tree import report_failure
from core.settings_registry import SettingSpec, SettingType
from utils.config_group import add_config_group, remove_config_group

log = logging.getLogger(__name__)


def _check_languages(value: Any) -> str | None:
    codes = parse_languages(str(value))
    if not 1 <= len(codes) <= 24:
        return "Give 1 to 24 language codes separated by commas, e.g. `en, nl, fr`."
    bad = [code for code in codes if not (code in LANGUAGE_NAMES or (code.isalpha() and 2 <= len(code) <= 3))]
    if bad:
        return f"Not a language code: {', '.join(bad)}. Use codes such as `en, nl, fr`."
    return None


class OnboardingCog(HearthCog, name="Onboarding"):
    """The member flow (see engine.py) and the admin subgroup (see commands.py)."""

    pool_size = 3
    persistent_items = ITEMS
    settings = (
        SettingSpec("onboarding", "mode", SettingType.TEXT, "disabled",
                    "What new members go through: disabled, rules, questions (with personalisation) or "
                    "rules_questions.", choices=MODES),
        SettingSpec("onboarding", "welcome_channel", SettingType.CHANNEL, None,
                    "Where members whose DMs are closed are asked to press Start (also where to post the "
                    "panel with `/config onboarding panel`)."),
        SettingSpec("onboarding", "staff_channel", SettingType.CHANNEL, None,
                    "Where the summary of each completed onboarding goes (default: the log channel)."),
        SettingSpec("onboarding", "join_role", SettingType.ROLE, None,
                    "Role given on join and removed when the onboarding is completed.", grants_role=True),
        SettingSpec("onboarding", "completion_role", SettingType.ROLE, None,
                    "Role given when the onboarding is completed.", grants_role=True),
        SettingSpec("onboarding", "personalisation", SettingType.BOOL, True,
                    "Ask the personalisation steps (personalised content, preferred language) after the questions."),
        SettingSpec("onboarding", "languages", SettingType.TEXT, "en, nl, fr, de, es",
                    "Languages offered in the preferred-language step (codes, comma-separated; 'Other…' is "
                    "always offered).", validator=_check_languages),
        SettingSpec("onboarding", "welcome_text", SettingType.TEXT, None,
                    "Text of the welcome message with the Start button (default: a short standard text)."),
    )

    def __init__(self, bot: Any) -> None:
        super().__init__(bot)
        self.engine = Engine(self)
        self.group: OnboardingCommands | None = None

    async def load(self) -> None:
        self.group = OnboardingCommands(self)
        add_config_group(self.bot, self.group)

    async def unload(self) -> None:
        if self.group is not None:
            remove_config_group(self.bot, self.group.name)

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
