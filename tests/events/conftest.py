"""The `events` fixture: the default guild with the events cog, as `EventsDesk`."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.hearth_harness import Hearth
from tests.kit.events import EventsDesk

START = datetime(2026, 6, 1, 10, tzinfo=UTC)  # a Monday


@pytest.fixture
def events(hearth: Hearth) -> EventsDesk:
    """Events in the default guild, the clock at `START`."""
    hearth.clock.set(START)
    return EventsDesk(hearth)
