"""Fixtures for the stand-in self-tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from tests.standin import StandIn
from tests.standin.plugin import DefaultGuild, default_guild, standin  # noqa: F401 - fixtures

from .selftest_bot import SelfTestBot


@pytest_asyncio.fixture(loop_scope="session")
async def bot(standin: StandIn, default_guild: DefaultGuild) -> AsyncIterator[SelfTestBot]:  # noqa: F811
    """The self-test bot, connected to ``standin`` with the default guild."""
    instance = SelfTestBot()
    await standin.connect(instance)
    yield instance
    await standin.disconnect(instance)
