"""`/api/v1/guilds/{guild}/commands`: a read key lists the commands page by page; a write key adds, changes and
deletes them through `CustomCommandsApi` as the member who created the key, only while that member is still on the
server with Manage Server; the slash command's refusals come back as 400 with the same words."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest_asyncio

from tests.hearth_harness import Hearth
from utils.errors import BadInput

KEY = re.compile(r"hk_[A-Za-z0-9_-]{43}")


@pytest_asyncio.fixture(loop_scope="session")
async def api(hearth: Hearth) -> AsyncIterator[tuple[Hearth, httpx.AsyncClient]]:
    await hearth.restart(api_enabled=True, api_port=0)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{hearth.bot.api.port}") as client:
        yield hearth, client


async def _key(hearth: Hearth, scope: str, user=None) -> dict[str, str]:
    result = await hearth.discord.slash("config api_key create", user=user or hearth.guild.admin,
                                        guild=hearth.guild.guild, name=f"{scope} job", scope=scope)
    return {"Authorization": f"Bearer {KEY.search(result.text).group(0)}"}


async def _add(hearth: Hearth, name: str) -> None:
    await hearth.discord.slash("config custom_commands add", user=hearth.guild.admin, name=name,
                               trigger_type="exact", trigger=f"!{name}", response=f"{name} answer")


async def test_a_read_key_lists_the_commands_page_by_page(api) -> None:
    hearth, client = api
    g = hearth.guild
    for name in ("one", "two", "three"):
        await _add(hearth, name)
    read = await _key(hearth, "read")
    url = f"/api/v1/guilds/{g.guild.id}/commands"
    first = await client.get(url, params={"limit": 2}, headers=read)
    assert first.status_code == 200
    body = first.json()
    assert [c["name"] for c in body["items"]] == ["three", "two"] and body["next"] is not None
    assert body["items"][0]["trigger"] == "!three" and body["items"][0]["created_by"] == str(g.admin.id)
    second = (await client.get(url, params={"limit": 2, "before": body["next"]}, headers=read)).json()
    assert [c["name"] for c in second["items"]] == ["one"] and second["next"] is None
    refused = await client.post(url, json={"name": "x", "trigger_type": "exact", "trigger": "x", "response": "y"},
                                headers=read)
    assert refused.status_code == 403
    assert (await client.get("/api/v1/guilds/123/commands", headers=read)).status_code == 403
    assert await hearth.db.fetchval("SELECT count(*) FROM custom_commands") == 3


async def test_a_write_key_adds_changes_and_deletes_as_its_creator(api) -> None:
    hearth, client = api
    g, d = hearth.guild, hearth.discord
    write = await _key(hearth, "write")
    url = f"/api/v1/guilds/{g.guild.id}/commands"
    made = await client.post(url, json={"name": "Rules", "trigger_type": "exact", "trigger": "!rules",
                                        "response": "@everyone read #rules"}, headers=write)
    assert made.status_code == 201, made.text
    assert made.json()["name"] == "rules" and made.json()["response_set_by"] == str(g.admin.id)
    row = await hearth.db.fetchrow("SELECT created_by, response_set_by, response FROM custom_commands")
    assert tuple(row) == (g.admin.id, g.admin.id, "@everyone read #rules")
    changed = await client.put(f"{url}/rules", json={"response": "Read #rules, {user}", "enabled": True},
                               headers=write)
    assert changed.status_code == 200 and changed.json()["response"] == "Read #rules, {user}"
    await d.say(g.general, g.member, "!rules")
    posts = [m for m in d.messages_in(g.general) if m.author.id == hearth.bot.user.id]
    name = hearth.bot.get_guild(g.guild.id).get_member(g.member.id).display_name
    assert [m.content for m in posts] == [f"Read #rules, {name}"]
    bad = await client.post(url, json={"name": "rules", "trigger_type": "exact", "trigger": "!r", "response": "x"},
                            headers=write)
    assert bad.status_code == 400
    assert bad.json()["error"].startswith("There is already a custom command rules; edit it or pick another name.")
    template = await client.put(f"{url}/rules", json={"response": "{nope}"}, headers=write)
    assert template.status_code == 400 and "Unknown variable {nope}" in template.json()["error"]
    assert (await client.put(f"{url}/nosuch", json={"response": "x"}, headers=write)).status_code == 404
    gone = await client.delete(f"{url}/rules", headers=write)
    assert gone.status_code == 200 and gone.json() == {"deleted": "rules"}
    assert (await client.delete(f"{url}/rules", headers=write)).status_code == 404
    assert await hearth.db.fetchval("SELECT count(*) FROM custom_commands") == 0
    with d.expect_errors(BadInput):
        shown = await d.slash("config custom_commands show", user=g.admin, name="rules")
    assert "There is no custom command `rules`" in shown.text


async def test_a_write_key_stops_when_its_creator_loses_manage_server(api) -> None:
    hearth, client = api
    g, d = hearth.guild, hearth.discord
    write = await _key(hearth, "write")
    g.guild.set_role_permissions(g.guild.role("Admin"), [])
    await d.settle()
    url = f"/api/v1/guilds/{g.guild.id}/commands"
    refused = await client.post(url, json={"name": "x", "trigger_type": "exact", "trigger": "!x", "response": "y"},
                                headers=write)
    assert refused.status_code == 403 and "no longer has Manage Server" in refused.json()["error"]
    assert (await client.get(url, headers=write)).status_code == 200  # reading needs no member
    assert await hearth.db.fetchval("SELECT count(*) FROM custom_commands") == 0


async def test_a_write_key_stops_when_its_creator_leaves_the_server(api) -> None:
    hearth, client = api
    g, d = hearth.guild, hearth.discord
    write = await _key(hearth, "write")
    await d.member_leave(g.guild, g.admin)
    url = f"/api/v1/guilds/{g.guild.id}/commands"
    refused = await client.post(url, json={"name": "x", "trigger_type": "exact", "trigger": "!x", "response": "y"},
                                headers=write)
    assert refused.status_code == 403 and "who is no longer on this server" in refused.json()["error"]
    assert await hearth.db.fetchval("SELECT count(*) FROM custom_commands") == 0


async def test_the_routes_answer_409_while_the_module_is_off(api) -> None:
    hearth, client = api
    g = hearth.guild
    write = await _key(hearth, "write")
    modules = hearth.bot.modules
    await modules.switch(g.guild.id, modules.get("custom_commands"), False, changed_by=g.owner.id)
    url = f"/api/v1/guilds/{g.guild.id}/commands"
    refused = await client.post(url, json={"name": "x", "trigger_type": "exact", "trigger": "!x", "response": "y"},
                                headers=write)
    assert refused.status_code == 409 and refused.json()["error"].startswith("Custom commands is turned off")
    assert (await client.get(url, headers=write)).status_code == 409
    assert await hearth.db.fetchval("SELECT count(*) FROM custom_commands") == 0


async def test_bad_values_are_refused_with_the_commands_words(api) -> None:
    hearth, client = api
    g = hearth.guild
    write = await _key(hearth, "write")
    url = f"/api/v1/guilds/{g.guild.id}/commands"
    long_name = await client.post(url, json={"name": "x" * 40, "trigger_type": "exact", "trigger": "!x",
                                             "response": "y"}, headers=write)
    assert (long_name.status_code, long_name.json()["error"].split("\n")[0]) == (
        400, "A name is 1–32 lower-case letters, digits, - or _.")
    long_trigger = await client.post(url, json={"name": "x", "trigger_type": "exact", "trigger": "t" * 201,
                                                "response": "y"}, headers=write)
    assert long_trigger.json()["error"] == "The trigger is 201 characters long; the limit is 200."
    wrong_type = await client.post(url, json={"name": "x", "trigger_type": "fuzzy", "trigger": "!x", "response": "y"},
                                   headers=write)
    assert wrong_type.status_code == 422
    assert await hearth.db.fetchval("SELECT count(*) FROM custom_commands") == 0
