"""Joins and leaves as recorded: the work on one join (attribution, then the row), what happened while the bot was
away, and answering `InvitesApi.attribution`.

The work on a join runs once, in a task keyed by (guild, member) that the `on_member_join` listener starts before
its first await; `InvitesApi.attribution` awaits that task when it exists. Another listener of the same
GUILD_MEMBER_ADD may run first: `attribution` then yields once to the loop, which lets every listener of that event
start (ours registers the task), before it looks again. A leave waits for the work on the join still running.

While the bot was away (or tracking was off) Discord sent nothing: on start each guild is compared with what is
recorded. Members who joined after tracking began and have no row for that membership are recorded as "unknown"
joins (never attributed to an invite whose uses went up meanwhile: the snapshot is rebuilt from Discord, and those
uses are written off); recorded members no longer there are marked as left.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from datetime import datetime
from typing import Any

import discord

from cogs.invites import repo
from cogs.invites.api import UNKNOWN_JOIN, JoinAttribution
from cogs.invites.settings import INVITES_ENABLED, INVITES_FAKE_ACCOUNT_AGE
from cogs.invites.tracker import InviteTracker
from utils.errors import DATABASE_ERRORS

log = logging.getLogger(__name__)

RECENT = 1000  # attributions kept in memory (the database has them too; this serves a database outage)


def account_age(member: discord.Member, joined_at: datetime) -> int:
    """Seconds between the account's creation and the join (0 for a clock that disagrees)."""
    return max(0, int((joined_at - member.created_at).total_seconds()))


class JoinBook:
    """The joins of every guild: worked out, recorded, and read back for the API."""

    def __init__(self, bot: Any, pool: Any, tracker: InviteTracker) -> None:
        self.bot = bot
        self.pool = pool
        self.tracker = tracker
        self.pending: dict[tuple[int, int], asyncio.Task[JoinAttribution]] = {}
        self.recent: OrderedDict[tuple[int, int], tuple[datetime, JoinAttribution]] = OrderedDict()

    # --- a join --------------------------------------------------------------------------------------------------

    def start(self, member: discord.Member) -> asyncio.Task[JoinAttribution]:
        """The work on `member`'s join, started now (synchronously registered, so the API finds it)."""
        key = (member.guild.id, member.id)
        task = asyncio.get_running_loop().create_task(self._work(member), name=f"invites-join-{member.id}")
        self.pending[key] = task

        def done(finished: asyncio.Task[JoinAttribution]) -> None:
            if self.pending.get(key) is finished:
                del self.pending[key]

        task.add_done_callback(done)
        return task

    async def _work(self, member: discord.Member) -> JoinAttribution:
        guild = member.guild
        settings = self.bot.guild_settings
        if not await settings.setting(guild.id, INVITES_ENABLED):
            return UNKNOWN_JOIN
        clock = self.bot.clock
        joined_at = member.joined_at or clock.now()
        # Bots come in through OAuth2, never through an invite: nothing to compare.
        verdict = await self.tracker.attribute(guild, clock.now) if not member.bot else None
        how, code, inviter_id = (verdict.how, verdict.code, verdict.inviter_id) if verdict else ("unknown", None, None)
        invites = None
        try:
            await repo.record_join(self.pool, guild.id, member.id, joined_at, how, code, inviter_id,
                                   account_age(member, joined_at))
            if inviter_id is not None:
                fake_age = await settings.setting(guild.id, INVITES_FAKE_ACCOUNT_AGE)
                invites = (await repo.counts_of(self.pool, guild.id, inviter_id, fake_age)).invites
        except DATABASE_ERRORS as exc:
            log.warning("Guild %s: the join of %s could not be recorded (%s)", guild.id, member.id, exc)
        attribution = JoinAttribution(code, inviter_id, how, invites)
        self.recent[(guild.id, member.id)] = (joined_at, attribution)
        while len(self.recent) > RECENT:
            self.recent.popitem(last=False)
        return attribution

    async def attribution(self, member: discord.Member) -> JoinAttribution:
        """`InvitesApi.attribution`: the work under way, else what is remembered or recorded."""
        key = (member.guild.id, member.id)
        if key not in self.pending:
            await asyncio.sleep(0)  # let every listener of this GUILD_MEMBER_ADD start (ours registers its task)
        task = self.pending.get(key)
        if task is not None:
            return await asyncio.shield(task)
        joined_at = member.joined_at
        remembered = self.recent.get(key)
        if remembered is not None and (joined_at is None or remembered[0] == joined_at):
            return remembered[1]
        row = await repo.latest_join(self.pool, member.guild.id, member.id)
        if row is None or (joined_at is not None and row.joined_at != joined_at):
            return UNKNOWN_JOIN
        invites = None
        if row.inviter_id is not None:
            fake_age = await self.bot.guild_settings.setting(member.guild.id, INVITES_FAKE_ACCOUNT_AGE)
            invites = (await repo.counts_of(self.pool, member.guild.id, row.inviter_id, fake_age)).invites
        how = row.how if row.how in ("invite", "vanity") else "unknown"
        return JoinAttribution(row.code, row.inviter_id, how, invites)  # type: ignore[arg-type]

    # --- a leave -------------------------------------------------------------------------------------------------

    async def left(self, guild_id: int, user_id: int) -> None:
        """The member left: their latest join ends (after the work on that join, if it is still running)."""
        task = self.pending.get((guild_id, user_id))
        if task is not None:
            await asyncio.wait({task})
        if not await self.bot.guild_settings.setting(guild_id, INVITES_ENABLED):
            return
        await repo.mark_left(self.pool, guild_id, user_id, self.bot.clock.now())

    # --- while the bot was away ---------------------------------------------------------------------------------

    async def catch_up(self, guild: discord.Guild, *, restart: bool = False) -> tuple[int, int]:
        """Compare the guild's members with what is recorded (see the module's docstring); with `restart`, or on
        first sight, tracking (re)starts now instead. Returns (joins recorded as unknown, members marked as left)."""
        joined = [m.joined_at for m in guild.members if m.joined_at is not None]
        newest = max(joined, default=None) or self.bot.clock.now()  # Discord's "now": its latest join
        since = await repo.tracking_since(self.pool, guild.id)
        if since is None or restart:
            await repo.start_tracking(self.pool, guild.id, newest)
            since = newest
        if not guild.chunked:  # an incomplete member list would look like leaves and missed joins
            return 0, 0
        recorded = await repo.current_memberships(self.pool, guild.id)
        missed = []
        for member in guild.members:
            if member.joined_at is None or member.joined_at <= since:
                continue
            known = recorded.get(member.id)
            if known is None or member.joined_at > known[0]:  # Discord's join time, stored exactly
                missed.append((member.id, member.joined_at, account_age(member, member.joined_at)))
        gone = [uid for uid, (_, here) in recorded.items() if here and guild.get_member(uid) is None]
        if not missed and not gone:
            return 0, 0
        async with self.pool.acquire() as conn, conn.transaction():
            counts = await repo.catch_up(conn, guild.id, missed, gone, self.bot.clock.now())
        log.info("Guild %s: %d join(s) while away recorded as unknown, %d leave(s)", guild.id, *counts)
        return counts

    # --- GDPR ----------------------------------------------------------------------------------------------------

    def forget(self, user_id: int) -> None:
        """Drop what is remembered about the user (after an erasure)."""
        for key in [k for k in self.recent if k[1] == user_id]:
            del self.recent[key]

