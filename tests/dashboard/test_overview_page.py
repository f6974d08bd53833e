"""The overview page and `GET /api/v1/guilds/{id}/stats`: the last 30 days per UTC day, drawn as inline SVG bars
whose titles carry the figures, and the same series as JSON."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx

from tests.dashboard.conftest import BASE, CLIENT_ID, SECRET, Browser, dashboard_settings
from tests.dashboard.insight_kit import OTHER_GUILD, manager_browser, read_key
from tests.hearth_harness import Hearth
from tests.kit.automod import Automod
from tests.kit.tickets import open_ticket, ticket_desk


def bar_titles(page: str, key: str) -> list[str]:
    """The titles of one chart's bars, oldest first."""
    chart = page.split(f'id="chart-{key}"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<g class="bar">\s*<title>([^<]*)</title>', chart)


async def test_commands_messages_joins_and_leaves_are_drawn_and_served_as_json(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    audit = hearth.bot.get_cog("Audit")
    today = hearth.clock.now().date()
    hearth.clock.advance(days=-2)
    audit.record(guild_id=g.guild.id, user_id=g.member.id, name="tag get", kind="slash", success=True)
    hearth.clock.advance(days=2)
    for _ in range(3):
        audit.record(guild_id=g.guild.id, user_id=g.member.id, name="tag get", kind="slash", success=True)
    audit.record(guild_id=g.guild.id + 1, user_id=g.member.id, name="tag get", kind="slash", success=True)
    for text in ("hello", "how are you", "fine"):
        await hearth.discord.say(g.general, g.member, text)
    newcomer = await hearth.discord.member_join(g.guild, "newcomer")
    await hearth.discord.member_join(g.guild, "second")
    await hearth.discord.member_leave(g.guild, newcomer)
    browser = await manager_browser(hearth, dashboard)
    page = await browser.get(f"/dashboard/{g.guild.id}/overview")
    assert page.status_code == 200, page.text
    commands = bar_titles(page.text, "commands")
    assert len(commands) == 30
    assert commands[-1] == f"{today.isoformat()}: 3 commands"
    assert commands[-3] == f"{(today - timedelta(days=2)).isoformat()}: 1 command"
    assert commands[0].endswith(": 0 commands")
    assert bar_titles(page.text, "messages")[-1] == f"{today.isoformat()}: 3 messages"
    assert bar_titles(page.text, "joins")[-1] == f"{today.isoformat()}: 2 members joined"
    assert bar_titles(page.text, "leaves")[-1] == f"{today.isoformat()}: 1 member left"
    assert "Tickets open now: <strong id=\"open-tickets\">0</strong>" in page.text
    assert "<script" not in page.text and "style=" not in page.text  # the CSP allows neither
    assert page.headers["content-security-policy"].startswith("default-src 'none'; style-src 'self'")
    assert 'href="/dashboard/' + str(g.guild.id) + '/overview" aria-current="page"' in page.text

    headers = await read_key(hearth)
    answer = await browser.client.get(f"/api/v1/guilds/{g.guild.id}/stats?days=30", headers=headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["guild_id"] == str(g.guild.id) and len(body["days"]) == 30 and body["days"][-1] == today.isoformat()
    # the three, and /config api_key create that made the key
    assert body["series"]["commands"][-1] == 4 and body["series"]["commands"][-3] == 1
    assert sum(body["series"]["commands"]) == 5
    assert (body["series"]["messages"][-1], body["series"]["joins"][-1], body["series"]["leaves"][-1]) == (3, 2, 1)
    assert body["open_tickets"] == 0 and body["series"]["automod_actions"] == [0] * 30
    short = await browser.client.get(f"/api/v1/guilds/{g.guild.id}/stats?days=7", headers=headers)
    assert len(short.json()["days"]) == 7
    assert (await browser.client.get(f"/api/v1/guilds/{g.guild.id}/stats?days=91", headers=headers)).status_code \
        == 422
    other = await browser.client.get(f"/api/v1/guilds/{OTHER_GUILD}/stats", headers=headers)
    assert other.status_code == 403
    assert (await browser.client.get(f"/api/v1/guilds/{g.guild.id}/stats")).status_code == 401
    rows = await hearth.db.fetch("SELECT day, messages, joins, leaves FROM guild_daily_stats WHERE guild_id = $1",
                                 g.guild.id)
    assert [(r["day"], r["messages"], r["joins"], r["leaves"]) for r in rows] == [(today, 3, 2, 1)]


async def test_nothing_is_counted_while_the_stats_module_is_off(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    off = await hearth.discord.slash("config modules", user=g.admin, guild=g.guild, module="stats", on=False)
    assert "off" in off.text, off.text
    await hearth.discord.say(g.general, g.member, "not counted")
    await hearth.discord.member_join(g.guild, "unseen")
    browser = await manager_browser(hearth, dashboard)
    page = await browser.get(f"/dashboard/{g.guild.id}/overview")
    assert "The Server stats module is off on this server" in page.text
    assert bar_titles(page.text, "messages")[-1].endswith(": 0 messages")
    assert await hearth.db.fetchval("SELECT count(*) FROM guild_daily_stats") == 0


async def test_only_managers_see_the_overview(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    member = dashboard()
    await member.login(g.member)
    refused = await member.get(f"/dashboard/{g.guild.id}/overview")
    assert refused.status_code == 403 and "chart-" not in refused.text
    assert (await dashboard().get(f"/dashboard/{g.guild.id}/overview")).status_code == 401
    admin = await manager_browser(hearth, dashboard)
    index = await admin.get("/dashboard/")
    assert f'href="/dashboard/{g.guild.id}/overview"' in index.text


async def test_tickets_open_now_opened_per_day_and_automod_actions(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    desk = await ticket_desk(hearth)
    await open_ticket(desk)
    await open_ticket(desk, desk.staff, "Second problem with the bot")
    logs = g.guild.add_text_channel("mod-log")
    await hearth.discord.settle()
    automod = Automod(hearth, logs)
    action = await automod.action("delete")
    await automod.rule("Bad word", "content", words="badword", action=action)
    await hearth.discord.say(g.general, g.member, "a badword here")
    await hearth.discord.say(g.general, g.member, "badword again")
    today = hearth.clock.now().date().isoformat()
    browser = await manager_browser(hearth, dashboard)
    page = await browser.get(f"/dashboard/{g.guild.id}/overview")
    assert "Tickets open now: <strong id=\"open-tickets\">2</strong>" in page.text
    assert bar_titles(page.text, "tickets_opened")[-1] == f"{today}: 2 tickets opened"
    assert bar_titles(page.text, "automod_actions")[-1] == f"{today}: 2 automod actions"
    assert bar_titles(page.text, "messages")[-1] == f"{today}: 2 messages"  # deleted by automod, still sent


async def test_a_feature_that_is_not_loaded_is_not_recorded_rather_than_zero(hearth: Hearth) -> None:
    await hearth.restart(cogs=["config", "api", "dashboard", "insight"], **dashboard_settings(hearth))
    hearth.discord.world.oauth2.add_client(CLIENT_ID, SECRET, [f"{BASE}/dashboard/callback"])
    g = hearth.guild
    await hearth.discord.say(g.general, g.member, "counted")
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{hearth.bot.api.port}") as client:
        browser = Browser(hearth, client)
        await browser.login(g.admin)
        page = await browser.get(f"/dashboard/{g.guild.id}/overview")
        assert page.status_code == 200, page.text
        assert "Not recorded on this bot (the feature is not loaded): Commands used, Tickets opened, Automod " \
               "actions." in page.text
        assert 'id="chart-commands"' not in page.text and "not recorded</strong>" in page.text
        assert bar_titles(page.text, "messages")[-1].endswith(": 1 message")
        headers = await read_key(hearth)
        body = (await client.get(f"/api/v1/guilds/{g.guild.id}/stats", headers=headers)).json()
        assert body["series"]["commands"] is None and body["series"]["tickets_opened"] is None
        assert body["series"]["automod_actions"] is None and body["open_tickets"] is None
        assert body["series"]["messages"][-1] == 1
