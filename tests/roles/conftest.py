"""Fixtures of the roles tests: the roles desk (tests/kit/roles.py)."""

from __future__ import annotations

import pytest_asyncio

from tests.hearth_harness import Hearth
from tests.kit.roles import RolesDesk, roles_desk


@pytest_asyncio.fixture(loop_scope="session")
async def desk(hearth: Hearth) -> RolesDesk:
    return await roles_desk(hearth)
