"""The two detectors, in memory only (no SQL, no Discord): the join rate of a guild and the mentions of its members.

Each keeps, per guild, the events of the last window (a deque pruned as events arrive, so memory is bounded by
what fits in one window) and answers whether the newest event makes the window cross its threshold. When it does,
it hands over the window's events and starts afresh, so one burst is reported once. Time is the bot's clock.

- **Joins** are weighted by risk: a join counts 1, plus `young` when the account is younger than the configured age,
  plus `avatar` when it has Discord's default avatar (`weight_of`). N weighted joins within M seconds is a raid.
- **Mentions**: the mentions of each message (users, roles, @everyone/@here) within the window, counted across
  members; a wave needs both enough mentions and enough different members (one member pinging a lot is automod's
  business, not a raid).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

import discord


@dataclass(frozen=True)
class Join:
    """One join as the detector saw it."""

    user_id: int
    at: datetime
    account_created_at: datetime
    default_avatar: bool
    weight: float

    @property
    def account_age(self) -> timedelta:
        """How old the account was when it joined (never negative)."""
        return max(self.at - self.account_created_at, timedelta(0))


@dataclass(frozen=True)
class Risk:
    """How much a join counts: 1, plus `young` for an account younger than `young_age`, plus `avatar` for
    Discord's default avatar."""

    young_age: timedelta
    young: float
    avatar: float

    def join(self, member: discord.Member, now: datetime) -> Join:
        """The member's join at `now`, weighted."""
        created = member.created_at
        default_avatar = member.avatar is None
        weight = 1.0
        if now - created < self.young_age:
            weight += self.young
        if default_avatar:
            weight += self.avatar
        return Join(member.id, now, created, default_avatar, weight)


@dataclass(frozen=True)
class Mention:
    """One message's mentions."""

    user_id: int
    at: datetime
    count: int


def mentions_in(message: discord.Message) -> int:
    """How many pings a message carries: the users (not the author), the roles, @everyone/@here."""
    users = {user.id for user in message.mentions if user.id != message.author.id}
    return len(users) + len(message.role_mentions) + (1 if message.mention_everyone else 0)


class JoinRate:
    """The recent joins of every guild; `add` tells when a guild's weighted joins cross the threshold."""

    def __init__(self) -> None:
        self._joins: dict[int, deque[Join]] = {}

    def add(self, guild_id: int, join: Join, window: timedelta, threshold: float) -> list[Join] | None:
        """Count `join`; the joins of the window when they now weigh `threshold` or more (the window is then
        emptied, so the burst is reported once), else None."""
        joins = self._joins.setdefault(guild_id, deque())
        joins.append(join)
        while joins and joins[0].at <= join.at - window:
            joins.popleft()
        if sum(j.weight for j in joins) < threshold:
            return None
        taken = list(joins)
        del self._joins[guild_id]
        return taken

    def forget(self, guild_id: int | None = None) -> None:
        """Drop a guild's window (or every guild's)."""
        if guild_id is None:
            self._joins.clear()
        else:
            self._joins.pop(guild_id, None)

    def pending(self, guild_id: int) -> list[Join]:
        """The joins of the current window (for /raid status)."""
        return list(self._joins.get(guild_id, ()))


class MentionRate:
    """The recent mentions of every guild; `add` tells when they make a wave."""

    def __init__(self) -> None:
        self._mentions: dict[int, deque[Mention]] = {}

    def add(self, guild_id: int, mention: Mention, window: timedelta, threshold: int,
            members: int) -> list[Mention] | None:
        """Count `mention`; the window's mentions when they reach `threshold` from at least `members` different
        members (the window is then emptied), else None."""
        recent = self._mentions.setdefault(guild_id, deque())
        recent.append(mention)
        while recent and recent[0].at <= mention.at - window:
            recent.popleft()
        if sum(m.count for m in recent) < threshold or len({m.user_id for m in recent}) < members:
            return None
        taken = list(recent)
        del self._mentions[guild_id]
        return taken

    def forget(self, guild_id: int | None = None) -> None:
        """Drop a guild's window (or every guild's)."""
        if guild_id is None:
            self._mentions.clear()
        else:
            self._mentions.pop(guild_id, None)
