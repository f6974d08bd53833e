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
  collected in `person.problems`; `site` fails the test at teardown if any were seen. These pieces live in
  kit.py, shared with the screenshot script (tools/dashboard_screenshots.py).
- Everything runs on the session event loop, the `hearth` fixture's (pytest-asyncio, loop_scope="session").
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from playwright.async_api import Browser, async_playwright

from tests.browser.kit import CHROMIUM, Site, launch_chromium, start_dashboard
from tests.hearth_harness import Hearth
from tests.kit.ci_tools import missing_tool


@pytest_asyncio.fixture(loop_scope="session", scope="session")
async def chromium() -> AsyncIterator[Browser]:
    """This test process's headless Chromium (Debian's), shared by its browser tests."""
    if not os.access(CHROMIUM, os.X_OK):
        missing_tool(f"{CHROMIUM} is not installed (Debian: apt-get install chromium), so the dashboard is not "
                     "tested in a real browser")
    playwright = await async_playwright().start()
    try:
        browser = await launch_chromium(playwright)
        yield browser
        await browser.close()
    finally:
        await playwright.stop()


@pytest.fixture(autouse=True)
def _chromium_first(chromium: Browser) -> None:
    """Every browser test needs Chromium: its absence skips (or, in CI, fails) before the bot is started."""


@pytest_asyncio.fixture(loop_scope="session")
async def site(hearth: Hearth, chromium: Browser) -> AsyncIterator[Site]:
    """The dashboard at a real port, and people's browsers on it; fails on any console error or CSP violation."""
    dashboard = Site(hearth, chromium, await start_dashboard(hearth))
    yield dashboard
    problems = await dashboard.close()
    if problems:
        pytest.fail("The browser reported problems:\n" + "\n".join(problems), pytrace=False)
