"""The API keys page: the server's keys in a table, a create form showing the new key once (never again, never in a
URL), a Revoke button; both through the api cog's `ApiKeysApi`, the code of `/config api_key create|revoke`."""

from __future__ import annotations

import re

import discord
import httpx

from core.api_keys import new_key
from tests.hearth_harness import Hearth
from utils.errors import BadInput

KEY = re.compile(r"hk_[A-Za-z0-9_-]{43}")
OTHER_GUILD = 555_000_000_000_000_009


async def _keys_page(hearth: Hearth, dashboard):
    browser = dashboard()
    await browser.login(hearth.guild.admin)
    page = await browser.get(f"/dashboard/{hearth.guild.guild.id}/api-keys")
    assert page.status_code == 200
    return browser


def _api(hearth: Hearth) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=f"http://127.0.0.1:{hearth.bot.api.port}")


async def test_a_key_created_on_the_web_is_shown_once_works_at_once_and_is_listed(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    await hearth.bot.guild_settings.set(g.guild.id, "system", "log_channel", g.general.id, changed_by=g.admin.id)
    browser = await _keys_page(hearth, dashboard)
    url = f"/dashboard/{g.guild.id}/api-keys"
    assert f'href="{url}" aria-current="page"' in browser.last_page and "No API keys yet." in browser.last_page
    made = await browser.post(url, {"csrf": browser.csrf(), "action": "create", "name": "<b>sync</b>",
                                    "scope": "write"})
    assert made.status_code == 200 and "location" not in made.headers
    assert made.headers["cache-control"] == "no-store"
    secrets = KEY.findall(made.text)
    assert len(secrets) == 1 and "copy it now" in made.text
    secret = secrets[0]
    assert "&lt;b&gt;sync&lt;/b&gt;" in made.text and "<b>sync" not in made.text
    row = await hearth.db.fetchrow("SELECT name, scope, created_by, prefix FROM api_keys")
    assert tuple(row) == ("<b>sync</b>", "write", g.admin.id, secret[:11])
    # It works on the API at once, and is in /config api_key list (never the key itself).
    async with _api(hearth) as client:
        answer = await client.get(f"/api/v1/guilds/{g.guild.id}/settings",
                                  headers={"Authorization": f"Bearer {secret}"})
        assert answer.status_code == 200
    listed = await hearth.discord.slash("config api_key list", user=g.admin, guild=g.guild)
    assert secret[:11] in listed.text and "sync" in listed.text and secret not in listed.text
    # Never shown again: the page lists its prefix only.
    again = await browser.get(url)
    admin_name = hearth.bot.get_guild(g.guild.id).get_member(g.admin.id).display_name
    assert KEY.search(again.text) is None and f"{secret[:11]}…" in again.text and f"@{admin_name}" in again.text
    # The same log-channel line as the command, and audited as a dashboard change.
    await hearth.discord.settle()
    note = hearth.discord.last_message(g.general)
    assert note is not None and note.content == (f"🔑 <@{g.admin.id}> created the write API key `{secret[:11]}…` "
                                                 f"({discord.utils.escape_markdown('<b>sync</b>')}).")
    await hearth.bot.get_cog("Audit").flush()
    audited = await hearth.db.fetch("SELECT user_id, command_name, command_type FROM audit_logs "
                                    "WHERE command_type = 'dashboard'")
    assert [tuple(r) for r in audited] == [(g.admin.id, "dashboard api-keys", "dashboard")]


async def test_a_key_revoked_on_the_web_is_refused_at_the_next_request(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    created = await hearth.discord.slash("config api_key create", user=g.admin, guild=g.guild, name="old",
                                         scope="read")
    secret = KEY.search(created.text).group(0)
    browser = await _keys_page(hearth, dashboard)
    url = f"/dashboard/{g.guild.id}/api-keys"
    key_id = await hearth.db.fetchval("SELECT id FROM api_keys")
    path = f"/api/v1/guilds/{g.guild.id}/settings"
    auth = {"Authorization": f"Bearer {secret}"}
    async with _api(hearth) as client:
        assert (await client.get(path, headers=auth)).status_code == 200
        revoked = await browser.post(url, {"csrf": browser.csrf(), "action": "revoke", "key_id": str(key_id)})
        assert revoked.status_code == 303 and revoked.headers["location"] == f"{url}?done=revoked"
        refused = await client.get(path, headers=auth)
        assert (refused.status_code, refused.json()["error"]) == (401, f"the API key {secret[:11]}… was revoked")
    row = await hearth.db.fetchrow("SELECT revoked_by, revoked_at FROM api_keys")
    assert (row["revoked_by"], row["revoked_at"]) == (g.admin.id, hearth.clock.now())
    shown = await browser.get(f"{url}?done=revoked")
    assert "The key was revoked" in shown.text and "Revoke</button>" not in shown.text
    listed = await hearth.discord.slash("config api_key list", user=g.admin, guild=g.guild)
    assert secret[:11] not in listed.text
    # Revoking it again is refused with a human message.
    again = await browser.post(url, {"csrf": browser.csrf(), "action": "revoke", "key_id": str(key_id)})
    assert again.status_code == 400 and "no such active API key on this server" in again.text


async def test_forged_csrf_another_servers_key_and_members_change_nothing(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    theirs = new_key()  # the other server's key
    their_id = await hearth.db.fetchval(
        "INSERT INTO api_keys (guild_id, name, prefix, key_hash, scope, created_by) "
        "VALUES ($1, 'their bot', $2, $3, 'write', 1) RETURNING id", OTHER_GUILD, theirs.prefix, theirs.hash)
    browser = await _keys_page(hearth, dashboard)
    assert theirs.prefix not in browser.last_page and "their bot" not in browser.last_page
    url = f"/dashboard/{g.guild.id}/api-keys"
    for token in (None, "forged"):
        data = {"action": "create", "name": "sneaky", "scope": "write"} | ({} if token is None else {"csrf": token})
        refused = await browser.post(url, data)
        assert refused.status_code == 403 and "Nothing was changed" in refused.text
        assert KEY.search(refused.text) is None
    other = await browser.post(url, {"csrf": browser.csrf(), "action": "revoke", "key_id": str(their_id)})
    assert other.status_code == 400 and "Nothing was changed" in other.text
    bad = await browser.post(url, {"csrf": browser.csrf(), "action": "create", "name": "   ", "scope": "admin"})
    assert bad.status_code == 400 and "Give the key a name" in bad.text
    # The other server's admin URL is not this admin's to open.
    elsewhere = await browser.post(f"/dashboard/{OTHER_GUILD}/api-keys",
                                   {"csrf": browser.csrf(), "action": "revoke", "key_id": str(their_id)})
    assert elsewhere.status_code == 403
    member = dashboard()
    await member.login(g.member)
    await member.get("/dashboard/")
    assert (await member.get(url)).status_code == 403
    made = await member.post(url, {"csrf": member.csrf(), "action": "create", "name": "mine", "scope": "write"})
    assert made.status_code == 403 and KEY.search(made.text) is None
    rows = await hearth.db.fetch("SELECT guild_id, name, revoked_at FROM api_keys")
    assert [tuple(r) for r in rows] == [(OTHER_GUILD, "their bot", None)]
    with hearth.discord.expect_errors(BadInput):
        await hearth.discord.slash("config api_key revoke", user=g.admin, guild=g.guild, key=theirs.prefix)
