"""Putting back what the brake did: the undo (button or `/raid undo`), the end of an incident (its quiet period, or
`/raid end`) and the `raid_end` timers job.

**Only what the brake did, exactly once.** An undo first claims, in one transaction with the incident row locked,
the parts it will put back (`undoing`), so two clicks never both act; then it acts on Discord and stores each
outcome (a part Discord refused is given back for someone to retry). The verification level goes back to the saved
level only while it is still the one the brake set; invites are resumed only while still paused; a timeout is
lifted only while it is still the brake's (same end time). Anything changed in between is left as is, and said.

**The trust boundary.** The clicker makes the bot do only what they could do themselves: the level and invites
need their Manage Server, the timeouts their Timeout Members and a highest role above the member's (the owner
excepted). What they may not do stays for someone who may, and the answer says what and why.

**The end** (quiet period or `/raid end`) stops catching members; with `raid.restore_on_end` it puts the level and
invites back the same way (timeouts run out on their own; the undo can still lift them).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import discord

from cogs.raid import alert, repo
from cogs.raid.actions import invites_paused, level_name, lift, record_case, set_invites, set_level, still_ours
from cogs.raid.brake import named, plural
from cogs.raid.desk import END_KIND, RaidDesk
from cogs.raid.repo import Incident, RaidMember
from cogs.raid.settings import RAID_QUIET_PERIOD, RAID_RESTORE_ON_END
from core.timers.jobs import Job
from utils.errors import UserFacingError

log = logging.getLogger(__name__)

NEEDS = ("Undoing the raid brake needs **Manage Server** (for the verification level and invites) or **Timeout "
         "Members** (for the timeouts): you have neither, so nothing was changed.")


def outranks(actor: discord.Member, target: discord.Member) -> bool:
    """Whether Discord would let `actor` time out (or lift the timeout of) `target`."""
    guild = actor.guild
    if actor.id == guild.owner_id:
        return True
    return target.id != guild.owner_id and actor.top_role > target.top_role


class Restorer:
    """Undo and end of incidents."""

    def __init__(self, desk: RaidDesk) -> None:
        self.desk = desk

    async def _quiet(self, guild_id: int) -> int:
        return int(await self.desk.bot.guild_settings.setting(guild_id, RAID_QUIET_PERIOD))

    # --- the quiet period and /raid end ------------------------------------------------------------------------

    async def end_job(self, job: Job) -> datetime | None:
        """The `raid_end` job: end the incident once its quiet period has passed since the last activity, else
        come back then."""
        incident = await repo.get(self.desk.pool, job.guild_id, int(job.key))
        if incident is None or not incident.on:
            return None
        due = incident.last_activity_at + timedelta(seconds=await self._quiet(job.guild_id))
        if due > self.desk.bot.clock.now():
            return due  # checked again then
        await self.end(job.guild_id, incident.id, "quiet")
        return None

    async def end(self, guild_id: int, incident_id: int, reason: str,
                  by: discord.Member | None = None) -> tuple[Incident, list[str]] | None:
        """End an incident that is on (`reason`: quiet, ended, undone); with `raid.restore_on_end` (and not for an
        undo, which puts back everything itself) put the level and invites back. The ended incident and what was
        put back, in words; None when it had already ended."""
        desk = self.desk
        ended = await repo.end(desk.pool, guild_id, incident_id, desk.bot.clock.now(), reason,
                               by.id if by else None)
        if ended is None:
            return None
        await desk.closed(guild_id, incident_id)
        if reason != "quiet":
            await desk.bot.timers.cancel(END_KIND, str(incident_id))
        log.warning("Guild %s: raid incident %s ended (%s)", guild_id, incident_id, reason)
        guild = desk.bot.get_guild(guild_id)
        lines: list[str] = []
        if guild is not None and reason != "undone":
            if await desk.bot.guild_settings.setting(guild_id, RAID_RESTORE_ON_END):
                lines = await self._put_back_server(guild, ended, by)
            await alert.refresh(desk, guild, incident_id, await self._quiet(guild_id))
        return ended, lines

    async def _put_back_server(self, guild: discord.Guild, incident: Incident, by: discord.Member | None) -> list[str]:
        """Claim and put back the level and invites at the end of an incident (not an undo)."""
        async with self.desk.pool.acquire() as conn, conn.transaction():
            locked = await repo.lock_incident(conn, guild.id, incident.id)
            if locked is None:
                return []
            parts = {part for part, pending in (("level", locked.level_pending), ("invites", locked.invites_pending))
                     if pending}
            await repo.claim_server(conn, guild.id, incident.id, level="level" in parts, invites="invites" in parts)
        if not parts:
            return []
        why = f"Raid protection: incident #{incident.id} ended" + (f" by {by} ({by.id})" if by else "")
        outcomes, lines = await self._server(guild, locked, parts, why, by.id if by else None)
        await repo.settle(self.desk.pool, guild.id, incident.id, self.desk.bot.clock.now(), server=outcomes,
                          timeouts=[], by=None)
        return lines

    # --- the undo ----------------------------------------------------------------------------------------------

    async def undo(self, guild: discord.Guild, clicker: discord.Member, incident_id: int) -> str:
        """Undo what the brake did in the incident, as far as `clicker` may; the answer for them."""
        can = clicker.guild_permissions
        if not (can.manage_guild or can.moderate_members):
            raise UserFacingError(NEEDS)
        desk = self.desk
        skipped: list[str] = []
        async with desk.pool.acquire() as conn, conn.transaction():
            incident = await repo.lock_incident(conn, guild.id, incident_id)
            if incident is None:
                raise UserFacingError(f"There is no raid incident #{incident_id} on this server.")
            parts = {part for part, pending in (("level", incident.level_pending),
                                                ("invites", incident.invites_pending)) if pending}
            if parts and not can.manage_guild:
                skipped.append(f"{self._parts_words(parts).capitalize()}: putting {'it' if len(parts) == 1 else 'them'}"
                               " back needs **Manage Server**, which you don't have.")
                parts = set()
            lifting = self._liftable(guild, clicker, await repo.pending_timeouts(conn, guild.id, incident_id),
                                     skipped)
            await repo.claim_server(conn, guild.id, incident_id, level="level" in parts, invites="invites" in parts)
            await repo.claim_timeouts(conn, guild.id, incident_id, [m.user_id for m in lifting])
        if not parts and not lifting:
            return self._nothing(incident, skipped)
        if incident.on:
            await self.end(guild.id, incident_id, "undone", clicker)
        why = f"Raid protection undone by {clicker} ({clicker.id}): incident #{incident_id}"
        outcomes: dict[str, str | None] = {part: None for part in parts}
        results: list[tuple[int, str | None, int | None]] = [(m.user_id, None, None) for m in lifting]
        lines: list[str] = []
        try:
            outcomes, lines = await self._server(guild, incident, parts, why, clicker.id)
            results, more = await self._lift(guild, clicker, incident_id, lifting, why)
            lines += more
        finally:  # whatever happened, each claim ends: an outcome, or given back for a retry
            undone = await repo.settle(desk.pool, guild.id, incident_id, desk.bot.clock.now(), server=outcomes,
                                       timeouts=results, by=clicker.id)
            await alert.refresh(desk, guild, incident_id, await self._quiet(guild.id))
        head = (f"↩️ Raid incident #{incident_id} is undone." if undone
                else f"↩️ Raid incident #{incident_id} is partly undone.")
        return "\n".join([head, *(f"• {line}" for line in lines),
                          *(["Not done:"] + [f"• {line}" for line in skipped] if skipped else [])])[:2000]

    def _liftable(self, guild: discord.Guild, clicker: discord.Member, pending: list[RaidMember],
                  skipped: list[str]) -> list[RaidMember]:
        """The pending timeouts the clicker may lift; the others are noted in `skipped`."""
        if pending and not clicker.guild_permissions.moderate_members:
            skipped.append(f"{plural(len(pending), 'timeout')}: lifting them needs **Timeout Members**, which you "
                           "don't have.")
            return []
        allowed, above = [], []
        for member in pending:
            target = guild.get_member(member.user_id)
            (allowed if target is None or outranks(clicker, target) else above).append(member)
        if above:
            skipped.append(f"{plural(len(above), 'timeout')} ({named([m.user_id for m in above])}): "
                           "their highest role is not below yours, so you may not lift them.")
        return allowed

    @staticmethod
    def _parts_words(parts: set[str]) -> str:
        return " and ".join(word for part, word in (("level", "the verification level"), ("invites", "invites"))
                            if part in parts)

    @staticmethod
    def _nothing(incident: Incident, skipped: list[str]) -> str:
        if skipped:
            return "Nothing was undone:\n" + "\n".join(f"• {line}" for line in skipped)
        if incident.undone_at is not None:
            return (f"Raid incident #{incident.id} was already undone by <@{incident.undone_by}> "
                    f"{discord.utils.format_dt(incident.undone_at, 'R')}.")
        return f"Raid incident #{incident.id} has nothing left to undo."

    async def _server(self, guild: discord.Guild, incident: Incident, parts: set[str], why: str,
                      moderator_id: int | None) -> tuple[dict[str, str | None], list[str]]:
        """Put back the claimed level and invites; their outcomes (None: Discord refused) and what happened. What
        was put back is a `server_brake_lifted` case (by `moderator_id`, or raid protection at a quiet end)."""
        outcomes: dict[str, str | None] = {}
        lines: list[str] = []
        if "level" in parts:
            now = guild.verification_level.value
            if now != incident.raised_level:
                outcomes["level"] = "changed"
                lines.append(f"The verification level is now {level_name(now)}: someone changed it after raid "
                             f"protection raised it to {level_name(incident.raised_level)}, so I left it.")
            else:
                previous = incident.previous_level or 0
                problem = await set_level(guild, previous, why)
                outcomes["level"] = None if problem else "restored"
                lines.append(problem or f"The verification level is back to {level_name(previous)}.")
        if "invites" in parts:
            if not invites_paused(guild):
                outcomes["invites"] = "changed"
                lines.append("Invites were already resumed by someone, so I left them.")
            else:
                problem = await set_invites(guild, paused=False, reason=why)
                outcomes["invites"] = None if problem else "restored"
                lines.append(problem or "Invites are resumed.")
        back = f"Verification level back to {level_name(incident.previous_level or 0)}."
        restored = [said for part, said in (("level", back), ("invites", "Invites resumed."))
                    if outcomes.get(part) == "restored"]
        if restored:
            await record_case(self.desk.bot, guild, "server_brake_lifted", None,
                              f"{' '.join(restored)} (incident #{incident.id})", moderator_id=moderator_id)
        return outcomes, lines

    async def _lift(self, guild: discord.Guild, clicker: discord.Member, incident_id: int,
                    lifting: list[RaidMember], why: str) -> tuple[list[tuple[int, str | None, int | None]], list[str]]:
        """Lift the claimed timeouts that are still the brake's; each outcome (with its untimeout case)."""
        results: list[tuple[int, str | None, int | None]] = []
        counts: dict[str, int] = {}
        problems: list[str] = []
        cases: list[int] = []
        for member in lifting:
            target = guild.get_member(member.user_id)
            assert member.timed_out_until is not None  # only timeouts the brake set are pending
            state = "gone" if target is None else still_ours(target, member.timed_out_until)
            number = None
            if state == "ours":
                assert target is not None
                problem = await lift(self.desk.bot, target, why)
                if problem is not None:
                    problems.append(problem)
                    results.append((member.user_id, None, None))
                    continue
                state = "lifted"
                number = await record_case(self.desk.bot, guild, "untimeout", member.user_id,
                                           f"Raid protection undone (incident #{incident_id})",
                                           moderator_id=clicker.id, linked_case=member.timeout_case)
                if number is not None:
                    cases.append(number)
            counts[state] = counts.get(state, 0) + 1
            results.append((member.user_id, state, number))
        lines = []
        if counts.get("lifted"):
            numbers = f" (cases #{min(cases)}–#{max(cases)})" if len(cases) > 1 else (
                f" (case #{cases[0]})" if cases else "")
            lines.append(f"{plural(counts['lifted'], 'timeout')} lifted{numbers}.")
        if counts.get("changed"):
            lines.append(f"{plural(counts['changed'], 'timeout')} changed by someone since: left as is.")
        if counts.get("expired"):
            lines.append(f"{plural(counts['expired'], 'member')} no longer timed out.")
        if counts.get("gone"):
            lines.append(f"{plural(counts['gone'], 'member')} left the server.")
        lines += sorted(set(problems))
        return results, lines
