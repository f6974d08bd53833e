"""Discord's OAuth2 code flow in the stand-in: approve, token exchange, /users/@me and /users/@me/guilds."""

from __future__ import annotations

import urllib.parse

import discord
import httpx
import pytest

from tests.standin import StandIn
from tests.standin.oauth2 import SIGNED_IN_COOKIE
from tests.standin.plugin import DefaultGuild

pytestmark = pytest.mark.asyncio(loop_scope="session")

REDIRECT = "http://site.test/callback"


def _authorize(client_id: str = "4242", scope: str = "identify guilds", redirect: str = REDIRECT) -> str:
    query = urllib.parse.urlencode({"client_id": client_id, "redirect_uri": redirect, "response_type": "code",
                                    "scope": scope, "state": "st-1"})
    return f"https://discord.com/oauth2/authorize?{query}"


def _query(url: str) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


async def _exchange(client: httpx.AsyncClient, code: str, *, secret: str = "s3cret",
                    redirect: str = REDIRECT) -> httpx.Response:
    return await client.post("/oauth2/token", data={"grant_type": "authorization_code", "code": code,
                                                    "redirect_uri": redirect, "client_id": "4242",
                                                    "client_secret": secret})


async def test_code_flow_reads_the_user_and_their_guilds(standin: StandIn, default_guild: DefaultGuild) -> None:
    standin.world.oauth2.add_client("4242", "s3cret", [REDIRECT])
    other = standin.add_guild("Elsewhere", owner="alice-owner")
    other.add_member("carol")
    redirect = standin.world.oauth2.approve(_authorize(), default_guild.admin)
    assert redirect.startswith(REDIRECT + "?") and _query(redirect)["state"] == "st-1"
    async with httpx.AsyncClient(base_url=f"{standin.world.base_url}/api/v10") as client:
        answer = await _exchange(client, _query(redirect)["code"])
        assert answer.status_code == 200
        body = answer.json()
        assert body["token_type"] == "Bearer" and body["scope"] == "guilds identify" and body["expires_in"] > 0
        bearer = {"Authorization": f"Bearer {body['access_token']}"}
        me = (await client.get("/users/@me", headers=bearer)).json()
        assert me["id"] == str(default_guild.admin.id) and me["username"] == "alice" and "bot" not in me
        guilds = (await client.get("/users/@me/guilds", headers=bearer)).json()
        assert [g["id"] for g in guilds] == [str(default_guild.guild.id)]  # not a guild alice is not in
        perms = discord.Permissions(int(guilds[0]["permissions"]))
        assert isinstance(guilds[0]["permissions"], str) and perms.manage_guild and not perms.administrator
        assert guilds[0]["owner"] is False
        owner = standin.world.oauth2.approve(_authorize(), default_guild.owner)
        token = (await _exchange(client, _query(owner)["code"])).json()["access_token"]
        listed = (await client.get("/users/@me/guilds", headers={"Authorization": f"Bearer {token}"})).json()
        assert listed[0]["owner"] is True and discord.Permissions(int(listed[0]["permissions"])).administrator


async def test_codes_are_single_use_and_bound_to_client_and_redirect(standin: StandIn,
                                                                     default_guild: DefaultGuild) -> None:
    standin.world.oauth2.add_client("4242", "s3cret", [REDIRECT, "http://site.test/other"])
    async with httpx.AsyncClient(base_url=f"{standin.world.base_url}/api/v10") as client:
        code = _query(standin.world.oauth2.approve(_authorize(), default_guild.member))["code"]
        wrong_secret = await _exchange(client, code, secret="nope")
        assert (wrong_secret.status_code, wrong_secret.json()["error"]) == (401, "invalid_client")
        assert (await _exchange(client, code)).status_code == 200
        again = await _exchange(client, code)
        assert (again.status_code, again.json()["error"]) == (400, "invalid_grant")
        code = _query(standin.world.oauth2.approve(_authorize(), default_guild.member))["code"]
        moved = await _exchange(client, code, redirect="http://site.test/other")
        assert (moved.status_code, moved.json()["error_description"]) == (400, 'Invalid "redirect_uri" in request.')
        json_body = await client.post("/oauth2/token", json={"grant_type": "authorization_code", "code": "x"})
        assert json_body.json()["error"] == "invalid_request"
        code = _query(standin.world.oauth2.approve(_authorize(scope="identify"), default_guild.member))["code"]
        token = (await _exchange(client, code)).json()["access_token"]
        no_scope = await client.get("/users/@me/guilds", headers={"Authorization": f"Bearer {token}"})
        assert (no_scope.status_code, no_scope.json()["code"]) == (403, 50001)
        unknown = await client.get("/users/@me", headers={"Authorization": "Bearer forged"})
        assert unknown.status_code == 401
    with pytest.raises(AssertionError, match="redirect_uri"):
        standin.world.oauth2.approve(_authorize(redirect="http://evil.test/cb"), default_guild.member)
    denied = standin.world.oauth2.deny(_authorize())
    assert _query(denied)["error"] == "access_denied" and _query(denied)["state"] == "st-1"


async def test_the_consent_page_in_a_browser_authorizes_the_signed_in_user(standin: StandIn,
                                                                           default_guild: DefaultGuild) -> None:
    standin.world.oauth2.add_client("4242", "s3cret", [REDIRECT])
    authorize = _authorize().replace("https://discord.com", standin.world.base_url)
    evil = _authorize(redirect="http://evil.test/cb").replace("https://discord.com", standin.world.base_url)
    async with httpx.AsyncClient(base_url=standin.world.base_url) as anonymous:
        signed_out = await anonymous.get(authorize)
        assert signed_out.status_code == 401 and "not signed in to Discord" in signed_out.text
    signed_in = {SIGNED_IN_COOKIE: standin.world.oauth2.sign_in(default_guild.admin)}
    async with httpx.AsyncClient(base_url=standin.world.base_url, cookies=signed_in) as browser, \
            httpx.AsyncClient(base_url=f"{standin.world.base_url}/api/v10") as app:
        page = await browser.get(authorize)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "Hearth wants to access your account" in page.text
        assert '<strong id="signed-in">alice</strong>' in page.text
        assert "Know what servers you&#x27;re in" in page.text and REDIRECT in page.text
        assert 'value="authorize">Authorize</button>' in page.text
        assert (await browser.get(authorize.replace("/oauth2/", "/api/v10/oauth2/"))).status_code == 200
        clicked = await browser.post(authorize, data={"decision": "authorize"})
        assert clicked.status_code == 303
        location = clicked.headers["location"]
        assert location.startswith(REDIRECT + "?") and _query(location)["state"] == "st-1"
        token = await _exchange(app, _query(location)["code"])  # the code is a real one: it exchanges
        assert token.status_code == 200
        bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
        assert (await app.get("/users/@me", headers=bearer)).json()["id"] == str(default_guild.admin.id)
        cancelled = await browser.post(authorize, data={"decision": "cancel"})
        assert cancelled.status_code == 303 and _query(cancelled.headers["location"])["error"] == "access_denied"
        refused = await browser.get(evil)
        assert refused.status_code == 400 and "Invalid OAuth2 redirect_uri" in refused.text
        assert (await browser.post(evil, data={"decision": "authorize"})).status_code == 400
        # prompt=none (as the dashboard asks): approved before for these scopes, so Discord redirects at once.
        again = await browser.get(f"{authorize}&prompt=none")
        assert again.status_code == 302 and _query(again.headers["location"])["code"]
        wider = await browser.get(authorize.replace("identify+guilds", "identify+guilds+email") + "&prompt=none")
        assert wider.status_code == 200  # a scope not approved yet: the page is shown
        standin.world.oauth2.revoke_all(default_guild.admin)
        assert (await browser.get(f"{authorize}&prompt=none")).status_code == 200
        assert not standin.http.unimplemented  # answered by the consent page, not the REST catch-all
