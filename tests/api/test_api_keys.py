"""API keys through the real app: an admin creates a key with the slash command, a client uses it over HTTP.

A key works for its own guild and scope only, is stored only as a hash, and stops working the moment it is
revoked; members cannot create, list or revoke keys."""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator
from typing import Annotated

import httpx
import pytest_asyncio
from fastapi import Depends

from core.api_keys import ApiKey, new_key, require_key
from core.http_api import Routes
from tests.hearth_harness import Hearth
from utils.errors import BadInput

KEY = re.compile(r"hk_[A-Za-z0-9_-]{43}")
OTHER_GUILD = 555_000_000_000_000_009


@pytest_asyncio.fixture(loop_scope="session")
async def api(hearth: Hearth) -> AsyncIterator[tuple[Hearth, httpx.AsyncClient]]:
    await hearth.restart(api_enabled=True, api_port=0)
    # A write route, as the first route that changes something will declare it.
    router = Routes()

    async def touch(guild_id: int, key: Annotated[ApiKey, Depends(require_key("write"))]) -> dict[str, str]:
        return {"written_by": key.prefix}

    router.add_api_route("/api/v1/guilds/{guild_id}/demo-write", touch, methods=["POST"])
    hearth.bot.api.include(router)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{hearth.bot.api.port}") as client:
        yield hearth, client


async def _create(hearth: Hearth, name: str, scope: str) -> str:
    g = hearth.guild
    result = await hearth.discord.slash("config api_key create", user=g.admin, guild=g.guild, name=name, scope=scope)
    assert result.ephemeral, "the key must be shown only to the admin who created it"
    return KEY.search(result.text).group(0)


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def test_a_read_key_reads_its_own_guild_only(api) -> None:
    hearth, client = api
    g = hearth.guild
    await hearth.discord.slash("config set", user=g.admin, guild=g.guild, scope="system", key="timezone",
                               value="Europe/Paris")
    key = await _create(hearth, "dashboard", "read")
    own = await client.get(f"/api/v1/guilds/{g.guild.id}/settings", headers=_bearer(key))
    assert own.status_code == 200
    body = own.json()
    assert body["guild_id"] == str(g.guild.id)
    assert body["settings"]["system.timezone"] == {"value": "Europe/Paris", "type": "timezone", "default": False}
    assert body["settings"]["system.late_job_grace"]["default"] is True
    other = await client.get(f"/api/v1/guilds/{OTHER_GUILD}/settings", headers=_bearer(key))
    assert (other.status_code, other.json()["error"]) == (403, f"the API key {key[:11]}… belongs to another server")
    write = await client.post(f"/api/v1/guilds/{g.guild.id}/demo-write", headers=_bearer(key))
    assert (write.status_code, write.json()["error"]) == (
        403, f"the API key {key[:11]}… is read-only; this needs a write key")
    # Only the hash and the visible prefix are stored, never the key.
    row = await hearth.db.fetchrow("SELECT * FROM api_keys")
    assert row["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    assert row["prefix"] == key[:11] and row["guild_id"] == g.guild.id and row["created_by"] == g.admin.id
    assert not any(key in str(value) for value in dict(row).values())
    assert row["last_used_at"] == hearth.clock.now()


async def test_a_write_key_writes_and_reads_its_guild(api) -> None:
    hearth, client = api
    g = hearth.guild
    key = await _create(hearth, "sync job", "write")
    assert (await client.post(f"/api/v1/guilds/{g.guild.id}/demo-write", headers=_bearer(key))).json() == {
        "written_by": key[:11]}
    assert (await client.get(f"/api/v1/guilds/{g.guild.id}/settings", headers=_bearer(key))).status_code == 200
    assert (await client.post(f"/api/v1/guilds/{OTHER_GUILD}/demo-write", headers=_bearer(key))).status_code == 403


async def test_missing_unknown_and_malformed_keys_are_401(api) -> None:
    hearth, client = api
    path = f"/api/v1/guilds/{hearth.guild.guild.id}/settings"
    real = await _create(hearth, "real", "read")
    guessed = "hk_" + "A" * 43
    attempts = {
        "no header": {},
        "a guessed key": _bearer(guessed),
        "not a Hearth key": _bearer("sk_live_123"),
        "the key without Bearer": {"Authorization": real},
        "basic auth": {"Authorization": "Basic dXNlcjpwYXNz"},
        "the key with a character changed": _bearer(real[:-1] + ("B" if real[-1] != "B" else "C")),
    }
    answers = {}
    for name, headers in attempts.items():
        response = await client.get(path, headers=headers)
        answers[name] = (response.status_code, response.headers.get("www-authenticate"))
    assert answers == dict.fromkeys(attempts, (401, "Bearer"))


async def test_revoking_a_key_locks_it_out_at_once(api) -> None:
    hearth, client = api
    g = hearth.guild
    key = await _create(hearth, "old dashboard", "read")
    keep = await _create(hearth, "new dashboard", "read")
    path = f"/api/v1/guilds/{g.guild.id}/settings"
    assert (await client.get(path, headers=_bearer(key))).status_code == 200
    listed = await hearth.discord.slash("config api_key list", user=g.admin, guild=g.guild)
    assert listed.ephemeral and key[:11] in listed.text and "old dashboard" in listed.text
    assert key not in listed.text and keep not in listed.text
    choices = await hearth.discord.autocomplete("config api_key revoke", "key", user=g.admin, guild=g.guild,
                                                partial="old")
    assert [c["value"] for c in choices] == [key[:11]]
    revoked = await hearth.discord.slash("config api_key revoke", user=g.admin, guild=g.guild, key=choices[0]["value"])
    assert revoked.ephemeral and "Revoked" in revoked.text
    refused = await client.get(path, headers=_bearer(key))
    assert (refused.status_code, refused.json()["error"]) == (401, f"the API key {key[:11]}… was revoked")
    assert (await client.get(path, headers=_bearer(keep))).status_code == 200
    row = await hearth.db.fetchrow("SELECT revoked_by, revoked_at FROM api_keys WHERE prefix = $1", key[:11])
    assert (row["revoked_by"], row["revoked_at"]) == (g.admin.id, hearth.clock.now())
    # A second bot process on the same database refuses it too (nothing is cached).
    second = hearth.make_bot(cogs=["config", "api"], api_enabled=True, api_port=0)
    async with second:
        await second.prepare()
        await second.api.start("127.0.0.1", 0)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{second.api.port}") as other:
            assert (await other.get(path, headers=_bearer(key))).status_code == 401
            assert (await other.get(path, headers=_bearer(keep))).status_code == 200


async def test_members_cannot_manage_keys(api) -> None:
    hearth, _ = api
    g = hearth.guild
    await _create(hearth, "staff only", "read")
    for command, options in (("config api_key create", {"name": "mine", "scope": "write"}),
                             ("config api_key list", {}), ("config api_key revoke", {"key": "hk_"})):
        result = await hearth.discord.slash(command, user=g.member, guild=g.guild, check_permissions=False, **options)
        assert result.ephemeral and "Manage Server" in result.text, command
    assert await hearth.db.fetchval("SELECT count(*) FROM api_keys WHERE revoked_at IS NULL") == 1


async def test_an_admin_cannot_see_or_revoke_another_servers_key(api) -> None:
    hearth, client = api
    g = hearth.guild
    theirs = new_key()  # created by the other server's admin
    await hearth.db.execute("INSERT INTO api_keys (guild_id, name, prefix, key_hash, scope, created_by) "
                            "VALUES ($1, 'their bot', $2, $3, 'read', 1)", OTHER_GUILD, theirs.prefix, theirs.hash)
    listed = await hearth.discord.slash("config api_key list", user=g.admin, guild=g.guild)
    assert theirs.prefix not in listed.text and "No API keys" in listed.text
    assert await hearth.discord.autocomplete("config api_key revoke", "key", user=g.admin, guild=g.guild) == []
    with hearth.discord.expect_errors(BadInput):
        refused = await hearth.discord.slash("config api_key revoke", user=g.admin, guild=g.guild, key=theirs.prefix)
    assert f"There is no API key `{theirs.prefix}` on this server" in refused.text
    still = await client.get(f"/api/v1/guilds/{OTHER_GUILD}/settings", headers=_bearer(theirs.secret))
    assert still.status_code == 200 and still.json()["guild_id"] == str(OTHER_GUILD)
    assert await hearth.db.fetchval("SELECT revoked_at FROM api_keys") is None


async def test_health_needs_no_key_and_names_no_server(api) -> None:
    hearth, client = api
    g = hearth.guild
    await hearth.discord.slash("command_stats", user=g.admin, guild=g.guild)  # something guild-specific to leak
    health = await client.get("/api/health")
    assert health.status_code == 200 and health.json()["guild_count"] == len(hearth.bot.guilds)
    for secret in (str(g.guild.id), g.guild.name, str(g.admin.id), g.admin.user.username):
        assert secret not in health.text
