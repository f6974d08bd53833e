"""Screenshots of every dashboard page for docs/dashboard.md: `python -m tools.dashboard_screenshots`.

Starts Hearth against the Discord stand-in (no real Discord; the test harness's pieces: tests/standin, the bot
factory of tests/hearth_harness.py, the browser kit of tests/browser/kit.py) on a fresh database of the
benchmarks' embedded PostgreSQL (benchmarks/bench_db.py), adds a sample server with a few changes made through
the slash commands, logs in through the stand-in's consent page in Debian's Chromium (/usr/bin/chromium) and
saves viewport screenshots into docs/images/:

- `dashboard-login.png` (logged out), `dashboard-servers.png` (the server list);
- `dashboard-<path>.png` for every entry of `SECTIONS` (cogs/dashboard/pages.py): a page added there is shot too;
- `dashboard-settings-phone.png`: the settings page at a phone's width (390 px).

Options: `--out DIR` (default docs/images). Exits 2 when Chromium is missing, 1 when a page did not answer 200
or its console reported an error (a CSP violation among them).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from playwright.async_api import async_playwright

from benchmarks.bench_db import bench_server
from cogs.dashboard.pages import SECTIONS
from core.db import Database
from tests.browser.kit import CHROMIUM, DESKTOP, PHONE, Person, Site, launch_chromium, start_dashboard
from tests.hearth_harness import Hearth, bot_factory
from tests.standin import StandIn
from tests.standin.plugin import DefaultGuild, build_default_guild
from utils.clock import ManualClock

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "images"
START = datetime(2026, 12, 6, 18, 30, tzinfo=UTC)
DATABASE = "hearth_screenshots"


async def sample_changes(hearth: Hearth) -> None:
    """A server an admin has been using for a while: settings changed with /config set (history, audit log)."""
    d, g = hearth.discord, hearth.guild
    logs = g.guild.add_text_channel("bot-log", category=g.category)
    g.guild.add_text_channel("announcements", category=g.category)
    g.guild.add_role("Regulars", [])
    await d.settle()
    changes = [("system", "timezone", {"value": "Europe/Amsterdam"}),
               ("system", "log_channel", {"channel": logs}),
               ("levels", "cooldown", {"value": "90s"}),
               ("system", "timezone", {"value": "Europe/Paris"})]
    for scope, key, option in changes:
        await d.slash("config set", user=g.admin, guild=g.guild, options={"scope": scope, "key": key, **option})
        hearth.clock.advance(minutes=17)
    await d.slash("config get", user=g.owner, guild=g.guild, scope="system", key="timezone")


async def shoot(person: Person, path: str, name: str, out: Path) -> Path:
    """Open `path` and save the viewport as docs/images/dashboard-<name>.png (a page that does not answer 200 is
    shot anyway, and reported as a problem)."""
    answer = await person.page.goto(person.url(path))
    if answer is None or answer.status != 200:
        person.problems.append(f"{path} answered {answer.status if answer else 'nothing'}")
    target = out / f"dashboard-{name}.png"
    await person.page.screenshot(path=str(target), full_page=False)
    return target


async def screenshots(hearth: Hearth, base: str, out: Path) -> tuple[list[Path], list[str]]:
    """Every page's screenshot, and the problems the browser reported."""
    guild_id = hearth.guild.guild.id
    saved: list[Path] = []
    async with async_playwright() as playwright:
        chromium = await launch_chromium(playwright)
        site = Site(hearth, chromium, base)
        desk = await site.person(hearth.guild.admin, viewport=DESKTOP)
        saved.append(await shoot(desk, "/dashboard/", "login", out))
        await desk.login()
        saved.append(await shoot(desk, "/dashboard/", "servers", out))
        for path, _label in SECTIONS:
            saved.append(await shoot(desk, f"/dashboard/{guild_id}/{path}", path, out))
        phone = await site.person(hearth.guild.admin, viewport=PHONE)
        await phone.login()
        saved.append(await shoot(phone, f"/dashboard/{guild_id}/settings", "settings-phone", out))
        problems = await site.close()
        await chromium.close()
    return saved, problems


async def run(out: Path) -> int:
    """Start everything, take the screenshots, stop everything; the exit status."""
    async with bench_server() as fresh_database, StandIn() as discord:
        url = await fresh_database(DATABASE)
        database = Database(url, max_connections=4)
        guild: DefaultGuild = build_default_guild(discord, "Cozy Corner")
        guild.admin.user.global_name = "Alice"
        clock = ManualClock(START)
        discord.world.now = clock.now
        make = bot_factory(url, clock)
        bot = await discord.connect(make())
        hearth = Hearth(discord, guild, bot, clock, await database.create_pool("screenshots", 2), make)
        discord.busy_checks.append(lambda: "database busy" if hearth.bot.db.in_flight() else None)
        try:
            base = await start_dashboard(hearth)
            await sample_changes(hearth)
            saved, problems = await screenshots(hearth, base, out)
        finally:
            await discord.disconnect(hearth.bot)
            await database.close_all()
    for path in saved:
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {path.stat().st_size // 1024} KiB")
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    return 1 if problems else 0


def main() -> int:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help="where the PNG files go (default: docs/images)")
    args = parser.parse_args()
    if not os.access(CHROMIUM, os.X_OK):
        print(f"{CHROMIUM} is missing: apt-get install chromium (never `playwright install`)", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING)
    args.out.mkdir(parents=True, exist_ok=True)
    return asyncio.run(run(args.out.resolve()))


if __name__ == "__main__":
    sys.exit(main())
