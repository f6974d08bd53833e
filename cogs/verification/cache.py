"""Which channels are open verification channels, kept in memory for the message listener: the database is
asked once per unknown channel (once for a whole burst of messages in it), not once per message."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cogs.verification import repo
from core.guild_cache import GuildCache

if TYPE_CHECKING:
    from core.db import HearthPool

NOT_VERIFICATION_MAX = 50_000  # channels remembered (mostly as "not a verification channel") before starting over


@dataclass(frozen=True)
class ChannelRef:
    """An open verification's private channel, as the message listener needs it."""

    verification_id: int
    guild_id: int
    user_id: int


class ChannelCache:
    """Open verification channels seen so far, and channels known not to be one, by (guild id, channel id)."""

    def __init__(self, pool: HearthPool) -> None:
        self.pool = pool
        self._refs: GuildCache[ChannelRef | None] = GuildCache(self._load, max_entries=NOT_VERIFICATION_MAX)

    def remember(self, ref: ChannelRef, channel_id: int) -> None:
        """A verification channel was just created (a lookup under way for it no longer counts)."""
        self._refs.put((ref.guild_id, channel_id), ref)

    def forget(self, channel_id: int) -> None:
        """The channel's verification was resolved, or the channel deleted."""
        self._refs.invalidate_where(lambda key: key[1] == channel_id)

    def forget_user(self, user_id: int) -> None:
        """Drop every channel of the user's verifications from memory (GDPR erasure deleted them)."""
        doomed = {key for key, ref in self._refs.items() if ref is not None and ref.user_id == user_id}
        self._refs.invalidate_where(doomed.__contains__)

    async def lookup(self, guild_id: int, channel_id: int) -> ChannelRef | None:
        """The open verification of a channel: memory first, the database once per unknown channel."""
        return await self._refs.get((guild_id, channel_id))

    async def _load(self, key: tuple[int, int]) -> ChannelRef | None:
        guild_id, channel_id = key
        found = await repo.open_by_channel(self.pool, guild_id, channel_id)
        return ChannelRef(found.id, guild_id, found.user_id) if found is not None else None
