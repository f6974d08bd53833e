"""Watching joins and mentions: the hot path of raid protection.

An ordinary join (no raid on) and an ordinary message cost no database round trip: the settings are the cached
guild settings, whether an incident is on comes from the desk's `GuildCache` (one query per guild, then memory),
and the detectors (`detector.py`) are memory only. A message without mentions returns before anything else.

Under the guild's lock (so one burst opens one incident) a join either joins the incident that is on, or is counted;
the join that makes the weighted count cross the threshold opens the incident with every join of the window. The
brake then acts outside the lock, while later joins are caught as they come.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import discord

from cogs.raid.brake import Brake, Candidate, Opened, plural
from cogs.raid.desk import JOINS, MENTIONS, RaidDesk
from cogs.raid.detector import Join, JoinRate, Mention, MentionRate, Risk
from cogs.raid.settings import (
    RAID_DEFAULT_AVATAR_WEIGHT,
    RAID_ENABLED,
    RAID_JOIN_THRESHOLD,
    RAID_JOIN_WINDOW,
    RAID_MENTION_MEMBERS,
    RAID_MENTION_THRESHOLD,
    RAID_MENTION_TIMEOUT,
    RAID_MENTION_WINDOW,
    RAID_RECENT_JOIN,
    RAID_TIMEOUT_JOINERS,
    RAID_YOUNG_ACCOUNT_AGE,
    RAID_YOUNG_ACCOUNT_WEIGHT,
)
from cogs.raid.staff import STAFF
from core.guild_kit import is_staff
from utils.durations import format_duration


class Watch:
    """The join-rate detector and the mention brake of every guild."""

    def __init__(self, desk: RaidDesk, brake: Brake) -> None:
        self.desk = desk
        self.brake = brake
        self.joins = JoinRate()
        self.mentions = MentionRate()

    # --- joins ---------------------------------------------------------------------------------------------

    async def risk(self, guild_id: int) -> Risk:
        """How joins of the guild are weighted (its settings)."""
        setting = self.desk.bot.guild_settings.setting
        return Risk(timedelta(seconds=await setting(guild_id, RAID_YOUNG_ACCOUNT_AGE)),
                    await setting(guild_id, RAID_YOUNG_ACCOUNT_WEIGHT),
                    await setting(guild_id, RAID_DEFAULT_AVATAR_WEIGHT))

    async def joined(self, member: discord.Member) -> None:
        """A member joined: counted, or caught by the incident that is on."""
        guild = member.guild
        setting = self.desk.bot.guild_settings.setting
        if member.bot or not await setting(guild.id, RAID_ENABLED):
            return
        if await is_staff(self.desk.bot, STAFF, member):
            return  # a moderator joining with their roles (restored by another bot) is never caught
        risk = await self.risk(guild.id)
        join = risk.join(member, self.desk.bot.clock.now())
        timeout = await setting(guild.id, RAID_TIMEOUT_JOINERS)
        opened: Opened | None = None
        async with self.desk.locks[guild.id]:
            incident_id = await self.desk.on(guild.id, JOINS)
            if incident_id is None:
                window = timedelta(seconds=await setting(guild.id, RAID_JOIN_WINDOW))
                threshold = await setting(guild.id, RAID_JOIN_THRESHOLD)
                taken = self.joins.add(guild.id, join, window, threshold)
                if taken is None:
                    return
                candidates = [Candidate(found, j.weight, timeout=timeout)
                              for j in taken if (found := guild.get_member(j.user_id)) is not None]
                opened = await self.brake.open(guild, JOINS, self._join_summary(taken, risk, window, threshold),
                                               candidates)
        if opened is not None:
            await self.brake.act(guild, opened)
        else:
            assert incident_id is not None
            await self.brake.add(guild, incident_id, Candidate(member, join.weight, timeout=timeout))

    @staticmethod
    def _join_summary(joins: list[Join], risk: Risk, window: timedelta, threshold: float) -> str:
        young = sum(1 for j in joins if j.account_age < risk.young_age)
        default = sum(1 for j in joins if j.default_avatar)
        return (f"**{plural(len(joins), 'account')}** joined within {format_duration(int(window.total_seconds()))}: "
                f"weighted {sum(j.weight for j in joins):g}, the threshold is {threshold:g} ({young} younger than "
                f"{format_duration(int(risk.young_age.total_seconds()))}, {default} with the default avatar).")

    # --- mentions ------------------------------------------------------------------------------------------

    async def mentioned(self, member: discord.Member, count: int) -> None:
        """A member's message pinged `count` people (not staff, the brake is on): counted, or caught."""
        guild = member.guild
        setting = self.desk.bot.guild_settings.setting
        now = self.desk.bot.clock.now()
        recent = timedelta(seconds=await setting(guild.id, RAID_RECENT_JOIN))
        timeout = await setting(guild.id, RAID_MENTION_TIMEOUT)
        opened: Opened | None = None
        async with self.desk.locks[guild.id]:
            incident_id = await self.desk.on(guild.id, MENTIONS)
            if incident_id is None:
                window = timedelta(seconds=await setting(guild.id, RAID_MENTION_WINDOW))
                threshold = await setting(guild.id, RAID_MENTION_THRESHOLD)
                members = await setting(guild.id, RAID_MENTION_MEMBERS)
                taken = self.mentions.add(guild.id, Mention(member.id, now, count), window, threshold, members)
                if taken is None:
                    return
                totals: dict[int, int] = {}
                for mention in taken:
                    totals[mention.user_id] = totals.get(mention.user_id, 0) + mention.count
                candidates = [Candidate(found, mentions=total, timeout=timeout and self._new(found, recent, now))
                              for user_id, total in totals.items() if (found := guild.get_member(user_id))]
                summary = (f"**{sum(totals.values())} mentions** from **{plural(len(totals), 'member')}** within "
                           f"{format_duration(int(window.total_seconds()))} (the threshold is {threshold} from "
                           f"{members} members); {sum(1 for c in candidates if self._new(c.member, recent, now))} of "
                           f"them joined less than {format_duration(int(recent.total_seconds()))} ago.")
                opened = await self.brake.open(guild, MENTIONS, summary, candidates)
        if opened is not None:
            await self.brake.act(guild, opened)
        elif self._new(member, recent, now):
            assert incident_id is not None
            await self.brake.add(guild, incident_id, Candidate(member, mentions=count, timeout=timeout))

    @staticmethod
    def _new(member: discord.Member, recent: timedelta, now: datetime) -> bool:
        """Whether the member joined less than `recent` ago."""
        joined = member.joined_at
        return joined is not None and now - joined < recent
