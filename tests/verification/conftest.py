"""Fixtures of the verification tests: the verification desk (tests/kit/verification.py builds it)."""

from __future__ import annotations

import pytest_asyncio

from tests.hearth_harness import Hearth
from tests.kit.verification import VerificationDesk, verification_desk
from tests.llm_standin import LLMStandIn


@pytest_asyncio.fixture(loop_scope="session")
async def desk(hearth: Hearth, llm: LLMStandIn) -> VerificationDesk:
    return await verification_desk(hearth, llm)
