"""The events desk: what happens when members answer, organisers decide, and events change, end or are
cancelled — the database change in one transaction with its timer jobs, then the DMs and the message refresh.

Views and commands call the desk; the desk answers nothing itself except through the DMs it sends (the caller
answers the interaction with what the desk returns).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any

import discord

from cogs.events import jobs, repo, rsvp
from cogs.events.card import event_embed, link, open_for_signups, ts, where
from cogs.events.model import ENDED, GOING, PENDING, REMINDED, SCHEDULED, WAITLIST, Attendee, Event
from cogs.events.recurrence import next_after
from cogs.events.refresher import Refresher
from cogs.events.views import ApprovalButton, event_view
from core.guild_kit.log import post_to_log
from core.timers import Job
from utils.errors import UserFacingError

log = logging.getLogger(__name__)
NONE = discord.AllowedMentions.none()
NOTIFIED = (GOING, "maybe", WAITLIST, PENDING)  # who hears about a cancel or a time change


class EventDesk:
    """Sign-ups, decisions, changes and the events' timer jobs, for one bot."""

    def __init__(self, bot: Any, pool: Any) -> None:
        self.bot = bot
        self.pool = pool
        self.refresher = Refresher(bot.clock, self.refresh_now)
        self._edit_locks: dict[int, tuple[asyncio.Lock, int]] = {}  # event → its lock, how many use it
        self.on_change: list[Any] = []  # called with (event, phase) after an event changed: the Discord sync

    # --- the message --------------------------------------------------------------------------------------

    async def refresh_now(self, event_id: int) -> None:
        """Edit the event's message to show the event and its attendees as they are now. Edits of one event run
        one at a time, each reading the rows afresh, so the last edit shows the last change."""
        lock, users = self._edit_locks.get(event_id, (asyncio.Lock(), 0))
        self._edit_locks[event_id] = (lock, users + 1)
        try:
            async with lock:
                await self._edit(event_id)
        finally:
            lock, users = self._edit_locks[event_id]
            if users == 1:
                del self._edit_locks[event_id]
            else:
                self._edit_locks[event_id] = (lock, users - 1)

    async def _edit(self, event_id: int) -> None:
        event = await repo.by_id(self.pool, event_id)
        if event is None or event.message_id is None:
            return
        channel = self.bot.get_channel(event.channel_id)
        if channel is None:
            return
        people = await repo.attendees(self.pool, event)
        now = self.bot.clock.now()
        try:
            await channel.get_partial_message(event.message_id).edit(
                embed=event_embed(event, people, now), view=event_view(event.id, open_=open_for_signups(event, now)))
        except discord.NotFound:
            log.info("Events: the message of event %s is gone", event_id)
        except discord.HTTPException:  # no access any more: the event itself goes on (its jobs must not fail)
            log.warning("Events: the message of event %s could not be edited", event_id, exc_info=True)

    async def post(self, channel: discord.abc.Messageable, event: Event) -> Event:
        """Post the event's message (no attendees yet) and remember it."""
        now = self.bot.clock.now()
        message = await channel.send(embed=event_embed(event, [], now), view=event_view(event.id, open_=True),
                                     allowed_mentions=NONE)
        await repo.set_message(self.pool, event.guild_id, event.id, message.id)
        return await repo.by_id(self.pool, event.id) or event

    # --- DMs ----------------------------------------------------------------------------------------------

    async def dm(self, user_id: int, content: str, *, view: discord.ui.View | None = None) -> bool:
        """DM a member; False when their DMs are closed or they can't be found."""
        try:
            user = self.bot.get_user(user_id) or await self.bot.fetch_user(user_id)
            await user.send(content, view=view or discord.utils.MISSING, allowed_mentions=NONE)
            return True
        except (discord.Forbidden, discord.NotFound):
            return False
        except discord.HTTPException:
            log.warning("Events: a DM to %s failed", user_id, exc_info=True)
            return False

    async def _tell(self, event: Event, people: list[Attendee], text: str) -> int:
        sent = 0
        for person in people:
            sent += await self.dm(person.user_id, text)
        return sent

    # --- answers and decisions ----------------------------------------------------------------------------

    async def answer(self, member: discord.Member, event_id: int, choice: str) -> tuple[Event, rsvp.Change]:
        """Record a member's Going / Maybe / Can't and plan their reminders (and those of whoever moved up);
        `after_answer` then tells whoever must know."""
        now = self.bot.clock.now()
        async with self.pool.acquire() as conn, conn.transaction():
            event = await repo.lock(conn, member.guild.id, event_id)
            if event is None:
                raise UserFacingError("This event no longer exists.")
            has_role = bool(event.required_role_id and member.get_role(event.required_role_id))
            change = await rsvp.answer(conn, event, member.id, choice, now, has_role=has_role)
            for person in change.touched:
                await jobs.plan_reminders(self.bot.timers, conn, event, person, now)
        self.bot.timers.rearm()
        return event, change

    async def after_answer(self, member: discord.Member, event: Event, change: rsvp.Change) -> None:
        """What follows an answer, once the member has been answered: DMs to whoever moved up from the waitlist,
        the organiser asked to approve, the message refreshed (throttled)."""
        await self._promoted(event, change.promoted)
        if change.person.status == PENDING and change.previous != PENDING:
            await self._ask_organiser(event, member)
        await self.refresher.request(event.id)

    async def decide(self, user: discord.abc.User, event: Event, user_id: int, approve: bool) -> rsvp.Change:
        """An organiser's decision on a pending sign-up; the member is DMed."""
        now = self.bot.clock.now()
        async with self.pool.acquire() as conn, conn.transaction():
            locked = await repo.lock(conn, event.guild_id, event.id)
            if locked is None:
                raise UserFacingError("This event no longer exists.")
            change = await rsvp.decide(conn, locked, user_id, approve, now)
            await jobs.plan_reminders(self.bot.timers, conn, locked, change.person, now)
        self.bot.timers.rearm()
        status = change.person.status
        text = {GOING: f"✅ You're in: the organiser approved your sign-up for **{event.title}** "
                       f"({ts(event.occurrence_at)}).",
                WAITLIST: f"✅ The organiser approved your sign-up for **{event.title}**, but it is full: you're on "
                          "the waitlist and I'll DM you if a place frees up."}.get(
            status, f"Your sign-up for **{event.title}** ({ts(event.occurrence_at)}) was not approved.")
        await self.dm(user_id, f"{text}\n{link(event)}")
        await self.refresher.request(event.id)
        return change

    async def _promoted(self, event: Event, promoted: list[Attendee]) -> None:
        for person in promoted:
            await self.dm(person.user_id, f"🎉 A place opened up: you're now going to **{event.title}** "
                                          f"({ts(event.occurrence_at)}).\n{link(event)}")

    async def _ask_organiser(self, event: Event, member: discord.Member) -> None:
        text = (f"📝 {member.mention} ({discord.utils.escape_markdown(member.display_name)}) wants to join "
                f"**{event.title}** ({ts(event.occurrence_at)}) in {member.guild.name}.\n{link(event)}")
        view = ApprovalButton.view_of(event.id, member.id)
        if event.created_by and await self.dm(event.created_by, text, view=view):
            return
        problem = await post_to_log(self.bot, member.guild, what="an event sign-up to approve",
                                    content=text, view=ApprovalButton.view_of(event.id, member.id))
        if problem:
            log.info("Events: nobody could be asked to approve a sign-up for event %s: %s", event.id, problem)

    async def set_reminders(self, member: discord.Member, event_id: int, minutes: list[int]) -> Attendee:
        """A member's reminder times for the live occurrence (they must be going or maybe)."""
        now = self.bot.clock.now()
        async with self.pool.acquire() as conn, conn.transaction():
            event = await repo.lock(conn, member.guild.id, event_id)
            if event is None:
                raise UserFacingError("This event no longer exists.")
            rsvp.check_open(event, now)
            person = await repo.attendee(conn, event, member.id)
            if person is None or person.status not in REMINDED:
                raise UserFacingError("Answer Going or Maybe first: reminders are for those who may come.")
            updated = await repo.set_reminders(conn, event, member.id, minutes)
            assert updated is not None
            await jobs.plan_reminders(self.bot.timers, conn, event, updated, now)
        self.bot.timers.rearm()
        return updated

    # --- changes by organisers ----------------------------------------------------------------------------

    async def change(self, event: Event, new: Event) -> Event:
        """Write the organiser's edit; a new time moves every answer, reminder and phase, and is DMed."""
        now = self.bot.clock.now()
        moved = new.occurrence_at != event.occurrence_at
        async with self.pool.acquire() as conn, conn.transaction():
            locked = await repo.lock(conn, event.guild_id, event.id)
            if locked is None or locked.status != SCHEDULED:
                raise UserFacingError("This event is no longer scheduled: it can't be edited.")
            saved = await repo.update(conn, new, now)
            if moved:
                await repo.move_attendees(conn, saved, locked.occurrence_at)
                await self.bot.timers.cancel(jobs.REMINDER_KIND, f"{saved.id}:", prefix=True, conn=conn)
            promoted = await rsvp.fill(conn, saved) if saved.capacity != locked.capacity else []
            accepted = await rsvp.accept_pending(conn, saved) if locked.approval and not saved.approval else []
            people = await repo.attendees(conn, saved)
            for person in people:
                await jobs.plan_reminders(self.bot.timers, conn, saved, person, now)
            await jobs.plan_phases(self.bot.timers, conn, saved)
        self.bot.timers.rearm()
        await self._promoted(saved, promoted)
        for person in accepted:
            where_now = "you're going" if person.status == GOING else "it is full, so you're on the waitlist"
            await self.dm(person.user_id, f"✅ **{saved.title}** ({ts(saved.occurrence_at)}) no longer needs "
                                          f"approval: {where_now}.\n{link(saved)}")
        if moved:
            await self._tell(saved, [p for p in people if p.status in NOTIFIED],
                             f"🕒 **{saved.title}** has a new time: {ts(saved.occurrence_at)} "
                             f"({ts(saved.occurrence_at, 'R')}). Your reminders follow it.\n{link(saved)}")
        await self.refresh_now(saved.id)
        await self.changed(saved)
        return saved

    async def cancel(self, event: Event, reason: str | None) -> tuple[Event, int]:
        """Cancel the event: every job goes, every attendee is DMed; returns the event and how many were told."""
        async with self.pool.acquire() as conn, conn.transaction():
            locked = await repo.lock(conn, event.guild_id, event.id)
            if locked is None or locked.status != SCHEDULED:
                raise UserFacingError("This event is not scheduled any more (already cancelled or over).")
            people = await repo.attendees(conn, locked)
            saved = await repo.set_status(conn, event.guild_id, event.id, "cancelled", self.bot.clock.now())
            await jobs.cancel_all(self.bot.timers, conn, event.id)
        why = f"\nReason: {reason}" if reason else ""
        told = await self._tell(saved, [p for p in people if p.status in NOTIFIED],
                                f"❌ **{saved.title}** ({ts(saved.occurrence_at)}) was cancelled.{why}")
        await self.refresh_now(saved.id)
        await self.changed(saved)
        return saved, told

    async def changed(self, event: Event, phase: str | None = None) -> None:
        """Tell the hooks (the Discord Scheduled Event sync) that `event` changed, or an occurrence's `phase`
        (start, end) came; a failing hook is logged, never stops the change."""
        for hook in self.on_change:
            try:
                await hook(event, phase)
            except Exception:
                log.exception("Events: keeping event %s in step failed", event.id)

    # --- timer jobs ---------------------------------------------------------------------------------------

    async def send_reminder(self, job: Job) -> datetime | None:
        """One attendee's DM reminder, sent once (the row records it)."""
        payload = job.payload
        event = await repo.by_id(self.pool, int(payload["event_id"]))
        if event is None or event.status != SCHEDULED or int(event.occurrence_at.timestamp()) != payload["occurrence"]:
            return None
        minutes, user_id = int(payload["minutes"]), int(payload["user_id"])
        person = await repo.attendee(self.pool, event, user_id)
        if (person is None or person.status not in REMINDED or minutes not in person.reminder_minutes
                or minutes in person.reminded_minutes):
            return None
        place = where(event)
        text = (f"⏰ **{event.title}** starts {ts(event.occurrence_at, 'R')} ({ts(event.occurrence_at)})"
                + (f" · {place}" if place else "") + f"\n{link(event)}")
        await self.dm(user_id, text)
        await repo.mark_reminded(self.pool, event.guild_id, event.id, event.occurrence_at, user_id, minutes)
        return None

    async def drop_reminder(self, job: Job) -> datetime | None:
        """A reminder too late to be useful is not sent."""
        return None

    async def phase(self, job: Job) -> datetime | None:
        """The start (sign-ups close) or the end (next occurrence, or the event is over) of an occurrence."""
        event = await repo.by_id(self.pool, int(job.payload["event_id"]))
        if event is None or event.status != SCHEDULED or int(event.occurrence_at.timestamp()) != job.payload[
                "occurrence"]:
            return None
        if job.payload["phase"] == "start":
            if self.bot.clock.now() >= event.ends_at:
                return None  # the bot was offline through the whole occurrence: its end job moves on
            await self.refresh_now(event.id)
            await self.changed(event, "start")
            return None
        # After downtime, occurrences already past are skipped: the next one is in the future.
        after = max(event.occurrence_at, self.bot.clock.now())
        following = next_after(event.rrule, event.starts_at, event.tz, after) if event.rrule else None
        async with self.pool.acquire() as conn, conn.transaction():
            if following is not None:
                saved = await repo.advance(conn, event.guild_id, event.id, following)
            else:
                saved = await repo.set_status(conn, event.guild_id, event.id, ENDED, self.bot.clock.now())
            await jobs.plan_phases(self.bot.timers, conn, saved)
        self.bot.timers.rearm()
        await self.refresh_now(saved.id)
        await self.changed(saved, "end")
        return None
