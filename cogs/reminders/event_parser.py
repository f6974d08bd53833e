"""Spotting an event announcement in a message: title, date and time, location — deterministically.

Recognised times: Discord timestamps (`<t:1767225600:F>`), ISO (`2026-12-24 19:00`, `2026-12-24T19:00`),
day-first dates (`24/12/2026 19:00`, `24.12.2026 19:00`) and written months (`24 December 2026 19:00`,
`Dec 24, 2026 at 7pm`, `December 24 7:30pm`). Times without a zone are read in the server's time zone.

`looks_like_announcement` is the cheap gate in front of the LLM: only a message the parser half-reads (a date,
a clock time or a day word without the rest), an embed or a link may be worth asking the LLM about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from utils.lazy_import import lazy_module

if TYPE_CHECKING:
    import dateparser
else:
    dateparser = lazy_module("dateparser")  # ~4 MiB resident: imported when an announcement is first parsed

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_CLOCK = r"\d{1,2}(?::\d{2}|h\d{2}|\.\d{2})?\s*(?:am|pm)?"
_PATTERNS = [
    re.compile(r"\b\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}\b"),
    re.compile(r"\b\d{1,2}[/.]\d{1,2}[/.]\d{4},?\s+(?:at\s+)?" + _CLOCK, re.I),
    re.compile(r"\b\d{1,2}(?:st|nd|rd|th)?\s+" + _MONTH + r"(?:\s+\d{4})?,?\s+(?:at\s+)?" + _CLOCK, re.I),
    re.compile(r"\b" + _MONTH + r"\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?,?\s+(?:at\s+)?" + _CLOCK, re.I),
]
_DISCORD_TS = re.compile(r"<t:(-?\d{1,12})(?::[tTdDfFR])?>")
_LOCATION_LINE = re.compile(r"(?:📍|\b(?:location|where|venue|place)\s*:)\s*(?P<place>[^\n]{1,200})", re.I)
_LOCATION_FIELDS = {"location", "where", "venue", "place", "📍"}
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)"
# What the parser half-reads: the pieces of a moment that `find_moment` needs, found on their own.
_HINTS = re.compile("|".join((
    _DISCORD_TS.pattern,
    r"\b(?:[01]?\d|2[0-3])[:h.][0-5]\d\b",                             # 20:00, 8h30, 7.30
    r"\b(?:1[0-2]|0?[1-9])\s*(?:am|pm)\b",                             # 7pm
    r"\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b|\b\d{1,2}\.\d{1,2}\.\d{2,4}\b",  # dates
    r"\b\d{1,2}(?:st|nd|rd|th)?\s+" + _MONTH + r"(?=\W|$)",                 # 12 June
    r"\b" + _MONTH + r"\s+\d{1,2}(?:st|nd|rd|th)?\b",                       # June 12th
    r"\b(?:tomorrow|tonight)\b",
    r"\b(?:next|this|coming|on|every)\s+(?:" + _WEEKDAY + r"|week(?:end)?|month)\b",  # next Friday, this weekend
    r"\b" + _WEEKDAY + r"\s+(?:at|from|evening|night|morning|afternoon)\b",  # Friday at …, Saturday evening
    r"\bin\s+\d+\s*(?:min(?:ute)?s?|h(?:ours?)?|days?|weeks?)\b",   # in 2 hours
)), re.I)
_LINK = re.compile(r"https?://\S", re.I)


@dataclass(frozen=True)
class SpottedEvent:
    """What an announcement says: a title, a moment (UTC) and maybe a place."""

    title: str
    at: datetime
    location: str | None


@dataclass(frozen=True)
class Announcement:
    """The text of a message, split as Discord shows it."""

    content: str
    embed_titles: list[str]
    embed_texts: list[str]  # descriptions and "name: value" of fields
    fields: dict[str, str]  # field name (lower case) → value, for locations


def find_moment(text: str, tz: ZoneInfo, now: datetime) -> datetime | None:
    """The first recognisable date and time in `text`, in UTC (a date without a year is the next one)."""
    if match := _DISCORD_TS.search(text):
        return datetime.fromtimestamp(int(match[1]), UTC)
    for pattern in _PATTERNS:
        if match := pattern.search(text):
            parsed = dateparser.parse(match[0].replace(" at ", " "), languages=["en"],
                                      settings={"DATE_ORDER": "DMY", "RETURN_AS_TIMEZONE_AWARE": False,
                                                "PREFER_DATES_FROM": "future",
                                                "RELATIVE_BASE": now.astimezone(tz).replace(tzinfo=None)})
            if parsed is not None:
                return parsed.replace(tzinfo=tz).astimezone(UTC)
    return None


def looks_like_announcement(announcement: Announcement) -> bool:
    """Whether a message may announce an event the parser could not read: it has an embed or a link, or the
    parser half-reads a date or time in it. Ordinary chat is not; this costs no I/O."""
    if announcement.embed_titles or announcement.embed_texts:
        return True
    text = announcement.content
    return bool(_LINK.search(text) or _HINTS.search(text))


def spot_event(announcement: Announcement, tz: ZoneInfo, now: datetime) -> SpottedEvent | None:
    """An upcoming event in the announcement, or None (no date and time found, or it is in the past)."""
    texts = [announcement.content, *announcement.embed_titles, *announcement.embed_texts]
    moment = next((m for text in texts if text and (m := find_moment(text, tz, now)) is not None), None)
    if moment is None or moment <= now:
        return None
    return SpottedEvent(title=_title(announcement), at=moment, location=_location(announcement, texts))


def _title(announcement: Announcement) -> str:
    if announcement.embed_titles and announcement.embed_titles[0].strip():
        title = announcement.embed_titles[0]
    else:
        title = next((line for line in announcement.content.splitlines() if line.strip()), "Event")
    cleaned = re.sub(r"[*_~`#>|]+", "", _DISCORD_TS.sub("", title)).strip(" -–:")
    return (cleaned or "Event")[:100]


def _location(announcement: Announcement, texts: list[str]) -> str | None:
    for name, value in announcement.fields.items():
        if name.strip(" :").lower() in _LOCATION_FIELDS and value.strip():
            return value.strip()[:200]
    for text in texts:
        if match := _LOCATION_LINE.search(text or ""):
            return match["place"].strip()[:200]
    return None
