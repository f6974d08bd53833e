"""utils/local_days.py: the cached day of a moment is the day `astimezone` gives, across midnights and DST changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from utils.local_days import LocalDays

# Lord Howe moves by 30 minutes; Havana's and Santiago's DST changes skip or repeat their midnight.
ZONES = ["UTC", "Europe/Paris", "America/New_York", "Australia/Lord_Howe", "America/Havana", "America/Santiago",
         "Asia/Kolkata", "Pacific/Chatham"]


@pytest.mark.parametrize("zone", ZONES)
def test_every_moment_of_a_year_gets_the_day_astimezone_gives(zone: str) -> None:
    days, tz = LocalDays(), ZoneInfo(zone)
    moment, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
    wrong = []
    while moment < end:
        if days.day(moment, zone) != moment.astimezone(tz).date():
            wrong.append(moment)
        moment += timedelta(minutes=17)
    assert wrong == []


def test_moments_out_of_order_and_zones_side_by_side() -> None:
    days = LocalDays()
    late = datetime(2026, 3, 29, 23, 30, tzinfo=UTC)  # Paris: already the 30th; New York: still the 29th
    assert days.day(late, "Europe/Paris").day == 30 and days.day(late, "America/New_York").day == 29
    assert days.day(late - timedelta(hours=2), "Europe/Paris").day == 29  # back in time: not the cached day
    assert days.day(late, "Europe/Paris").day == 30
