"""Voice XP without per-second work: who is earning right now, and since when, kept in memory.

VOICE_STATE_UPDATE re-evaluates the channels a member left and joined (discord.py's voice-state cache says who is
in them): a member earns while they are not a bot, not muted or deafened (by themselves or by a moderator), not in
the server's AFK channel, and not alone (at least one other member who is not a bot and not deafened is there).
Becoming eligible starts a session at the bot's clock time; losing it ends the session and credits the whole
minutes spent. Periodic accrual (at every flush) credits the whole minutes of running sessions and moves their
start on by as much, so a member who stays for hours is credited as they go and a restart loses at most the
seconds since the last credit (the shutdown flush credits those minutes too).

Pure bookkeeping: it returns what to credit; the cog turns minutes into XP (rate and multipliers) and buffers it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import discord

MINUTE = timedelta(minutes=1)
VoiceChannel = discord.VoiceChannel | discord.StageChannel


@dataclass
class Session:
    """A member earning voice XP in a channel since `since` (moved on at each credit)."""

    channel_id: int
    since: datetime


@dataclass(frozen=True)
class Credit:
    """Whole minutes a member earned in a voice channel."""

    guild_id: int
    user_id: int
    channel_id: int
    minutes: int


def _silenced(state: discord.VoiceState | None) -> bool:
    return state is None or state.self_mute or state.self_deaf or state.mute or state.deaf


def _deafened(state: discord.VoiceState | None) -> bool:
    return state is None or state.self_deaf or state.deaf


def earners(channel: VoiceChannel) -> set[int]:
    """Who in `channel` earns voice XP right now."""
    afk = channel.guild.afk_channel
    if afk is not None and afk.id == channel.id:
        return set()
    humans = [member for member in channel.members if not member.bot]
    listening = {member.id for member in humans if not _deafened(member.voice)}
    return {member.id for member in humans
            if not _silenced(member.voice) and listening - {member.id}}


class VoiceTracker:
    """The running sessions by (guild, member)."""

    def __init__(self) -> None:
        self.sessions: dict[tuple[int, int], Session] = {}

    def __len__(self) -> int:
        return len(self.sessions)

    def refresh(self, channel: VoiceChannel, now: datetime, *, active: bool) -> list[Credit]:
        """Re-evaluate `channel`: end the sessions there of members who stopped earning, start (or move here) the
        sessions of those who started; `active` False (voice XP off) ends them all."""
        guild_id = channel.guild.id
        earning = earners(channel) if active else set()
        credits: list[Credit] = []
        for (g, user_id), session in list(self.sessions.items()):
            if g == guild_id and session.channel_id == channel.id and user_id not in earning:
                credits += self._end((g, user_id), now)
        for user_id in earning:
            session = self.sessions.get((guild_id, user_id))
            if session is not None and session.channel_id != channel.id:
                credits += self._end((guild_id, user_id), now)
                session = None
            if session is None:
                self.sessions[(guild_id, user_id)] = Session(channel.id, now)
        return credits

    def leave(self, guild_id: int, user_id: int, now: datetime) -> list[Credit]:
        """A member left voice (or the server): end their session."""
        return self._end((guild_id, user_id), now)

    def accrue(self, now: datetime) -> list[Credit]:
        """Credit the whole minutes of every running session so far; the rest of a minute carries over."""
        credits = []
        for (guild_id, user_id), session in self.sessions.items():
            minutes = int((now - session.since) / MINUTE)
            if minutes > 0:
                session.since += minutes * MINUTE
                credits.append(Credit(guild_id, user_id, session.channel_id, minutes))
        return credits

    def end_guild(self, guild_id: int, now: datetime) -> list[Credit]:
        """End every session of a guild (voice XP turned off, the bot left)."""
        credits: list[Credit] = []
        for key in [key for key in self.sessions if key[0] == guild_id]:
            credits += self._end(key, now)
        return credits

    def forget(self, keys: Iterable[tuple[int, int]]) -> None:
        """Drop sessions without crediting them (a GDPR erasure, an XP reset)."""
        for key in list(keys):
            self.sessions.pop(key, None)

    def _end(self, key: tuple[int, int], now: datetime) -> list[Credit]:
        session = self.sessions.pop(key, None)
        if session is None:
            return []
        minutes = int((now - session.since) / MINUTE)
        return [Credit(key[0], key[1], session.channel_id, minutes)] if minutes > 0 else []
