"""The in-memory map of ticket channels (channel id → ticket id, opener, status), so `on_message` makes no
database round trip for the many messages that change nothing. Every status change passes the changed ticket
to `remember`, which keeps the map in step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from cogs.tickets import repo
from cogs.tickets.lifecycle import ARCHIVED

if TYPE_CHECKING:
    from core.db import HearthPool


@dataclass
class ActiveTicket:
    """What on_message needs to know about a ticket channel."""

    id: int
    guild_id: int
    user_id: int
    status: str
    responded: bool  # someone other than the opener has written (first_response_at is set)
    # The last message by a person (the idle clock): kept here, written to the row by the idle job only.
    last_activity: datetime | None = None

    @classmethod
    def of(cls, ticket: repo.Ticket, last_activity: datetime | None = None) -> ActiveTicket:
        """The cached view of a ticket row (the newer of the row's and the known last activity)."""
        known = [t for t in (last_activity, ticket.last_activity_at, ticket.created_at) if t is not None]
        return cls(ticket.id, ticket.guild_id, ticket.user_id, ticket.status, ticket.first_response_at is not None,
                   max(known) if known else None)


class TicketCache:
    """Every not yet archived ticket that has a channel, by channel id."""

    def __init__(self) -> None:
        self.by_channel: dict[int, ActiveTicket] = {}

    async def load(self, pool: HearthPool) -> None:
        """Fill the map from the database (at cog load)."""
        self.by_channel = {t.channel_id: ActiveTicket.of(t) for t in await repo.with_channels(pool) if t.channel_id}

    def get(self, channel_id: int) -> ActiveTicket | None:
        """The ticket of a channel, if it is a ticket channel."""
        return self.by_channel.get(channel_id)

    def remember(self, ticket: repo.Ticket) -> None:
        """Take in a ticket's new state; an archived ticket leaves the map."""
        if ticket.channel_id is None:
            return
        if ticket.status == ARCHIVED:
            self.by_channel.pop(ticket.channel_id, None)
        else:
            old = self.by_channel.get(ticket.channel_id)
            self.by_channel[ticket.channel_id] = ActiveTicket.of(ticket, old.last_activity if old else None)

    def of_member(self, guild_id: int, user_id: int) -> list[ActiveTicket]:
        """The member's tickets in the guild that still have a channel (a member who leaves)."""
        return [ref for ref in self.by_channel.values() if ref.guild_id == guild_id and ref.user_id == user_id]

    def forget_channel(self, channel_id: int) -> None:
        """The channel was deleted."""
        self.by_channel.pop(channel_id, None)

    def forget_opener(self, user_id: int) -> None:
        """The member's tickets lost their opener (GDPR erasure): their messages no longer count as the opener's."""
        for ref in self.by_channel.values():
            if ref.user_id == user_id:
                ref.user_id = 0
