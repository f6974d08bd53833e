"""`/api/v1/guilds/{guild}/tags`: a read key lists the tags page by page or searches them as `/tag search` does; a
write key creates, edits, aliases and deletes them through `TagsApi` as the member who created the key, only while
that member is still on the server with Manage Server; `/tag`'s refusals come back with the same words."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest_asyncio

from tests.hearth_harness import Hearth
from tests.kit.tags import TagDesk

KEY = re.compile(r"hk_[A-Za-z0-9_-]{43}")


@pytest_asyncio.fixture(loop_scope="session")
async def api(hearth: Hearth) -> AsyncIterator[tuple[Hearth, httpx.AsyncClient]]:
    await hearth.restart(api_enabled=True, api_port=0)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{hearth.bot.api.port}") as client:
        yield hearth, client


async def _key(hearth: Hearth, scope: str) -> dict[str, str]:
    result = await hearth.discord.slash("config api_key create", user=hearth.guild.admin, guild=hearth.guild.guild,
                                        name=f"{scope} job", scope=scope)
    return {"Authorization": f"Bearer {KEY.search(result.text).group(0)}"}


async def test_a_read_key_pages_and_searches_the_tags(api) -> None:
    hearth, client = api
    g = hearth.guild
    tags = TagDesk(hearth)
    await tags.create("verify", "Click the button in #welcome.")
    await tags.create("colours", "Pick a colour role.")
    await tags.create("rules", "Be kind.")
    await tags.run("alias", alias="be nice", tag="rules")
    read = await _key(hearth, "read")
    url = f"/api/v1/guilds/{g.guild.id}/tags"
    first = (await client.get(url, params={"limit": 2}, headers=read)).json()
    assert [t["name"] for t in first["items"]] == ["rules", "colours"] and first["next"] is not None
    assert first["items"][0]["aliases"] == ["be nice"] and first["items"][0]["owner_id"] == str(g.member.id)
    second = (await client.get(url, params={"limit": 2, "before": first["next"]}, headers=read)).json()
    assert [t["name"] for t in second["items"]] == ["verify"] and second["next"] is None
    found = (await client.get(url, params={"search": "button"}, headers=read)).json()
    assert [t["name"] for t in found["items"]] == ["verify"] and found["next"] is None
    refused = await client.post(url, json={"name": "x", "content": "y"}, headers=read)
    assert refused.status_code == 403 and await tags.count() == 3


async def test_a_write_key_creates_edits_aliases_and_deletes_as_its_creator(api) -> None:
    hearth, client = api
    g = hearth.guild
    tags = TagDesk(hearth)
    write = await _key(hearth, "write")
    url = f"/api/v1/guilds/{g.guild.id}/tags"
    made = await client.post(url, json={"name": "faq", "content": "Read the FAQ"}, headers=write)
    assert made.status_code == 201, made.text
    assert made.json()["owner_id"] == str(g.admin.id) and made.json()["withheld_pings"] == []
    assert (await tags.post("faq")).message.content == "Read the FAQ"
    taken = await client.post(url, json={"name": "FAQ", "content": "again"}, headers=write)
    assert taken.status_code == 400
    assert taken.json()["error"].startswith("There is already a tag or alias called FAQ on this server")
    edited = await client.put(f"{url}/faq", json={"content": "New FAQ"}, headers=write)
    assert edited.status_code == 200 and edited.json()["content"] == "New FAQ"
    assert (await tags.post("faq")).message.content == "New FAQ"
    aliased = await client.post(f"{url}/faq/aliases", json={"alias": "questions"}, headers=write)
    assert (aliased.status_code, aliased.json()) == (201, {"alias": "questions", "tag": "faq"})
    assert (await tags.post("questions")).message.content == "New FAQ"
    assert (await client.put(f"{url}/nosuch", json={"content": "x"}, headers=write)).status_code == 404
    bad = await client.put(f"{url}/faq", json={"content": "   "}, headers=write)
    assert (bad.status_code, bad.json()["error"].split("\n")[0]) == (400, "The tag's text is empty.")
    gone = await client.delete(f"{url}/faq", headers=write)
    assert gone.json() == {"deleted": "faq", "aliases": ["questions"]}
    assert await tags.count() == 0


async def test_a_write_key_stops_when_its_creator_loses_manage_server(api) -> None:
    hearth, client = api
    g, d = hearth.guild, hearth.discord
    write = await _key(hearth, "write")
    g.guild.set_role_permissions(g.guild.role("Admin"), [])
    await d.settle()
    refused = await client.post(f"/api/v1/guilds/{g.guild.id}/tags", json={"name": "x", "content": "y"},
                                headers=write)
    assert refused.status_code == 403 and "no longer has Manage Server" in refused.json()["error"]
    assert await TagDesk(hearth).count() == 0
