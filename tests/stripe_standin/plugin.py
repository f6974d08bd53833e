"""pytest fixture: register with `pytest_plugins = ["tests.stripe_standin.plugin"]`
(or run pytest with `-p tests.stripe_standin.plugin`).

`stripe_api` yields a started `StripeStandIn`; a test fails at teardown if the code under test called a route
the stand-in does not implement.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from tests.stripe_standin.server import StripeStandIn


@pytest_asyncio.fixture(loop_scope="session")
async def stripe_api() -> AsyncIterator[StripeStandIn]:
    """A running Stripe API stand-in for this test."""
    server = await StripeStandIn().start()
    try:
        yield server
    finally:
        await server.close()
    if server.unimplemented:
        pytest.fail("Stripe stand-in: unimplemented routes called: " + ", ".join(server.unimplemented), pytrace=False)
