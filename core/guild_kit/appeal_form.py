"""The form an **Appeal** button opens: one paragraph saying why an action should be reversed.

Automod's appeals (of its own actions) and moderation's (of manual bans and timeouts) keep their own records and
decisions; the form the member fills in is this one, so it reads and limits the same everywhere.
"""

from __future__ import annotations

import discord

from core.persistent_items import ReportingModal

APPEAL_REASON_MAX = 1000


class AppealForm(ReportingModal):
    """Why the member thinks the action was a mistake; subclasses set `title`, `what` and `on_submit`."""

    reason: discord.ui.TextInput = discord.ui.TextInput(
        label="Why should this be reversed?", style=discord.TextStyle.paragraph, max_length=APPEAL_REASON_MAX,
        custom_id="reason")

    @property
    def reason_text(self) -> str:
        """What the member wrote, trimmed ("(no reason given)" when blank)."""
        return self.reason.value.strip() or "(no reason given)"
