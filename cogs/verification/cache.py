"""Which channels are open verification channels, kept in memory for the message listener: the database is
asked once per unknown channel, not once per message."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cogs.verification import repo

if TYPE_CHECKING:
    from core.db import HearthPool

NOT_VERIFICATION_MAX = 50_000  # channels remembered as "not a verification channel" before the set starts over


@dataclass(frozen=True)
class ChannelRef:
    """An open verification's private channel, as the message listener needs it."""

    verification_id: int
    guild_id: int
    user_id: int


class ChannelCache:
    """Open verification channels seen so far, and channels known not to be one."""

    def __init__(self, pool: HearthPool) -> None:
        self.pool = pool
        self.channels: dict[int, ChannelRef] = {}
        self._not_verification: set[int] = set()

    def remember(self, ref: ChannelRef, channel_id: int) -> None:
        """A verification channel was just created."""
        self.channels[channel_id] = ref
        self._not_verification.discard(channel_id)

    def forget(self, channel_id: int) -> None:
        """The channel's verification was resolved, or the channel deleted."""
        self.channels.pop(channel_id, None)

    def forget_user(self, user_id: int) -> None:
        """Drop every channel of the user's verifications from memory (GDPR erasure deleted them)."""
        self.channels = {channel: ref for channel, ref in self.channels.items() if ref.user_id != user_id}

    async def lookup(self, guild_id: int, channel_id: int) -> ChannelRef | None:
        """The open verification of a channel: memory first, the database once per unknown channel."""
        ref = self.channels.get(channel_id)
        if ref is not None or channel_id in self._not_verification:
            return ref if ref is not None and ref.guild_id == guild_id else None
        found = await repo.open_by_channel(self.pool, guild_id, channel_id)
        if found is None:
            if len(self._not_verification) > NOT_VERIFICATION_MAX:
                self._not_verification.clear()
            self._not_verification.add(channel_id)
            return None
        ref = ChannelRef(found.id, guild_id, found.user_id)
        self.channels[channel_id] = ref
        return ref
