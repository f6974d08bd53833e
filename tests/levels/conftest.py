"""The levels desk: levels on in the default guild, level-ups heard (tests/kit/levels.py)."""

from __future__ import annotations

import pytest_asyncio

from tests.hearth_harness import Hearth
from tests.kit.levels import LevelsDesk, levels_desk


@pytest_asyncio.fixture(loop_scope="session")
async def levels(hearth: Hearth) -> LevelsDesk:
    """Levels switched on in the default guild."""
    return await levels_desk(hearth)
