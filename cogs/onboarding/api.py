"""Onboarding's public API: the guild's flow (rules and questions) and the one code path that changes it.

The onboarding cog publishes one `OnboardingApi` on `bot.apis` while it is loaded; a caller imports this module
only and asks `bot.apis.get(OnboardingApi)` (None when onboarding is not loaded). The dashboard's onboarding editor
changes the flow through `OnboardingApi.editor`, the code of `/config onboarding` (cogs/onboarding/editing.py).
"""

from __future__ import annotations

from typing import Any

from cogs.onboarding.editing import OnboardingEditor
from cogs.onboarding.flow import CHOICE_TYPES, QUESTION_TYPES, Question, Rule

__all__ = ["CHOICE_TYPES", "QUESTION_TYPES", "OnboardingApi", "OnboardingEditor", "Question", "Rule"]


class OnboardingApi:
    """The onboarding flows of every guild (reached as `bot.apis.get(OnboardingApi)`)."""

    def __init__(self, cog: Any) -> None:
        self.editor = OnboardingEditor(cog)
        """Lists and changes a guild's rules, questions, follow-ups and role mappings as a member."""
