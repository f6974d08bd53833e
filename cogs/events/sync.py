"""Discord Scheduled Events kept in step with Hearth's events, so they show in the server's native event list.

One Discord event per occurrence: created with the event (voice or stage channel, else "external" at the
location or the event's channel), edited with it, cancelled with it; at an occurrence's start it becomes active,
at its end completed, and a recurring event gets a new Discord event for its next occurrence. A Discord event is
made only for an organiser who could make one themselves (Create Events, Manage Events, or events staff). (Discord's own
recurrence rules allow far less than RFC 5545 — one weekday per week, no end date — so Hearth moves from one
occurrence to the next itself.) What Discord refuses (a missing Create Events permission) is told to the guild's
log channel once per change, never to the member clicking, and never stops the event itself.
"""

from __future__ import annotations

import logging
from typing import Any

import discord

from cogs.events import repo
from cogs.events.model import CANCELLED, SCHEDULED, Event
from cogs.events.settings import EVENTS_STAFF
from core.guild_kit.log import post_to_log
from core.guild_kit.staff import is_staff
from utils.errors import missing_permission_message

log = logging.getLogger(__name__)
REASON = "Hearth event #{id}"
LOCATION_MAX = 100
DESCRIPTION_MAX = 1000


def _fields(event: Event, guild: discord.Guild) -> dict[str, Any]:
    """The Discord event's fields for the live occurrence."""
    fields: dict[str, Any] = {"name": event.title[:100], "start_time": event.occurrence_at,
                              "end_time": event.ends_at, "description": (event.description or "")[:DESCRIPTION_MAX]}
    channel = guild.get_channel(event.voice_channel_id) if event.voice_channel_id else None
    if isinstance(channel, discord.StageChannel):
        fields.update(entity_type=discord.EntityType.stage_instance, channel=channel)
    elif isinstance(channel, discord.VoiceChannel):
        fields.update(entity_type=discord.EntityType.voice, channel=channel)
    else:
        posted_in = guild.get_channel(event.channel_id)
        place = event.location or (f"#{posted_in.name}" if posted_in else guild.name)
        fields.update(entity_type=discord.EntityType.external, location=place[:LOCATION_MAX])
    return fields


class ScheduledSync:
    """Creates, edits, starts, ends and cancels the Discord event of each Hearth event."""

    def __init__(self, bot: Any, pool: Any) -> None:
        self.bot = bot
        self.pool = pool

    async def __call__(self, event: Event, phase: str | None = None) -> None:
        """Bring the Discord event in step after `event` changed (`phase`: "start" or "end" of an occurrence)."""
        guild = self.bot.get_guild(event.guild_id)
        if guild is None:
            return
        try:
            await self._sync(guild, event, phase)
        except discord.Forbidden as error:
            await post_to_log(self.bot, guild, what="an event sync problem",
                              content=f"I couldn't update the Discord event of **{event.title}** (#{event.id}): "
                                      f"{missing_permission_message(error)}")

    async def _may_publish(self, guild: discord.Guild, event: Event) -> bool:
        """The trust boundary: the bot creates a Discord event only for an organiser who could create one
        themselves (Create Events or Manage Events) or who is events staff."""
        member = guild.get_member(event.created_by) if event.created_by else None
        if member is None:
            return False
        have = member.guild_permissions
        return have.create_events or have.manage_events or await is_staff(self.bot, EVENTS_STAFF, member)

    async def _current(self, guild: discord.Guild, event: Event) -> discord.ScheduledEvent | None:
        if event.scheduled_event_id is None:
            return None
        try:
            return guild.get_scheduled_event(event.scheduled_event_id) or await guild.fetch_scheduled_event(
                event.scheduled_event_id)
        except discord.NotFound:
            return None

    async def _sync(self, guild: discord.Guild, event: Event, phase: str | None) -> None:
        reason = REASON.format(id=event.id)
        current = await self._current(guild, event)
        if event.status == CANCELLED:
            if current is not None and current.status == discord.EventStatus.scheduled:
                await current.cancel(reason=reason)
            elif current is not None and current.status == discord.EventStatus.active:
                await current.end(reason=reason)
            return
        if phase == "start":
            if current is not None and current.status == discord.EventStatus.scheduled:
                await current.start(reason=reason)
            return
        if phase == "end":
            if current is not None and current.status == discord.EventStatus.active:
                await current.end(reason=reason)
            elif current is not None and current.status == discord.EventStatus.scheduled:
                await current.cancel(reason=reason)  # never started (e.g. the start was missed): not held
            current = None
            if event.status != SCHEDULED:
                await repo.set_scheduled_event(self.pool, event.guild_id, event.id, None)
                return
        if event.status != SCHEDULED:
            return
        fields = _fields(event, guild)
        if current is not None and current.status == discord.EventStatus.scheduled:
            await current.edit(**fields, reason=reason)
            return
        renewed = phase == "end" and event.scheduled_event_id is not None
        if not renewed and not await self._may_publish(guild, event):
            return
        made = await guild.create_scheduled_event(**fields, privacy_level=discord.PrivacyLevel.guild_only,
                                                  reason=reason)
        await repo.set_scheduled_event(self.pool, event.guild_id, event.id, made.id)
