"""What an event looks like on Discord: its embed with the live attendee list (pure: no SQL, no Discord calls)."""

from __future__ import annotations

from datetime import datetime

import discord

from cogs.events.model import DECLINED, GOING, MAYBE, PENDING, SCHEDULED, WAITLIST, Attendee, Event
from cogs.events.recurrence import describe
from utils.durations import format_duration

FIELD_MAX = 1024
COLOUR = discord.Colour.blurple()
SHOWN = ((GOING, "✅ Going"), (MAYBE, "❔ Maybe"), (WAITLIST, "⏳ Waitlist"), (DECLINED, "❌ Can't"))


def ts(moment: datetime, style: str = "F") -> str:
    """A Discord timestamp: every reader sees it in their own time zone."""
    return f"<t:{int(moment.timestamp())}:{style}>"


def names(user_ids: list[int], limit: int = FIELD_MAX) -> str:
    """Mentions (embeds never ping) that fit in a field, with "and N more" when they don't."""
    shown: list[str] = []
    for index, user_id in enumerate(user_ids):
        rest = len(user_ids) - index
        line = ", ".join([*shown, f"<@{user_id}>"])
        if len(line) + len(f" and {rest} more") > limit:
            return ", ".join(shown) + f" and {rest} more"
        shown.append(f"<@{user_id}>")
    return ", ".join(shown) or "—"


def link(event: Event) -> str:
    """The event message's address (empty before it is posted)."""
    if event.message_id is None:
        return ""
    return f"https://discord.com/channels/{event.guild_id}/{event.channel_id}/{event.message_id}"


def where(event: Event) -> str | None:
    """The event's place: its voice or stage channel, or the location typed in."""
    if event.voice_channel_id:
        return f"<#{event.voice_channel_id}>"
    return event.location


def event_embed(event: Event, attendees: list[Attendee], now: datetime) -> discord.Embed:
    """The event's card: when, where, how often, capacity, and who answered what for the live occurrence."""
    by_status: dict[str, list[int]] = {}
    for person in attendees:
        by_status.setdefault(person.status, []).append(person.user_id)
    title = event.title if event.status == SCHEDULED else f"{event.title} ({event.status})"
    embed = discord.Embed(title=title[:256], description=(event.description or "")[:2000] or None, colour=COLOUR)
    embed.add_field(name="When", value=f"{ts(event.occurrence_at)} ({ts(event.occurrence_at, 'R')})\n"
                                       f"for {format_duration(event.duration_seconds)}", inline=False)
    if place := where(event):
        embed.add_field(name="Where", value=place[:FIELD_MAX], inline=True)
    if event.rrule:
        embed.add_field(name="Repeats", value=f"{describe(event.rrule)} ({event.timezone})", inline=True)
    rules = []
    if event.capacity:
        rules.append(f"{len(by_status.get(GOING, []))}/{event.capacity} places")
    if event.required_role_id:
        rules.append(f"for <@&{event.required_role_id}> only")
    if event.approval:
        rules.append("the organiser approves sign-ups")
    if rules:
        embed.add_field(name="Sign-ups", value="; ".join(rules), inline=False)
    for status, label in SHOWN:
        people = by_status.get(status, [])
        if people or status in (GOING, MAYBE):
            embed.add_field(name=f"{label} ({len(people)})", value=names(people), inline=False)
    if pending := by_status.get(PENDING):
        embed.add_field(name="Awaiting approval", value=str(len(pending)), inline=False)
    footer = f"Event #{event.id}"
    if event.status == SCHEDULED and now >= event.occurrence_at:
        footer += " · sign-ups are closed"
    embed.set_footer(text=footer)
    if event.created_by:
        embed.add_field(name="Organiser", value=f"<@{event.created_by}>", inline=True)
    return embed


def open_for_signups(event: Event, now: datetime) -> bool:
    """Whether members may still answer: the event is on and its live occurrence has not started."""
    return event.status == SCHEDULED and now < event.occurrence_at
