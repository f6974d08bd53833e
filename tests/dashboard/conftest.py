"""The dashboard under test: the bot's HTTP API with the dashboard on, its OAuth2 client registered in the Discord
stand-in, and a browser-like httpx client per person (its own cookie jar) that logs in as the stand-in's users."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import pytest_asyncio

from tests.hearth_harness import Hearth
from tests.kit.premium import STRIPE_SETTINGS
from tests.standin.models import Member
from tests.stripe_standin import StripeStandIn

BASE = "http://dashboard.test"
CLIENT_ID = "700000000000000001"
SECRET = "dashboard-client-secret"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def dashboard_settings(hearth: Hearth, base: str = BASE) -> dict[str, Any]:
    """Bot settings with the dashboard on, pointed at the stand-in's OAuth2."""
    return {"api_enabled": True, "api_port": 0, "dashboard_enabled": True, "public_url": base,
            "discord_client_id": CLIENT_ID, "discord_client_secret": SECRET,
            "discord_api_base": f"{hearth.discord.world.base_url}/api/v10"}


@dataclass
class Browser:
    """One person's browser: an httpx client with its own cookies."""

    hearth: Hearth
    client: httpx.AsyncClient
    last_page: str = ""
    history: list[str] = field(default_factory=list)

    async def start_login(self) -> str:
        """Click "Log in with Discord": the authorize URL the dashboard sends the browser to."""
        answer = await self.client.get("/dashboard/login")
        assert answer.status_code == 303, answer.text
        return answer.headers["location"]

    async def follow(self, redirect: str) -> httpx.Response:
        """Go to a URL on the dashboard's public base (as the browser does after Discord's redirect)."""
        assert redirect.startswith(BASE) or redirect.startswith("https://"), redirect
        parts = urllib.parse.urlsplit(redirect)
        return await self.client.get(f"{parts.path}?{parts.query}")

    async def login(self, user: Member) -> httpx.Response:
        """The whole login: authorize, approve on Discord, back to the callback."""
        authorize = await self.start_login()
        redirect = self.hearth.discord.world.oauth2.approve(authorize, user)
        self.history.append(redirect)
        return await self.follow(redirect)

    async def get(self, path: str) -> httpx.Response:
        """A page (its CSRF token remembered for the next form)."""
        answer = await self.client.get(path)
        self.last_page = answer.text
        return answer

    def csrf(self) -> str:
        """The CSRF token of the last page's forms."""
        found = CSRF.search(self.last_page)
        assert found is not None, "the page has no form with a CSRF token"
        return found.group(1)

    async def post(self, path: str, data: dict[str, Any]) -> httpx.Response:
        """Submit a form."""
        return await self.client.post(path, data=data)


async def _served(hearth: Hearth, **extra: Any) -> AsyncIterator[Callable[[], Browser]]:
    """Restart the bot with the dashboard on (and `extra` settings); yields an opener of new browsers."""
    await hearth.restart(**dashboard_settings(hearth), **extra)
    hearth.discord.world.oauth2.add_client(CLIENT_ID, SECRET, [f"{BASE}/dashboard/callback"])
    clients: list[httpx.AsyncClient] = []

    def browser() -> Browser:
        client = httpx.AsyncClient(base_url=f"http://127.0.0.1:{hearth.bot.api.port}")
        clients.append(client)
        return Browser(hearth, client)

    yield browser
    for client in clients:
        await client.aclose()


@pytest_asyncio.fixture(loop_scope="session")
async def dashboard(hearth: Hearth) -> AsyncIterator[Callable[[], Browser]]:
    """Restart the bot with the dashboard on; the fixture's value opens a new browser."""
    async for opener in _served(hearth):
        yield opener


@pytest_asyncio.fixture(loop_scope="session")
async def stripe_dashboard(hearth: Hearth, stripe_api: StripeStandIn,
                           monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Callable[[], Browser]]:
    """The dashboard with Stripe configured (the Stripe stand-in as its API): premium's billing portal works."""
    monkeypatch.setenv("STRIPE_API_BASE", stripe_api.base_url)
    stripe_api.clock = hearth.clock.now
    async for opener in _served(hearth, **STRIPE_SETTINGS):
        yield opener
