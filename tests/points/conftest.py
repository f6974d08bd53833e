"""Fixtures of the points tests: the points desk (tests/kit/points.py)."""

from __future__ import annotations

import pytest

from tests.hearth_harness import Hearth
from tests.kit.points import PointsDesk, points_desk


@pytest.fixture
async def desk(hearth: Hearth) -> PointsDesk:
    """The default guild with #shop-requests as the points log, a VIP role, the clock a month on."""
    return await points_desk(hearth)
