"""The dashboard in a real browser: Debian's Chromium driven by Playwright (async API), against the bot's HTTP API
on a real localhost port and the Discord stand-in's OAuth2 consent page.

- `chromium` (session): one headless Chromium per test process (each xdist worker launches its own), started from
  `/usr/bin/chromium` (`apt-get install chromium`; never `playwright install`, which downloads a browser from a
  host these machines cannot reach). Without it the tests SKIP saying so, and FAIL when `CI` is set
  (tests/kit/ci_tools.py, as the PgBouncer tests do), since `.ci/run` installs it.
- `site` (per test): the bot restarted with the dashboard on, at `http://127.0.0.1:<port>` (the public URL the
  OAuth2 redirect goes to must be the one the browser reaches), its OAuth2 client registered in the stand-in.
  `await site.person(member)` opens a fresh browser context (its own cookies) signed in to Discord as that
  member; `await person.login()` clicks through /dashboard/login → the stand-in's consent page → Authorize →
  /dashboard/callback. Every page's console errors (CSP violations among them) and uncaught page errors are
  collected in `person.problems`; `site` fails the test at teardown if any were seen.
- Everything runs on the session event loop, the `hearth` fixture's (pytest-asyncio, loop_scope="session").
"""

from __future__ import annotations

import os
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, ConsoleMessage, Page, async_playwright

from tests.dashboard.conftest import CLIENT_ID, SECRET, dashboard_settings
from tests.hearth_harness import Hearth
from tests.kit.ci_tools import missing_tool
from tests.standin.models import Member
from tests.standin.oauth2 import SIGNED_IN_COOKIE

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DESKTOP = {"width": 1280, "height": 900}
TIMEOUT_MS = 15_000  # a page that never comes is a failure, not a hang


@pytest_asyncio.fixture(loop_scope="session", scope="session")
async def chromium() -> AsyncIterator[Browser]:
    """This test process's headless Chromium (Debian's), shared by its browser tests."""
    if not os.access(CHROMIUM, os.X_OK):
        missing_tool(f"{CHROMIUM} is not installed (Debian: apt-get install chromium), so the dashboard is not "
                     "tested in a real browser")
    playwright = await async_playwright().start()
    try:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        await browser.close()
    finally:
        await playwright.stop()


def free_port() -> int:
    """A port of 127.0.0.1 nobody listens on now (for the bot's HTTP API, whose URL must be known up front)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Person:
    """Someone at their own browser (a fresh context: own cookies), signed in to Discord as `member`."""

    site: Site
    member: Member
    context: BrowserContext
    page: Page
    problems: list[str] = field(default_factory=list)  # console errors, CSP violations, uncaught page errors
    refusals: set[str] = field(default_factory=set)  # URLs the test expects to be refused (4xx): not a problem

    def url(self, path: str) -> str:
        """A dashboard path as an absolute URL."""
        return f"{self.site.base}{path}"

    async def open(self, path: str, *, status: int = 200) -> None:
        """Go to a dashboard path, which must answer `status` (a refusal's console line is then expected)."""
        if status >= 400:
            self.refusals.add(self.url(path))
        answer = await self.page.goto(self.url(path))
        assert answer is not None and answer.status == status, (path, answer and answer.status)

    def expect_refusal(self, path: str) -> None:
        """The next load of `path` (a form's POST) is expected to be refused: its console line is no problem."""
        self.refusals.add(self.url(path))

    async def login(self) -> None:
        """Log in as a person does: the login button, Discord's consent page, Authorize, back to the dashboard."""
        await self.open("/dashboard/")
        await self.page.get_by_role("link", name="Log in with Discord").click()
        await self.page.wait_for_url(f"{self.site.hearth.discord.world.base_url}/**")
        assert "wants to access your account" in await self.page.inner_text("h1")
        shown = self.member.user.global_name or self.member.user.username
        assert await self.page.inner_text("#signed-in") == shown
        await self.page.get_by_role("button", name="Authorize").click()
        await self.page.wait_for_url(f"{self.site.base}/dashboard/")

    async def text(self) -> str:
        """What the page shows (the body's rendered text)."""
        return await self.page.inner_text("body")


@dataclass
class Site:
    """The dashboard under test, at a real address the browser reaches."""

    hearth: Hearth
    chromium: Browser
    base: str
    people: list[Person] = field(default_factory=list)

    async def person(self, member: Member, *, viewport: dict[str, int] | None = None) -> Person:
        """A fresh browser context signed in to Discord as `member` (not yet logged in to the dashboard)."""
        context = await self.chromium.new_context(viewport=viewport or DESKTOP)  # type: ignore[arg-type]
        context.set_default_timeout(TIMEOUT_MS)
        await context.add_cookies([{"name": SIGNED_IN_COOKIE, "url": self.hearth.discord.world.base_url,
                                    "value": self.hearth.discord.world.oauth2.sign_in(member)}])
        page = await context.new_page()
        person = Person(self, member, context, page)

        def console(message: ConsoleMessage) -> None:
            where = message.location.get("url") or page.url
            refused = where in person.refusals and message.text.startswith("Failed to load resource")
            if message.type == "error" and not refused:
                person.problems.append(f"console error on {page.url} ({where}): {message.text}")

        page.on("console", console)
        page.on("pageerror", lambda error: person.problems.append(f"page error on {page.url}: {error}"))
        self.people.append(person)
        return person

    async def close(self) -> list[str]:
        """Close every context; the problems their pages reported."""
        problems = [problem for person in self.people for problem in person.problems]
        for person in self.people:
            await person.context.close()
        return problems


async def start_dashboard(hearth: Hearth) -> str:
    """Restart the bot with the dashboard on at a free localhost port, its client registered in the stand-in;
    the dashboard's base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    await hearth.restart(**(dashboard_settings(hearth, base) | {"api_port": port}))
    hearth.discord.world.oauth2.add_client(CLIENT_ID, SECRET, [f"{base}/dashboard/callback"])
    return base


@pytest_asyncio.fixture(loop_scope="session")
async def site(hearth: Hearth, chromium: Browser) -> AsyncIterator[Site]:
    """The dashboard at a real port, and people's browsers on it; fails on any console error or CSP violation."""
    dashboard = Site(hearth, chromium, await start_dashboard(hearth))
    yield dashboard
    problems = await dashboard.close()
    if problems:
        pytest.fail("The browser reported problems:\n" + "\n".join(problems), pytrace=False)
