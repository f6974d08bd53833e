"""The channel tools desk: the default guild with #mod-log as the moderation log channel and a channel moderator
(`lead`: Manage Messages, Manage Channels and Manage Roles), plus readers of what the stand-in holds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.hearth_harness import Hearth
from tests.kit.desks import FeatureDesk
from tests.standin.interactions import InteractionResult
from tests.standin.models import Channel, Member
from utils.errors import UserFacingError

BULK = "/channels/{channel_id}/messages/bulk-delete"
SINGLE = "/channels/{channel_id}/messages/{message_id}"


@dataclass
class ChannelToolsDesk(FeatureDesk):
    """The harness plus the log channel and the channel moderator."""

    logs: Channel
    lead: Member

    async def refused(self, command: str, /, **kw: Any) -> InteractionResult:
        """Run a command that must be refused (the refusal reaches the error hook as a UserFacingError)."""
        with self.d.expect_errors(UserFacingError):
            return await self.d.slash(command, **kw)

    def overwrites(self, channel: Channel) -> dict[int, tuple[int, int, int]]:
        """The channel's overwrites in the stand-in: target id → (type, allow, deny)."""
        return {target: (ow.type, ow.allow, ow.deny) for target, ow in channel.overwrites.items()}

    def left(self, channel: Channel) -> list[str]:
        """The contents of the messages still in the channel, oldest first."""
        return [m.content for m in self.d.messages_in(channel)]

    def log_embeds(self) -> list[dict[str, Any]]:
        """Embeds posted to the moderation log, oldest first."""
        return [m.embeds[0] for m in self.d.messages_in(self.logs) if m.embeds]

    def bulk_requests(self) -> list[list[int]]:
        """The ids of every accepted bulk delete, in order."""
        return [sorted(int(i) for i in r.json["messages"]) for r in self.d.requests("POST", BULK) if r.status == 204]

    def single_deletes(self) -> list[int]:
        """The ids deleted one by one."""
        return sorted(int(r.params["message_id"]) for r in self.d.requests("DELETE", SINGLE) if r.status == 204)


async def channel_tools_desk(hearth: Hearth) -> ChannelToolsDesk:
    """Set up the desk: #mod-log as `moderation.log_channel`, and `lead`."""
    guild = hearth.guild.guild
    logs = guild.add_text_channel("mod-log")
    role = guild.add_role("Channel mods", ["manage_messages", "manage_channels", "manage_roles"])
    lead = guild.add_member("lead", roles=[role])
    await hearth.discord.settle()
    await hearth.bot.guild_settings.set(guild.id, "moderation", "log_channel", logs.id, changed_by=guild.owner.id)
    return ChannelToolsDesk(hearth, logs, lead)
