"""Automod tests: the bot on the stand-in with a log channel, and helpers to add rules through /config."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.hearth_harness import Hearth
from tests.standin.models import Channel


@dataclass
class Automod:
    """The harness plus the log channel and shortcuts."""

    hearth: Hearth
    logs: Channel

    @property
    def d(self):
        return self.hearth.discord

    @property
    def g(self):
        return self.hearth.guild

    async def action(self, type_: str, **options: Any) -> int:
        """Add an action through the command; returns its id."""
        await self.d.slash("config automod action_add", user=self.g.admin, options={"type": type_, **options})
        return await self.hearth.db.fetchval("SELECT max(id) FROM automod_actions WHERE guild_id = $1",
                                             self.g.guild.id)

    async def rule(self, name: str, type_: str, **options: Any) -> int:
        """Add a rule through the command; returns its id."""
        result = await self.d.slash("config automod add", user=self.g.admin,
                                    options={"name": name, "type": type_, **options})
        assert "added" in result.text, result.text
        return await self.hearth.db.fetchval("SELECT max(id) FROM automod_rules WHERE guild_id = $1",
                                             self.g.guild.id)

    def log_embeds(self) -> list[dict[str, Any]]:
        """Embeds posted to the log channel, oldest first."""
        return [m.embeds[0] for m in self.d.messages_in(self.logs) if m.embeds]

    def log_messages(self):
        return [m for m in self.d.messages_in(self.logs) if m.embeds]


@pytest.fixture
async def automod(hearth: Hearth) -> Automod:
    logs = hearth.guild.guild.add_text_channel("mod-log")
    await hearth.discord.settle()
    await hearth.bot.guild_settings.set(hearth.guild.guild.id, "system", "log_channel", logs.id, changed_by=1)
    return Automod(hearth, logs)
