"""The invites of every guild, cached in memory, and the per-guild work of telling who invited a new member.

Per guild: the snapshot of uses as accounted for (`attribution.Snapshot`), the invites deleted since the last
join, and one lock. Everything that reads Discord's counts and moves the snapshot runs under the guild's lock, so
two joins never read the same counts; INVITE_CREATE / INVITE_DELETE only touch the snapshot synchronously.

The snapshot is (re)built from Discord when the bot is ready, joins a guild, or tracking is switched on; until then
(and whenever it cannot be read: no Manage Server, Discord failing) a join is "unknown", and the join that finds no
snapshot fetches one, so the next join can be told again. A missing Manage Server is reported through `on_blind`
once, until reading works again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import discord

from cogs.invites.attribution import UNKNOWN, Seen, Snapshot, Verdict, attribute

log = logging.getLogger(__name__)


class Blind(Exception):
    """The bot may not read the guild's invites (Manage Server is missing)."""


@dataclass
class GuildInvites:
    """What the tracker keeps for one guild."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    snapshot: Snapshot | None = None  # None: not read yet (or not readable)
    deleted: dict[str, Seen] = field(default_factory=dict)
    blind_reported: bool = False


def _seen(invite: discord.Invite) -> Seen:
    inviter = invite.inviter.id if invite.inviter is not None else None
    expires = invite.expires_at
    if expires is None and invite.max_age and invite.created_at is not None:
        expires = invite.created_at + timedelta(seconds=invite.max_age)
    return Seen(invite.uses or 0, invite.max_uses or 0, inviter, expires)


class InviteTracker:
    """The guilds' invite snapshots and the attribution of joins (one per bot, owned by the invites cog)."""

    def __init__(self, bot: Any, on_blind: Callable[[discord.Guild], Awaitable[None]]) -> None:
        self.bot = bot
        self.on_blind = on_blind
        self.guilds: dict[int, GuildInvites] = {}

    def state(self, guild_id: int) -> GuildInvites:
        """The guild's state (created empty: not ready)."""
        state = self.guilds.get(guild_id)
        if state is None:
            state = self.guilds[guild_id] = GuildInvites()
        return state

    def forget(self, guild_id: int) -> None:
        """Drop a guild (the bot left it, or tracking was switched off)."""
        self.guilds.pop(guild_id, None)

    def ready(self, guild_id: int) -> bool:
        """Whether the guild's snapshot is in memory."""
        state = self.guilds.get(guild_id)
        return state is not None and state.snapshot is not None

    # --- reading Discord -----------------------------------------------------------------------------------

    async def _fetch(self, guild: discord.Guild) -> Snapshot:
        """The guild's invites and vanity URL as Discord counts them now; `Blind` without Manage Server."""
        if guild.me is None or not guild.me.guild_permissions.manage_guild:
            raise Blind
        try:
            invites = await guild.invites()
            vanity = None
            if "VANITY_URL" in guild.features:
                data = await self.bot.http.get_vanity_code(guild.id)
                if data.get("code"):
                    vanity = (str(data["code"]), int(data.get("uses") or 0))
        except discord.Forbidden as exc:
            raise Blind from exc
        return Snapshot({invite.code: _seen(invite) for invite in invites}, vanity)

    async def _read(self, guild: discord.Guild, state: GuildInvites) -> Snapshot | None:
        """Fetch, or None (reported once when the permission is missing; logged when Discord fails)."""
        try:
            snapshot = await self._fetch(guild)
        except Blind:
            state.snapshot = None
            if not state.blind_reported:
                state.blind_reported = True
                await self.on_blind(guild)
            return None
        except discord.HTTPException as exc:
            log.warning("Guild %s: reading the invites failed (%s); joins are unknown until it works", guild.id, exc)
            state.snapshot = None
            return None
        state.blind_reported = False
        return snapshot

    async def refresh(self, guild: discord.Guild) -> bool:
        """Rebuild the guild's snapshot from Discord (everything before it is written off); False when unreadable."""
        state = self.state(guild.id)
        async with state.lock:
            snapshot = await self._read(guild, state)
            state.snapshot, state.deleted = snapshot, {}
            return snapshot is not None

    async def attribute(self, guild: discord.Guild, now: Callable[[], datetime]) -> Verdict:
        """Who invited the member who just joined `guild` (serialised per guild)."""
        state = self.state(guild.id)
        async with state.lock:
            current = await self._read(guild, state)
            before, deleted = state.snapshot, state.deleted
            state.deleted = {}
            if current is None:
                return UNKNOWN
            if before is None:  # not ready: this fetch becomes the baseline for the next join
                state.snapshot = current
                return UNKNOWN
            verdict, state.snapshot = attribute(before, deleted, current, now())
            return verdict

    # --- gateway events (synchronous: no await, so never in the middle of a comparison's bookkeeping) ----------

    def created(self, invite: discord.Invite) -> None:
        """INVITE_CREATE: a new code with no uses yet."""
        state = self.guilds.get(getattr(invite.guild, "id", 0))
        if state is not None and state.snapshot is not None and invite.code not in state.snapshot.invites:
            state.snapshot.invites[invite.code] = _seen(invite)

    def deleted(self, invite: discord.Invite) -> None:
        """INVITE_DELETE: the code goes; remembered until the next join (it may have been spent by that join)."""
        state = self.guilds.get(getattr(invite.guild, "id", 0))
        if state is None or state.snapshot is None:
            return
        seen = state.snapshot.invites.pop(invite.code, None)
        if seen is not None:
            state.deleted[invite.code] = seen

    async def vanity_changed(self, guild: discord.Guild) -> None:
        """GUILD_UPDATE with another vanity code: read it again (under the lock, as a join would)."""
        if self.ready(guild.id):
            await self.refresh(guild)
