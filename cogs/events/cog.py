"""`/event`: events members sign up for (Going / Maybe / Can't), with capacity and a waitlist, approval, a role
required to sign up, DM reminders at times each attendee picks, and recurrence in the server's time zone.

Who may create events: events staff (`settings.EVENTS_STAFF`), or everyone when `events.members_can_create` is on.
Organisers edit and cancel their own events; events staff all of them. The logic is the desk's (`desk.py`); input
is read in `forms.py`; this module answers the interactions.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo

import discord
from discord import app_commands

from cogs.events import jobs, repo
from cogs.events.api import EventsApi, FeedEvent, feed_event
from cogs.events.card import event_embed, link, ts
from cogs.events.desk import EventDesk
from cogs.events.feed import FEED_PATH, CalendarRoutes, add_to_calendar_links, event_path, has_feed, new_token
from cogs.events.forms import (
    check_channel,
    check_place,
    parse_event_duration,
    parse_reminder_times,
    read_repeat,
    read_start,
)
from cogs.events.http import include_routes
from cogs.events.model import DEFAULT_REMINDERS, PENDING, SCHEDULED, Event
from cogs.events.recurrence import describe, first_at_or_after
from cogs.events.rsvp import ANSWERS
from cogs.events.settings import EVENTS_MEMBERS_CAN_CREATE, EVENTS_STAFF, SETTINGS
from cogs.events.sync import ScheduledSync
from cogs.events.views import ITEMS, REMINDER_CHOICES, RemindersSelect
from core.cog_base import HearthCog
from core.guild_kit.staff import is_staff
from core.modules import declare
from core.settings_registry import SYSTEM_TIMEZONE
from utils.errors import BadInput, UserFacingError
from utils.options import RowId
from utils.paginator import Paginator

PAGE = 10
NONE = discord.AllowedMentions.none()
REPEAT_CHOICES = [app_commands.Choice(name="every day", value="daily"),
                  app_commands.Choice(name="every week (on the days you give)", value="weekly"),
                  app_commands.Choice(name="every month on the same date", value="monthly_date"),
                  app_commands.Choice(name="every month on the same weekday (e.g. second Tuesday)",
                                      value="monthly_weekday")]


def minutes_text(minutes: list[int]) -> str:
    """[1440, 60, 15] → "1 day before, 1 hour before, 15 minutes before"."""
    labels = dict(REMINDER_CHOICES)
    shown = [labels.get(m, f"{m} minutes before") for m in sorted(minutes, reverse=True)]
    return ", ".join(shown) if shown else "no reminders"


def _check_title(title: str) -> None:
    if not title.strip():
        raise BadInput("The title can't be blank.", example="/event create title:Game night start:friday 20:00")


class EventsCog(HearthCog, name="Events"):
    """The /event commands, the RSVP buttons and the events' timer jobs."""

    pool_size = 2
    module = declare("events", "Events", docs="events.md",
                     summary="events members sign up for, with DM reminders and Discord events")
    settings = SETTINGS
    persistent_items = ITEMS

    event = app_commands.Group(name="event", description="Events members sign up for", guild_only=True)

    def __init__(self, bot: Any) -> None:
        super().__init__(bot)
        self.desk: EventDesk | None = None

    async def load(self) -> None:
        self.desk = EventDesk(self.bot, self.pool)
        self.desk.on_change.append(ScheduledSync(self.bot, self.pool))
        self.bot.timers.register(jobs.REMINDER_KIND, self.desk.send_reminder, on_skip=self.desk.drop_reminder,
                                 describe=lambda job: f"an event reminder (event #{job.payload.get('event_id')})",
                                 give_up=True, switch=self.module.switch)
        self.bot.timers.register(jobs.PHASE_KIND, self.desk.phase, on_skip=self.desk.phase,
                                 describe=lambda job: f"the {job.payload.get('phase')} of event "
                                                      f"#{job.payload.get('event_id')}",
                                 switch=self.module.switch)
        self.api = EventsApi(self.pool)
        self.bot.apis.publish(EventsApi, self.api)
        self.calendar = CalendarRoutes(self)
        self.bot.api.include(self.calendar.router)
        self.router = include_routes(self.bot)  # GET /api/v1/guilds/{id}/events[/{id}] (cogs/events/http.py)

    async def unload(self) -> None:
        self.bot.api.remove(self.calendar.router)
        self.bot.api.remove(self.router)
        self.bot.apis.withdraw(EventsApi, self.api)
        self.bot.timers.unregister(jobs.REMINDER_KIND)
        self.bot.timers.unregister(jobs.PHASE_KIND)
        if self.desk is not None:
            await self.desk.refresher.close()

    @property
    def _desk(self) -> EventDesk:
        if self.desk is None:
            raise UserFacingError("Events are starting up; try again in a moment.")
        return self.desk

    # --- the calendar (cogs/events/feed.py) ----------------------------------------------------------------

    @property
    def events_api(self) -> EventsApi:
        return self.api

    def guild_name(self, guild_id: int) -> str:
        """The calendar's name."""
        guild = self.bot.get_guild(guild_id)
        return f"{guild.name} events" if guild else "Events"

    def place_name(self, guild_id: int, event: FeedEvent) -> str | None:
        """A voice or stage event's channel name, as the calendar's location."""
        guild = self.bot.get_guild(guild_id)
        channel = guild.get_channel(event.voice_channel_id) if guild and event.voice_channel_id else None
        return f"#{channel.name} on {guild.name}" if channel and guild else None

    def _public_url(self) -> str:
        base = self.bot.config.public_url
        if not base:
            raise UserFacingError("The calendar needs the bot's public address: the operator sets PUBLIC_URL "
                                  "(see docs/configuration.md).")
        return base.rstrip("/")

    # --- who may do what ----------------------------------------------------------------------------------

    async def _may_create(self, interaction: discord.Interaction) -> None:
        if await is_staff(self.bot, EVENTS_STAFF, interaction):
            return
        if await self.bot.guild_settings.setting(interaction.guild_id, EVENTS_MEMBERS_CAN_CREATE):
            return
        raise UserFacingError("Only events staff (Manage Events, Manage Server or the events staff role) create "
                              "events on this server. An admin can let everyone create them with "
                              "`/config set scope:events key:members_can_create value:true`.")

    async def _managed(self, interaction: discord.Interaction, event_id: int) -> Event:
        event = await repo.get(self.pool, interaction.guild_id, event_id)
        if event is None:
            raise BadInput(f"There is no event #{event_id} on this server. `/event list` shows them.")
        if event.created_by != interaction.user.id and not await is_staff(self.bot, EVENTS_STAFF, interaction):
            raise UserFacingError("Only the event's organiser or events staff can change it.")
        return event

    # --- commands -----------------------------------------------------------------------------------------

    @event.command(name="create", description="Create an event members sign up for")
    @app_commands.describe(
        title="What the event is called", start="When it starts, in the server's time zone (e.g. friday 20:00)",
        duration="How long it lasts (e.g. 2h, 90m; default 1h)", description="What it is about",
        location="Where it happens (a place or a link)", voice="Or: the voice or stage channel it happens in",
        capacity="How many may go (a waitlist after that)", role="Only members with this role may sign up",
        approval="You approve each sign-up", channel="Where the event is posted (default: here)",
        repeat="How it repeats", days="For weekly: the days, e.g. mon,wed (default: the start's day)",
        until="Last date it repeats (YYYY-MM-DD)", count="How many times it happens in all")
    @app_commands.choices(repeat=REPEAT_CHOICES)
    async def create(self, interaction: discord.Interaction, title: app_commands.Range[str, 1, 100],
                     start: app_commands.Range[str, 1, 100], duration: app_commands.Range[str, 1, 30] | None = None,
                     description: app_commands.Range[str, 1, 2000] | None = None,
                     location: app_commands.Range[str, 1, 100] | None = None,
                     voice: discord.VoiceChannel | discord.StageChannel | None = None,
                     capacity: app_commands.Range[int, 1, 10000] | None = None, role: discord.Role | None = None,
                     approval: bool = False, channel: discord.TextChannel | None = None,
                     repeat: app_commands.Choice[str] | None = None, days: str | None = None,
                     until: str | None = None, count: app_commands.Range[int, 1, 500] | None = None) -> None:
        await self._may_create(interaction)
        _check_title(title)
        guild_id = interaction.guild_id
        tz_name = await self.bot.guild_settings.setting(guild_id, SYSTEM_TIMEZONE)
        now = self.bot.clock.now()
        begins = read_start(start, tz_name, now)
        seconds = parse_event_duration(duration)
        check_place(location, voice, interaction.user)
        target = channel or interaction.channel
        check_channel(target, interaction.user)
        rule = read_repeat(repeat.value if repeat else None, days, until, count, begins, tz_name)
        if rule is not None:
            first = first_at_or_after(rule, begins, ZoneInfo(tz_name))
            if first is None:
                raise BadInput("That repetition has no occurrence at all; check the days, end date or count.")
            begins = first
        fields = {"channel_id": target.id, "title": title.strip(), "description": description,  # type: ignore[union-attr]
                  "location": location, "voice_channel_id": voice.id if voice else None, "timezone": tz_name,
                  "starts_at": begins, "occurrence_at": begins, "duration_seconds": seconds, "capacity": capacity,
                  "required_role_id": role.id if role else None, "approval": approval, "rrule": rule,
                  "created_by": interaction.user.id}
        await interaction.response.defer(ephemeral=True, thinking=True)
        async with self.pool.acquire() as conn, conn.transaction():
            event = await repo.create(conn, guild_id, fields, now)
            await jobs.plan_phases(self.bot.timers, conn, event)
        self.bot.timers.rearm()
        try:
            event = await self._desk.post(target, event)  # type: ignore[arg-type]
        except discord.HTTPException:
            async with self.pool.acquire() as conn, conn.transaction():
                await jobs.cancel_all(self.bot.timers, conn, event.id)
                await repo.set_status(conn, guild_id, event.id, "cancelled", now)
            raise
        await self._desk.changed(event)
        repeats = f", repeating {describe(rule)}" if rule else ""
        await interaction.followup.send(
            f"✅ Event #{event.id} **{event.title}** on {ts(event.occurrence_at)}{repeats}: {link(event)}",
            ephemeral=True)

    @event.command(name="edit", description="Change an event (its attendees are told about a new time)")
    @app_commands.describe(event="The event's number", title="New title", description="New description",
                           start="New start, in the server's time zone", duration="New duration (e.g. 2h)",
                           location="New location (replaces a voice channel)",
                           voice="New voice or stage channel (replaces a location)",
                           capacity="New capacity (a larger one moves the waitlist up)",
                           role="From now on only members with this role may sign up",
                           anyone="True: anyone may sign up again (no role needed)",
                           approval="True: you approve each new sign-up; False: the waiting sign-ups are accepted")
    async def edit(self, interaction: discord.Interaction, event: RowId,
                   title: app_commands.Range[str, 1, 100] | None = None,
                   description: app_commands.Range[str, 1, 2000] | None = None,
                   start: app_commands.Range[str, 1, 100] | None = None,
                   duration: app_commands.Range[str, 1, 30] | None = None,
                   location: app_commands.Range[str, 1, 100] | None = None,
                   voice: discord.VoiceChannel | discord.StageChannel | None = None,
                   capacity: app_commands.Range[int, 1, 10000] | None = None, role: discord.Role | None = None,
                   anyone: bool | None = None, approval: bool | None = None) -> None:
        current = await self._managed(interaction, event)
        if title is not None:
            _check_title(title)
        if all(value is None for value in (title, description, start, duration, location, voice, capacity, role,
                                           approval)) and not anyone:
            raise BadInput("Say what to change.", example=f"/event edit event:{event} start:saturday 19:00")
        check_place(location, voice, interaction.user)
        if role is not None and anyone:
            raise BadInput("Give a role that sign-ups need, or anyone:True to need none, not both.",
                           example=f"/event edit event:{event} role:@Raiders")
        now = self.bot.clock.now()
        new = replace(current, title=title.strip() if title else current.title,
                      description=description if description is not None else current.description,
                      duration_seconds=parse_event_duration(duration) if duration else current.duration_seconds,
                      capacity=capacity if capacity is not None else current.capacity,
                      required_role_id=role.id if role else None if anyone else current.required_role_id,
                      approval=approval if approval is not None else current.approval)
        if location is not None or voice is not None:  # one place: the new one replaces the other kind
            new = replace(new, location=location, voice_channel_id=voice.id if voice else None)
        if start is not None:
            begins = read_start(start, current.timezone, now)
            if current.rrule:
                begins = first_at_or_after(current.rrule, begins, current.tz) or begins
            new = replace(new, starts_at=begins, occurrence_at=begins)
        await interaction.response.defer(ephemeral=True, thinking=True)
        saved = await self._desk.change(current, new)
        moved = " Its attendees were told about the new time." if saved.occurrence_at != current.occurrence_at else ""
        await interaction.followup.send(f"✅ Event #{saved.id} **{saved.title}** updated.{moved}", ephemeral=True)

    @event.command(name="cancel", description="Cancel an event (every attendee gets a DM)")
    @app_commands.describe(event="The event's number", reason="Told to the attendees")
    async def cancel(self, interaction: discord.Interaction, event: RowId,
                     reason: app_commands.Range[str, 1, 500] | None = None) -> None:
        current = await self._managed(interaction, event)
        await interaction.response.defer(ephemeral=True, thinking=True)
        saved, told = await self._desk.cancel(current, reason)
        await interaction.followup.send(f"✅ Event #{saved.id} **{saved.title}** is cancelled; {told} attendee(s) "
                                        "were told by DM.", ephemeral=True)

    @event.command(name="list", description="The server's upcoming events")
    async def list_(self, interaction: discord.Interaction) -> None:
        guild_id = interaction.guild_id

        async def page(index: int) -> tuple[discord.Embed, int]:
            total = await repo.count_upcoming(self.pool, guild_id)
            found = await repo.upcoming(self.pool, guild_id, PAGE, index * PAGE)
            lines = [f"**#{e.id} {discord.utils.escape_markdown(e.title)}** · {ts(e.occurrence_at)}"
                     + (f" · {describe(e.rrule)}" if e.rrule else "") + (f" · [message]({link(e)})" if link(e) else "")
                     for e in found]
            return discord.Embed(title="Upcoming events", description="\n".join(lines) or
                                 "No upcoming events. Create one with `/event create`."), total

        await Paginator(interaction.user.id, page, PAGE).send(interaction)

    @event.command(name="show", description="An event with everyone who answered")
    @app_commands.describe(event="The event's number")
    async def show(self, interaction: discord.Interaction, event: RowId) -> None:
        found = await repo.get(self.pool, interaction.guild_id, event)
        if found is None:
            raise BadInput(f"There is no event #{event} on this server. `/event list` shows them.")
        people = await repo.attendees(self.pool, found)
        embed = event_embed(found, people, self.bot.clock.now())
        if found.status == SCHEDULED:
            base = self.bot.config.public_url
            file_url = base.rstrip("/") + await event_path(self.pool, found.guild_id, found.id) if base else None
            embed.add_field(name="Add to calendar", value=add_to_calendar_links(feed_event(found), file_url),
                            inline=False)
        pending = [p.user_id for p in people if p.status == PENDING]
        if pending and (found.created_by == interaction.user.id
                        or await is_staff(self.bot, EVENTS_STAFF, interaction)):
            embed.add_field(name="Waiting for approval", value=", ".join(f"<@{u}>" for u in pending)[:1024],
                            inline=False)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @event.command(name="feed", description="The server's calendar address for Google or Apple Calendar (admins)")
    @app_commands.describe(reset="Make a new address; the old one stops working")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def feed(self, interaction: discord.Interaction, reset: bool = False) -> None:
        base = self._public_url()
        guild_id = interaction.guild_id
        if not reset and await has_feed(self.pool, guild_id):
            await interaction.response.send_message(
                "This server already has a calendar address; it was shown once, when it was made. "
                "`/event feed reset:True` makes a new one (the old one stops working).", ephemeral=True)
            return
        token = await new_token(self.pool, guild_id, interaction.user.id, self.bot.clock.now())
        await interaction.response.send_message(
            f"📅 The calendar of this server's events: {base}{FEED_PATH.format(token=token)}\n"
            "Add it in Google Calendar (Other calendars → From URL) or Apple Calendar (File → New Calendar "
            "Subscription). Keep it private: anyone with it can read the events. `/event feed reset:True` replaces "
            "it.", ephemeral=True)

    @event.command(name="reminders", description="When you get DM reminders for an event you're going to")
    @app_commands.describe(event="The event's number", times="e.g. 1d, 1h, 15m (or none)")
    async def reminders(self, interaction: discord.Interaction, event: RowId,
                        times: app_commands.Range[str, 1, 100]) -> None:
        minutes = parse_reminder_times(times)
        person = await self._desk.set_reminders(interaction.user, event, minutes)  # type: ignore[arg-type]
        await interaction.response.send_message(f"⏰ I'll DM you {minutes_text(person.reminder_minutes)}.",
                                                ephemeral=True)

    @edit.autocomplete("event")
    @cancel.autocomplete("event")
    async def _managed_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice]:
        staff = await is_staff(self.bot, EVENTS_STAFF, interaction)
        found = await repo.search(self.pool, interaction.guild_id, current, None if staff else interaction.user.id)
        return [app_commands.Choice(name=f"#{e.id} {e.title}"[:100], value=e.id) for e in found]

    @show.autocomplete("event")
    @reminders.autocomplete("event")
    async def _event_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice]:
        found = await repo.search(self.pool, interaction.guild_id, current, None)
        return [app_commands.Choice(name=f"#{e.id} {e.title}"[:100], value=e.id) for e in found]

    # --- buttons (EventActions) ---------------------------------------------------------------------------

    async def rsvp(self, interaction: discord.Interaction, event_id: int, choice: str) -> None:
        """Going / Maybe / Can't."""
        event, change = await self._desk.answer(interaction.user, event_id, choice)  # type: ignore[arg-type]
        status = change.person.status
        text = ANSWERS[status]
        if change.previous == status:
            text = f"No change: {text[0].lower()}{text[1:]}"
        text += f" for **{event.title}** ({ts(event.occurrence_at)})."
        if status in ("going", "maybe"):
            text += f" I'll DM you {minutes_text(change.person.reminder_minutes)}; change that with ⏰ Reminders."
        await interaction.response.send_message(text, ephemeral=True)
        await self._desk.after_answer(interaction.user, event, change)  # type: ignore[arg-type]

    async def decide(self, interaction: discord.Interaction, event_id: int, user_id: int, approve: bool) -> None:
        """Approve / Deny, from the organiser's DMs or the log channel."""
        event = await repo.by_id(self.pool, event_id)
        if event is None:
            raise UserFacingError("This event no longer exists.")
        guild = self.bot.get_guild(event.guild_id)
        member = guild.get_member(interaction.user.id) if guild else None
        if event.created_by != interaction.user.id and not (
                member is not None and await is_staff(self.bot, EVENTS_STAFF, member)):
            raise UserFacingError("Only the event's organiser or events staff decide on sign-ups.")
        change = await self._desk.decide(interaction.user, event, user_id, approve)
        verdict = {"going": "approved: going", "waitlist": "approved: on the waitlist (the event is full)"}.get(
            change.person.status, "denied")
        await interaction.response.edit_message(content=f"<@{user_id}> for **{event.title}**: {verdict}.", view=None,
                                                allowed_mentions=NONE)

    async def offer_reminders(self, interaction: discord.Interaction, event_id: int) -> None:
        """The reminder menu, with the member's current times ticked."""
        event = await repo.get(self.pool, interaction.guild_id, event_id)
        if event is None:
            raise UserFacingError("This event no longer exists.")
        person = await repo.attendee(self.pool, event, interaction.user.id)
        chosen = person.reminder_minutes if person else list(DEFAULT_REMINDERS)
        view = discord.ui.View(timeout=None)
        view.add_item(RemindersSelect(event_id, chosen))
        await interaction.response.send_message(
            f"When should I DM you before **{event.title}**? Now: {minutes_text(chosen)}.", view=view, ephemeral=True)

    async def reminders_chosen(self, interaction: discord.Interaction, event_id: int, minutes: list[int]) -> None:
        """The menu's answer."""
        person = await self._desk.set_reminders(interaction.user, event_id, minutes)  # type: ignore[arg-type]
        await interaction.response.edit_message(content=f"⏰ I'll DM you {minutes_text(person.reminder_minutes)}.",
                                                view=None)

