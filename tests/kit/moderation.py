"""The moderation desk: the default guild with #mod-log as `moderation.log_channel`, and shortcuts to read cases
and the mod log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cogs.moderation import repo
from cogs.moderation.cases import Case
from core.case_log import CaseRecorder
from tests.kit.desks import FeatureDesk
from tests.standin.interactions import InteractionResult
from tests.standin.models import Channel, Message
from utils.errors import UserFacingError


@dataclass
class Moderation(FeatureDesk):
    """The harness plus the mod-log channel."""

    logs: Channel

    @property
    def api(self) -> CaseRecorder:
        """The moderation API the running bot publishes."""
        api = self.hearth.bot.apis.get(CaseRecorder)
        assert api is not None
        return api

    async def case(self, number: int) -> Case | None:
        """A case of the default guild, as stored."""
        row = await repo.get_case(self.db, self.server.id, number)
        return Case.of(row) if row else None

    async def numbers(self) -> list[int]:
        """Every case number of the default guild, in order."""
        return [row["number"] for row in await self.db.fetch(
            "SELECT number FROM moderation_cases WHERE guild_id = $1 ORDER BY number", self.server.id)]

    async def refused(self, command: str, *, user: Any, **options: Any) -> InteractionResult:
        """Run a command that must be refused (a `UserFacingError`, answered privately); the answer."""
        async with self.d.expect_errors(UserFacingError):
            result = await self.d.slash(command, user=user, check_permissions=False, **options)
        assert result.ephemeral, result.text
        return result

    def log_messages(self) -> list[Message]:
        """The mod log's messages with an embed, oldest first."""
        return [m for m in self.d.messages_in(self.logs) if m.embeds]

    def log_embed(self, number: int) -> dict[str, Any]:
        """The current embed of case #number in the mod log."""
        found = [m.embeds[0] for m in self.log_messages() if m.embeds[0]["title"].startswith(f"Case #{number} ")]
        assert len(found) == 1, [m.embeds[0]["title"] for m in self.log_messages()]
        return found[0]
