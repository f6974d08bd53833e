"""Fixtures of the growth tests: Hearth with AI configured against the LLM stand-in (helpers in
tests/kit/growth.py)."""

from __future__ import annotations

import pytest_asyncio

from tests.hearth_harness import Hearth
from tests.llm_standin import LLMStandIn


@pytest_asyncio.fixture(loop_scope="session")
async def ai(hearth: Hearth, llm: LLMStandIn) -> Hearth:
    """The hearth fixture, restarted with OPENAI_API_KEY and OPENAI_BASE_URL pointing at the stand-in."""
    await hearth.connect_llm(llm)
    return hearth
