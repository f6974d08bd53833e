"""Reading what organisers and members type into `/event`: the start, the duration, the repetition, reminder
times and the channel to post in. Every refusal is a `BadInput` saying what is wrong and how to write it."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import discord

from cogs.events.recurrence import Repeat, build_rule, parse_until
from core.duration_input import parse_duration
from core.moment_input import parse_moment, parse_weekdays
from utils.errors import BadInput, permission_name

DURATION_EXAMPLE = "/event create title:Game night start:friday 20:00 duration:2h"
MAX_DURATION = 14 * 24 * 3600
MAX_REMINDERS = 5
MAX_REMINDER_MINUTES = 4 * 7 * 24 * 60
BOT_NEEDS = ("view_channel", "send_messages", "embed_links")


def read_start(text: str, tz_name: str, now: datetime) -> datetime:
    """The start (UTC) typed in the server's time zone; in the future."""
    return parse_moment(text, ZoneInfo(tz_name), now, what="The start")


def parse_event_duration(text: str | None) -> int:
    """The duration in seconds (default one hour), from 1 minute to 14 days."""
    if text is None:
        return 3600
    return parse_duration(text, maximum=MAX_DURATION, example=DURATION_EXAMPLE, what="event")


def read_repeat(kind: str | None, days: str | None, until: str | None, count: int | None, start: datetime,
                tz_name: str) -> str | None:
    """The RRULE for the repetition typed in, or None for a one-off event (refusing repetition details then)."""
    if kind is None:
        if days or until or count:
            raise BadInput("Days, an end date and a count only apply to a repeating event: choose `repeat` too.",
                           example="/event create … repeat:every week days:mon,wed count:6")
        return None
    if days and kind != "weekly":
        raise BadInput("Days only apply to a weekly repetition.", example="/event create … repeat:every week "
                                                                          "days:mon,wed")
    repeat = Repeat(kind, parse_weekdays(days) if days else (), parse_until(until) if until else None, count)
    return build_rule(repeat, start, ZoneInfo(tz_name))


def parse_reminder_times(text: str) -> list[int]:
    """ "1d, 1h, 15m" → [1440, 60, 15] (minutes before the start); "none" → []; "0" means at the start."""
    cleaned = text.strip().lower()
    if cleaned in ("none", "no", "off", "-"):
        return []
    minutes: set[int] = set()
    for piece in (p.strip() for p in cleaned.split(",")):
        if not piece:
            continue
        if piece in ("0", "0m", "start"):
            minutes.add(0)
            continue
        seconds = parse_duration(piece, maximum=MAX_REMINDER_MINUTES * 60, what="reminder time",
                                 example="/event reminders event:3 times:1d, 1h, 15m")
        minutes.add(seconds // 60)
    if len(minutes) > MAX_REMINDERS:
        raise BadInput(f"Pick at most {MAX_REMINDERS} reminder times.", example="times:1d, 1h, 15m")
    return sorted(minutes, reverse=True)


def check_place(location: str | None, voice: Any, member: Any) -> None:
    """A location or a voice channel, not both; a voice channel the organiser can see."""
    if location and voice:
        raise BadInput("Give a location or a voice channel, not both.", example="voice:#Stage")
    if voice is not None and not voice.permissions_for(member).view_channel:
        raise BadInput(f"You can't see {voice.mention}; pick a channel you can see.")


def check_channel(channel: Any, member: Any) -> None:
    """The event is posted in a text channel where the organiser may post and the bot can post embeds."""
    if not isinstance(channel, discord.TextChannel):
        raise BadInput("Events are posted in a text channel: run the command in one, or pick one with `channel`.")
    if not channel.permissions_for(member).send_messages:
        raise BadInput(f"You can't post in {channel.mention}, so I won't post your event there. Pick another channel.")
    allowed = channel.permissions_for(channel.guild.me)
    missing = [name for name in BOT_NEEDS if not getattr(allowed, name)]
    if missing:
        names = ", ".join(permission_name(p) for p in missing)
        raise BadInput(f"I can't post in {channel.mention}: I'm missing **{names}** there. Grant it to my role, or "
                       "pick another channel.")
