"""Fixtures of the server log tests: the log desk (tests/kit/serverlogs.py)."""

from __future__ import annotations

import pytest

from tests.hearth_harness import Hearth
from tests.kit.serverlogs import LogsDesk, logs_desk


@pytest.fixture
async def desk(hearth: Hearth) -> LogsDesk:
    """Every kind of event logged to its own channel."""
    return await logs_desk(hearth)
