"""The automod desk: the default guild with a mod-log channel as its system log channel, and adding rules and
actions through /config automod as the admin."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cogs.automod import repo
from tests.kit.desks import FeatureDesk
from tests.standin.models import Channel, Message


@dataclass
class Automod(FeatureDesk):
    """The harness plus the log channel and shortcuts."""

    logs: Channel

    async def action(self, type_: str, **options: Any) -> int:
        """Add an action through the command; returns its id."""
        await self.d.slash("config automod action_add", user=self.g.admin, options={"type": type_, **options})
        ids = [row["id"] for row in await repo.actions(self.db, self.server.id)]
        return max(ids, default=None)  # type: ignore[return-value]  # None: the command added nothing

    async def rule(self, name: str, type_: str, **options: Any) -> int:
        """Add a rule through the command; returns its id."""
        result = await self.d.slash("config automod add", user=self.g.admin,
                                    options={"name": name, "type": type_, **options})
        assert "added" in result.text, result.text
        return max(row["id"] for row in await repo.rules(self.db, self.server.id))

    def log_embeds(self) -> list[dict[str, Any]]:
        """Automod's embeds posted to the log channel, oldest first."""
        return [m.embeds[0] for m in self.log_messages()]

    def log_messages(self) -> list[Message]:
        """The log channel's messages from automod (an embed; not the moderation cases that the same channel
        shows when it is also the mod log), oldest first."""
        return [m for m in self.d.messages_in(self.logs) if m.embeds and not is_case(m.embeds[0])]

    def case_embeds(self) -> list[dict[str, Any]]:
        """The moderation cases' embeds in the log channel (moderation falls back to the system log), oldest
        first."""
        return [m.embeds[0] for m in self.d.messages_in(self.logs) if m.embeds and is_case(m.embeds[0])]


def is_case(embed: dict[str, Any]) -> bool:
    """A moderation case's embed (`Case #12 · Timeout`)."""
    return str(embed.get("title", "")).startswith("Case #")
