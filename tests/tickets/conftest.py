"""Fixtures of the tickets tests: the support desk, without and with AI (tests/kit/tickets.py builds it)."""

from __future__ import annotations

import pytest_asyncio

from tests.hearth_harness import Hearth
from tests.kit.tickets import TicketDesk, ticket_desk
from tests.llm_standin import LLMStandIn


@pytest_asyncio.fixture(loop_scope="session")
async def desk(hearth: Hearth) -> TicketDesk:
    """The desk without AI."""
    return await ticket_desk(hearth)


@pytest_asyncio.fixture(loop_scope="session")
async def ai_desk(hearth: Hearth, llm: LLMStandIn) -> TicketDesk:
    """The desk with AI configured against the LLM stand-in."""
    await hearth.connect_llm(llm)
    return await ticket_desk(hearth)
