"""Durations in words for people: 90061 seconds → "1d 1h 1m 1s"."""

from __future__ import annotations

UNITS = (("d", 86400), ("h", 3600), ("m", 60), ("s", 1))


def format_duration(seconds: int, *, sep: str = " ") -> str:
    """`seconds` as days, hours, minutes and seconds, leaving out the zero ones (90061 → "1d 1h 1m 1s"; with
    `sep=""`, "1d1h1m1s", the form automod stores in its log); "0s" for nothing."""
    parts = []
    for unit, size in UNITS:
        amount, seconds = divmod(seconds, size)
        if amount:
            parts.append(f"{amount}{unit}")
    return sep.join(parts) or "0s"
