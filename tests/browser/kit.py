"""The pieces of a browser session on the dashboard, shared by the browser tests (tests/browser/conftest.py) and the
screenshot script (tools/dashboard_screenshots.py): Debian's Chromium and its flags, the dashboard started at a
real localhost port with its OAuth2 client registered in the Discord stand-in, and a person at their own browser
who logs in through the stand-in's consent page, their page's console errors and CSP violations collected.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from pathlib import Path

from playwright.async_api import Browser, BrowserContext, ConsoleMessage, Page, Playwright

from tests.dashboard.conftest import CLIENT_ID, SECRET, dashboard_settings
from tests.hearth_harness import Hearth
from tests.standin.models import Member
from tests.standin.oauth2 import SIGNED_IN_COOKIE

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DESKTOP = {"width": 1280, "height": 900}
TIMEOUT_MS = 15_000  # a page that never comes is a failure, not a hang
PHONE = {"width": 390, "height": 844}



async def launch_chromium(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless, with no background traffic (no sync, updates or QUIC probes)."""
    return await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


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
        """Log in as a person does: the login button, Discord's consent page, Authorize, back to the dashboard (the
        consent page only the first time: the dashboard asks with prompt=none)."""
        await self.open("/dashboard/")
        oauth2 = self.site.hearth.discord.world.oauth2
        approved_before = (self.member.user.id, CLIENT_ID) in oauth2.authorized
        await self.page.get_by_role("link", name="Log in with Discord").click()
        if approved_before:  # the dashboard asks with prompt=none: Discord sends the browser straight back
            await self.page.wait_for_url(f"{self.site.base}/dashboard/")
            return
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


