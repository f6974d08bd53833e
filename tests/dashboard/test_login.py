"""Logging in with Discord: the state binds the login to the browser, codes are single-use, the access token is
dropped, the session lives server-side (its id stored hashed) behind a HttpOnly, SameSite=Lax cookie, and logout
ends it."""

from __future__ import annotations

import hashlib
import urllib.parse
from datetime import timedelta

import httpx

from tests.dashboard.conftest import BASE, CLIENT_ID, SECRET, dashboard_settings
from tests.hearth_harness import Hearth


def _cookie_header(response: httpx.Response, name: str) -> str:
    found = [value for value in response.headers.get_list("set-cookie") if value.startswith(f"{name}=")]
    assert len(found) == 1, response.headers.get_list("set-cookie")
    return found[0]


async def test_full_login_round_trip(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    browser = dashboard()
    first = await browser.get("/dashboard/")
    assert first.status_code == 200 and 'href="/dashboard/login"' in first.text
    authorize = await browser.start_login()
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(authorize).query))
    assert authorize.startswith(f"{hearth.discord.world.base_url}/api/v10/oauth2/authorize?")
    assert query["scope"] == "identify guilds" and query["client_id"] == CLIENT_ID
    assert query["redirect_uri"] == f"{BASE}/dashboard/callback" and len(query["state"]) >= 40
    callback = await browser.follow(hearth.discord.world.oauth2.approve(authorize, g.admin))
    assert callback.status_code == 303 and callback.headers["location"] == "/dashboard/"
    cookie = _cookie_header(callback, "hearth_session")
    flags = [part.strip().lower() for part in cookie.split(";")]
    assert {"httponly", "samesite=lax", "path=/dashboard", f"max-age={7 * 24 * 3600}"} <= set(flags)
    assert "secure" not in flags  # served over http here
    assert 'hearth_login_state=""' in " ".join(callback.headers.get_list("set-cookie"))  # the state is spent
    # The client authenticated with its secret (HTTP Basic), the form carried the same redirect_uri.
    exchange = hearth.discord.world.oauth2.exchanges[-1]
    assert exchange["redirect_uri"] == f"{BASE}/dashboard/callback" and SECRET not in exchange.values()
    session_id = browser.client.cookies["hearth_session"]
    rows = await hearth.db.fetch("SELECT * FROM dashboard_sessions")
    assert len(rows) == 1
    row = rows[0]
    assert row["id_hash"] == hashlib.sha256(session_id.encode()).hexdigest() and row["user_id"] == g.admin.id
    assert row["user_name"] == "alice" and row["expires_at"] == hearth.clock.now() + timedelta(days=7)
    # No access token is kept anywhere in the row.
    tokens = set(hearth.discord.world.oauth2.tokens)
    assert tokens and not any(token in str(value) for token in tokens for value in dict(row).values())
    home = await browser.get("/dashboard/")
    assert home.status_code == 200 and "alice" in home.text and f'/dashboard/{g.guild.id}/overview' in home.text


async def test_a_state_that_is_not_this_browsers_is_refused(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    victim, attacker = dashboard(), dashboard()
    authorize = await attacker.start_login()
    redirect = hearth.discord.world.oauth2.approve(authorize, g.admin)
    # The victim is sent the attacker's callback URL (login CSRF): their browser never started this login.
    refused = await victim.follow(redirect)
    assert refused.status_code == 400 and "did not start in this browser" in refused.text
    # A tampered state in the right browser is refused too.
    own = await victim.start_login()
    approved = hearth.discord.world.oauth2.approve(own, g.admin)
    tampered = approved.replace("state=", "state=x")
    assert (await victim.follow(tampered)).status_code == 400
    assert await hearth.db.fetchval("SELECT count(*) FROM dashboard_sessions") == 0
    assert "hearth_session" not in victim.client.cookies


async def test_a_login_state_expires_after_ten_minutes(hearth: Hearth, dashboard) -> None:
    browser = dashboard()
    authorize = await browser.start_login()
    redirect = hearth.discord.world.oauth2.approve(authorize, hearth.guild.admin)
    hearth.clock.advance(minutes=11)
    late = await browser.follow(redirect)
    assert late.status_code == 400 and "10 minutes" in late.text


async def test_a_code_used_twice_is_refused(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    browser = dashboard()
    authorize = await browser.start_login()
    redirect = hearth.discord.world.oauth2.approve(authorize, g.admin)
    assert (await browser.follow(redirect)).status_code == 303
    code = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(redirect).query))["code"]
    # A new login in the same browser (valid state) replaying the old code: Discord refuses it, so does Hearth.
    state = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(await browser.start_login()).query))["state"]
    replay = await browser.client.get("/dashboard/callback", params={"code": code, "state": state})
    assert replay.status_code == 400 and "already used or has expired" in replay.text
    assert await hearth.db.fetchval("SELECT count(*) FROM dashboard_sessions") == 1


async def test_a_cancelled_login_starts_no_session(hearth: Hearth, dashboard) -> None:
    browser = dashboard()
    denied = hearth.discord.world.oauth2.deny(await browser.start_login())
    answer = await browser.follow(denied)
    assert answer.status_code == 400 and "cancelled" in answer.text
    assert await hearth.db.fetchval("SELECT count(*) FROM dashboard_sessions") == 0


async def test_logout_needs_the_csrf_token_and_ends_the_session(hearth: Hearth, dashboard) -> None:
    browser = dashboard()
    await browser.login(hearth.guild.admin)
    session_id = browser.client.cookies["hearth_session"]
    await browser.get("/dashboard/")
    forged = await browser.post("/dashboard/logout", {})
    assert forged.status_code == 403
    assert await hearth.db.fetchval("SELECT count(*) FROM dashboard_sessions") == 1
    out = await browser.post("/dashboard/logout", {"csrf": browser.csrf()})
    assert out.status_code == 303 and 'hearth_session=""' in " ".join(out.headers.get_list("set-cookie"))
    assert await hearth.db.fetchval("SELECT count(*) FROM dashboard_sessions") == 0
    # The old cookie, replayed by someone who copied it, opens nothing.
    thief = httpx.AsyncClient(base_url=str(browser.client.base_url), cookies={"hearth_session": session_id})
    async with thief:
        again = await thief.get(f"/dashboard/{hearth.guild.guild.id}/settings")
        assert again.status_code == 401
        assert 'href="/dashboard/login"' in (await thief.get("/dashboard/")).text


async def test_cookies_are_secure_over_https(hearth: Hearth, dashboard) -> None:
    await hearth.restart(**dashboard_settings(hearth, base="https://hearth.example.org"))
    hearth.discord.world.oauth2.add_client(CLIENT_ID, SECRET, ["https://hearth.example.org/dashboard/callback"])
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{hearth.bot.api.port}") as client:
        login = await client.get("/dashboard/login")
        state_cookie = _cookie_header(login, "hearth_login_state")
        assert "secure" in [part.strip().lower() for part in state_cookie.split(";")]
        redirect = hearth.discord.world.oauth2.approve(login.headers["location"], hearth.guild.admin)
        parts = urllib.parse.urlsplit(redirect)
        callback = await client.get(f"{parts.path}?{parts.query}", headers={
            "Cookie": state_cookie.split(";")[0]})  # the browser sends a Secure cookie over https
        assert callback.status_code == 303
        flags = [part.strip().lower() for part in _cookie_header(callback, "hearth_session").split(";")]
        assert {"secure", "httponly", "samesite=lax"} <= set(flags)


async def test_a_user_keeps_ten_sessions_and_a_browser_one(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    first = dashboard()
    await first.login(g.admin)
    old = first.client.cookies["hearth_session"]
    await first.login(g.admin)  # the same browser again: its earlier session ends
    assert first.client.cookies["hearth_session"] != old
    assert await hearth.db.fetchval("SELECT count(*) FROM dashboard_sessions") == 1
    for _ in range(10):
        hearth.clock.advance(seconds=1)
        await dashboard().login(g.admin)
    assert await hearth.db.fetchval("SELECT count(*) FROM dashboard_sessions") == 10
    assert (await first.get(f"/dashboard/{g.guild.id}/settings")).status_code == 401  # the oldest was logged out


async def test_code_exchanges_are_bounded_per_address(hearth: Hearth, dashboard) -> None:
    browser = dashboard()
    exchanges = len(hearth.discord.world.oauth2.exchanges)
    for _ in range(20):
        state = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(await browser.start_login()).query))["state"]
        assert (await browser.client.get("/dashboard/callback", params={"code": "bogus", "state": state})
                ).status_code == 400
    state = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(await browser.start_login()).query))["state"]
    limited = await browser.client.get("/dashboard/callback", params={"code": "bogus", "state": state})
    assert limited.status_code == 429 and "Try again in" in limited.text
    assert len(hearth.discord.world.oauth2.exchanges) == exchanges + 20  # the 21st never reached Discord
    hearth.clock.advance(minutes=1)
    assert (await browser.login(hearth.guild.admin)).status_code == 303
