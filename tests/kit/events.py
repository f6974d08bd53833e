"""`EventsDesk`: events in the default guild — create them, answer them and read what the bot stored and sent."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tests.kit.desks import FeatureDesk
from tests.standin.models import Member, Message

CREATED = re.compile(r"Event #(\d+)")


@dataclass
class EventsDesk(FeatureDesk):
    """The default guild with the events cog (the admin has Manage Server: events staff)."""

    async def run(self, command: str, user: Member | None = None, **options: Any) -> Any:
        """`/event <command>` as `user` (default: the admin) in #general; the interaction's result."""
        return await self.discord.slash(f"event {command}", user=user or self.guild.admin, guild=self.server,
                                        channel=self.guild.general, options=options)

    async def create(self, user: Member | None = None, **options: Any) -> int:
        """`/event create` that must succeed; the new event's id."""
        result = await self.run("create", user, **options)
        assert result.ephemeral and result.text.startswith("✅"), result.text
        match = CREATED.search(result.text)
        assert match, result.text
        return int(match[1])

    async def message(self, event_id: int) -> Message:
        """The event's message in the stand-in (its current version)."""
        message_id = await self.hearth.db.fetchval("SELECT message_id FROM guild_events WHERE id = $1", event_id)
        return self.discord.world.messages[message_id]

    async def click(self, event_id: int, label: str, user: Member) -> Any:
        """Click a button of the event's message."""
        return await self.discord.click(await self.message(event_id), label, user=user)

    async def statuses(self, event_id: int) -> dict[int, str]:
        """User id → status for the live occurrence."""
        rows = await self.hearth.db.fetch(
            "SELECT a.user_id, a.status FROM event_attendees a JOIN guild_events e ON e.id = a.event_id "
            "AND a.occurrence_at = e.occurrence_at WHERE e.id = $1", event_id)
        return {row["user_id"]: row["status"] for row in rows}

    def dm_texts(self, user: Member) -> list[str]:
        """The text of every DM the bot sent to `user`."""
        return [message.content for message in self.discord.dms_to(user)]
