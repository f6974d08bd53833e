"""The announcements desk (tests/kit/announcements.py)."""

from __future__ import annotations

import pytest_asyncio

from tests.hearth_harness import Hearth
from tests.kit.announcements import AnnounceDesk, announce_desk


@pytest_asyncio.fixture(loop_scope="session")
async def desk(hearth: Hearth) -> AnnounceDesk:
    """Announcements set up in the default guild."""
    return await announce_desk(hearth)
