"""The brake: starting an incident, acting on it, and catching the members who join (or mention) while it is on.

`open` runs under the guild's lock (one incident per kind): it decides what the brake will do from the settings and
the bot's permissions, and saves it — the verification level and invite state as they are, the level it will set,
the timeouts it will ask for — in the incident's transaction (with the timers job that ends it), before anything
changes on Discord. `act` then does it: the level, the invites, the timeouts (each a case), and posts the alert; what
Discord refused is taken back out of the record and written into the incident's problems, so the undo never
"restores" something that was not changed, and the alert says what is missing.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import discord

from cogs.raid import alert, repo
from cogs.raid.actions import (
    invites_paused,
    level_name,
    missing,
    record_case,
    set_invites,
    set_level,
    time_out,
    timeout_refusal,
)
from cogs.raid.desk import END_KIND, JOINS, RaidDesk
from cogs.raid.repo import Incident, NewMember
from cogs.raid.settings import RAID_QUIET_PERIOD

log = logging.getLogger(__name__)

PROBLEM_MEMBERS = 5  # members named in a timeout problem


@dataclass(frozen=True)
class Candidate:
    """A member the brake catches: how much their join weighed, how many mentions they made, and whether the
    settings want them timed out."""

    member: discord.Member
    weight: float = 1.0
    mentions: int = 0
    timeout: bool = False


@dataclass(frozen=True)
class Opened:
    """A new incident and the timeouts its opening planned (`act` asks Discord for exactly these, so a member caught
    meanwhile by `add` is never timed out twice)."""

    incident: Incident
    planned: list[tuple[int, datetime | None]]


def named(user_ids: Sequence[int]) -> str:
    """`<@1>, <@2>, …`: the first few members (mentions in embeds and ephemeral answers never ping)."""
    shown = ", ".join(f"<@{user_id}>" for user_id in user_ids[:PROBLEM_MEMBERS])
    return shown + (", …" if len(user_ids) > PROBLEM_MEMBERS else "")


def plural(count: int, word: str) -> str:
    """`1 member`, `3 members`."""
    return f"{count} {word}{'' if count == 1 else 's'}"


class Brake:
    """Opens incidents and applies the brake (the cog's `raid_end` job and the undo are `Restorer`'s)."""

    def __init__(self, desk: RaidDesk) -> None:
        self.desk = desk

    async def quiet(self, guild_id: int) -> int:
        """The guild's quiet period in seconds (`raid.quiet_period`)."""
        return int(await self.desk.bot.guild_settings.setting(guild_id, RAID_QUIET_PERIOD))

    # --- starting ------------------------------------------------------------------------------------------

    async def open(self, guild: discord.Guild, kind: str, summary: str,
                   candidates: Sequence[Candidate]) -> Opened:
        """Record a new incident with what the brake is about to change (call with the guild's lock held)."""
        desk = self.desk
        plan = await desk.plan(guild.id)
        can = guild.me.guild_permissions
        problems: list[str] = []
        previous = guild.verification_level.value
        raised: int | None = None
        pause = False
        if kind == JOINS and plan.level > previous:
            if can.manage_guild:
                raised = plan.level
            else:
                problems.append(missing("Manage Server", f"raise the verification level to {level_name(plan.level)}"))
        if kind == JOINS and plan.pause_invites and not invites_paused(guild):
            if can.manage_guild:
                pause = True
            else:
                problems.append(missing("Manage Server", "pause invites"))
        until = discord.utils.utcnow() + plan.timeout
        wanted = [c for c in candidates if c.timeout]
        if wanted and not can.moderate_members:
            problems.append(missing("Timeout Members", f"time out {plural(len(wanted), 'member')}"))
        members = [self._new(guild, c, until if can.moderate_members else None) for c in candidates]
        problems += self._refusals(guild, members)
        now = desk.bot.clock.now()
        due = now + timedelta(seconds=await self.quiet(guild.id))
        async with desk.pool.acquire() as conn, conn.transaction():
            incident = await repo.open_incident(conn, guild.id, kind, summary, now, previous_level=previous,
                                                raised_level=raised, invites_paused=pause, problems=problems,
                                                members=members)
            await desk.bot.timers.schedule(guild.id, END_KIND, str(incident.id), due, conn=conn)
        desk.bot.timers.rearm()
        await desk.opened(guild.id, kind, incident.id)
        log.warning("Guild %s: raid protection opened incident %s (%s): %s", guild.id, incident.id, kind, summary)
        return Opened(incident, [(m.user_id, m.timed_out_until) for m in members if m.timed_out_until is not None])

    @staticmethod
    def _new(guild: discord.Guild, candidate: Candidate, until: datetime | None) -> NewMember:
        """The member's row; the timeout it plans is None when not wanted, impossible, or shorter than theirs."""
        member = candidate.member
        planned = until if candidate.timeout else None
        problem = None
        if planned is not None:
            problem = timeout_refusal(guild, member)
            current = member.timed_out_until
            if problem is not None or (current is not None and current >= planned):
                planned = None  # refused, or already timed out for longer: the brake never shortens a timeout
        return NewMember(member.id, member.created_at, member.avatar is None, candidate.weight, candidate.mentions,
                         planned, problem)

    @staticmethod
    def _refusals(guild: discord.Guild, members: Sequence[NewMember]) -> list[str]:
        """One problem per reason some members cannot be timed out, naming the first few."""
        by_reason: dict[str, list[int]] = {}
        for member in members:
            if member.problem:
                by_reason.setdefault(member.problem, []).append(member.user_id)
        return [f"I couldn't time out {plural(len(ids), 'member')} ({named(ids)}): {why}."
                for why, ids in by_reason.items()]

    # --- acting --------------------------------------------------------------------------------------------

    async def act(self, guild: discord.Guild, opened: Opened) -> None:
        """Apply the brake the incident planned, post the alert, then record the timeouts as cases."""
        incident = opened.incident
        reason = f"Raid protection: incident #{incident.id}"
        problems: list[str] = []
        level_failed = invites_failed = False
        if incident.raised_level is not None:
            problem = await set_level(guild, incident.raised_level, reason)
            if problem is not None:
                problems.append(problem)
                level_failed = True
        if incident.invites_paused:
            problem = await set_invites(guild, paused=True, reason=reason)
            if problem is not None:
                problems.append(problem)
                invites_failed = True
        done, failures = await self._time_out(guild, opened.planned, reason)
        problems += failures
        if problems or level_failed or invites_failed:
            await repo.add_problems(self.desk.pool, guild.id, incident.id, problems, level_failed=level_failed,
                                    invites_failed=invites_failed)
        await repo.set_timeouts(self.desk.pool, guild.id, incident.id, done)
        quiet = await self.quiet(guild.id)
        posted = await alert.post(self.desk, guild, incident.id, quiet)
        if posted is not None:
            await repo.add_problems(self.desk.pool, guild.id, incident.id, [f"The alert was not posted: {posted}."])
        await self._cases(guild, incident.id, done, reason)
        changed = [what for what, asked, failed in (
            (f"verification level raised to {level_name(incident.raised_level)}", incident.raised_level is not None,
             level_failed), ("invites paused", incident.invites_paused, invites_failed)) if asked and not failed]
        if changed:  # the server-wide part of the brake is a case too (about the server, not a member)
            said = "; ".join(changed)
            await record_case(self.desk.bot, guild, "server_brake", None,
                              f"{said[0].upper()}{said[1:]} (incident #{incident.id})")

    async def add(self, guild: discord.Guild, incident_id: int, candidate: Candidate) -> None:
        """A member joined (or mentioned) while the incident is on: caught, and timed out per the settings."""
        plan = await self.desk.plan(guild.id)
        can = guild.me.guild_permissions.moderate_members
        until = discord.utils.utcnow() + plan.timeout if can else None
        new = self._new(guild, candidate, until)
        added = await repo.add_member(self.desk.pool, guild.id, incident_id, self.desk.bot.clock.now(), new)
        if not added or new.timed_out_until is None:
            return
        reason = f"Raid protection: incident #{incident_id}"
        done, failures = await self._time_out(guild, [(new.user_id, new.timed_out_until)], reason)
        if failures:
            await repo.add_problems(self.desk.pool, guild.id, incident_id, failures)
        await repo.set_timeouts(self.desk.pool, guild.id, incident_id, done)
        await self._cases(guild, incident_id, done, reason)

    async def _time_out(self, guild: discord.Guild, planned: Sequence[tuple[int, datetime | None]],
                        reason: str) -> tuple[list[tuple[int, datetime | None, int | None, str | None]], list[str]]:
        """Ask Discord for the planned timeouts: (user id, timeout in force or None, no case yet, problem) for each,
        and the failures summed up for the incident's problems."""
        results: list[tuple[int, datetime | None, int | None, str | None]] = []
        failed: Counter[str] = Counter()
        for user_id, until in planned:
            member = guild.get_member(user_id)
            problem = "they left" if member is None or until is None else await time_out(
                self.desk.bot, member, until, reason)
            results.append((user_id, None if problem else until, None, problem))
            if problem is not None:
                failed[problem] += 1
        return results, [f"I couldn't time out {plural(n, 'member')}: {why}." for why, n in failed.items()]

    async def _cases(self, guild: discord.Guild, incident_id: int,
                     done: list[tuple[int, datetime | None, int | None, str | None]], reason: str) -> None:
        """Record each timeout that took as a case (the rule: raid protection) and keep its number."""
        plan = await self.desk.plan(guild.id)
        numbered = []
        for user_id, until, _, problem in done:
            if until is None:
                continue
            number = await record_case(self.desk.bot, guild, "timeout", user_id, reason, duration=plan.timeout)
            numbered.append((user_id, until, number, problem))
        await repo.set_timeouts(self.desk.pool, guild.id, incident_id, numbered)
