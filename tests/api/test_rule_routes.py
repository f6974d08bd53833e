"""`/api/v1/guilds/{id}/rules|cooldowns|modules|audit`: the same rules, cooldowns and switches as `/config
permissions` and `/config modules`, validated the same way, obeyed at once by the commands, written only with a
write key of the server as its creator; the audit log filtered and paged."""

from __future__ import annotations

from tests.api.conftest import OTHER_GUILD, Keyed
from tests.kit.tags import TagDesk


async def test_a_rule_added_by_the_api_is_obeyed_listed_and_removed(keyed: Keyed) -> None:
    hearth = keyed.hearth
    g = hearth.guild
    tags = TagDesk(hearth)
    await tags.create("rules", "Be kind.")
    write = await keyed.key("write")
    made = await keyed.call("POST", "/rules", write, json={"command": "/tag get", "allow": False})
    assert made.status_code == 201, made.text
    rule = made.json()
    assert rule | {"id": ""} == {"id": "", "command": "tag get", "target_type": "server",
                                 "target_id": str(g.guild.id), "allow": False,
                                 "words": "deny /tag get for everyone (server default)"}
    refused = await tags.post("rules")
    assert refused.ephemeral and tags.posts() == []
    listed = await hearth.discord.slash("config permissions list", user=g.admin, guild=g.guild)
    assert "deny `/tag get` for everyone" in listed.text
    row = await hearth.db.fetchrow("SELECT id, created_by FROM command_rules")
    assert (str(row["id"]), row["created_by"]) == (rule["id"], g.admin.id)
    read = await keyed.key("read")
    got = await keyed.call("GET", "/rules", read)
    assert got.json() == {"items": [rule], "next": None}
    assert (await keyed.call("DELETE", f"/rules/{rule['id']}", read)).status_code == 403
    gone = await keyed.call("DELETE", f"/rules/{rule['id']}", write)
    assert gone.status_code == 200 and gone.json() == rule
    await tags.post("rules")
    assert [m.content for m in tags.posts()] == ["Be kind."]
    assert (await keyed.call("DELETE", f"/rules/{rule['id']}", write)).status_code == 404
    await hearth.bot.get_cog("Audit").flush()
    audited = await hearth.db.fetch("SELECT command_name FROM audit_logs WHERE command_type = 'api'")
    assert [r["command_name"] for r in audited] == ["api permissions"] * 2


async def test_rules_are_validated_as_config_permissions_and_other_servers_are_refused(keyed: Keyed) -> None:
    hearth = keyed.hearth
    g = hearth.guild
    write = await keyed.key("write")
    answers = {}
    for name, body in {
        "unknown command": {"command": "nosuch", "allow": False},
        "config": {"command": "config", "allow": False},
        "role of another server": {"command": "tag", "allow": False, "target_type": "role",
                                   "target_id": "123456789012345678"},
        "member without id": {"command": "tag", "allow": False, "target_type": "member"},
        "bad target type": {"command": "tag", "allow": False, "target_type": "planet", "target_id": "1"},
    }.items():
        answer = await keyed.call("POST", "/rules", write, json=body)
        answers[name] = (answer.status_code, answer.json()["error"])
    assert answers["unknown command"][0] == 422 and "There is no command /nosuch here" in answers["unknown command"][1]
    assert answers["config"][0] == 422 and "/config is never restricted" in answers["config"][1]
    assert answers["role of another server"] == (422, "there is no role with id 123456789012345678 on this server "
                                                      "(use target_type server for everyone)")
    assert answers["member without id"] == (422, "give the member's id as target_id (a string of digits)")
    assert answers["bad target type"][0] == 422 and "target_type" in answers["bad target type"][1]
    role_rule = await keyed.call("POST", "/rules", write, json={"command": "tag", "allow": True, "target_type": "role",
                                                                "target_id": str(g.moderator_role.id)})
    assert role_rule.status_code == 201 and role_rule.json()["words"] == f"allow /tag for <@&{g.moderator_role.id}>"
    elsewhere = await keyed.call("POST", f"/api/v1/guilds/{OTHER_GUILD}/rules", write,
                                 json={"command": "tag", "allow": False})
    assert elsewhere.status_code == 403
    read = await keyed.key("read")
    assert (await keyed.call("POST", "/rules", read, json={"command": "tag", "allow": False})).status_code == 403
    rows = await hearth.db.fetch("SELECT command, target_type, allow FROM command_rules")
    assert [tuple(r) for r in rows] == [("tag", "role", True)]


async def test_rules_page_across_pages(keyed: Keyed) -> None:
    hearth = keyed.hearth
    g = hearth.guild
    write = await keyed.key("write")
    roles = [g.guild.add_role(f"Team {n}", []) for n in range(5)]
    await hearth.discord.settle()
    for role in roles:
        made = await keyed.call("POST", "/rules", write, json={"command": "tag", "allow": False,
                                                               "target_type": "role", "target_id": str(role.id)})
        assert made.status_code == 201
    seen, cursor = [], None
    while True:
        body = (await keyed.call("GET", "/rules", write, params={"limit": 2} | ({"before": cursor} if cursor else {}))
                ).json()
        seen += [item["target_id"] for item in body["items"]]
        cursor = body["next"]
        if cursor is None:
            break
    assert seen == [str(role.id) for role in reversed(roles)]


async def test_cooldowns_through_the_api(keyed: Keyed) -> None:
    hearth = keyed.hearth
    g = hearth.guild
    write = await keyed.key("write")
    bad = await keyed.call("PUT", "/cooldowns/tag get", write, json={"uses": 2, "per": "3 weeks"})
    assert bad.status_code == 422 and bad.json()["error"].startswith("3 weeks is not a duration")
    made = await keyed.call("PUT", "/cooldowns/tag get", write, json={"uses": 2, "per": "1m"})
    assert made.status_code == 200 and made.json() == {"items": [{"command": "tag get", "uses": 2,
                                                                  "per_seconds": 60}], "next": None}
    assert (await hearth.bot.command_rules.of_guild(g.guild.id)).cooldowns == {"tag get": (2, 60)}
    assert (await keyed.call("DELETE", "/cooldowns/tag get", write)).json()["items"] == []
    assert (await keyed.call("DELETE", "/cooldowns/tag get", write)).status_code == 404


async def test_modules_switched_by_the_api_are_obeyed_and_in_config_history(keyed: Keyed) -> None:
    hearth = keyed.hearth
    g = hearth.guild
    tags = TagDesk(hearth)
    await tags.create("rules", "Be kind.")
    read, write = await keyed.key("read"), await keyed.key("write")
    listed = (await keyed.call("GET", "/modules", read)).json()["items"]
    assert {"name": "tags", "label": "Tags", "on": True} | {"summary": ""} == \
        next(m for m in listed if m["name"] == "tags") | {"summary": ""}
    refused = await keyed.call("PUT", "/modules/tags", read, json={"on": False})
    assert refused.status_code == 403 and await hearth.bot.guild_settings.get(g.guild.id, "modules", "tags") is True
    off = await keyed.call("PUT", "/modules/tags", write, json={"on": False})
    assert off.status_code == 200 and off.json()["changed"] is True and off.json()["module"]["on"] is False
    answer = await tags.post("rules")
    assert answer.ephemeral and tags.posts() == []
    history = await hearth.discord.slash("config history", user=g.admin, guild=g.guild)
    assert f"`modules.tags` *not set* → no · created · <@{g.admin.id}>" in history.embeds[0]["description"]
    assert (await keyed.call("PUT", "/modules/tags", write, json={"on": False})).json()["changed"] is False
    unknown = await keyed.call("PUT", "/modules/weather", write, json={"on": False})
    assert unknown.status_code == 404 and unknown.json()["error"].startswith("there is no module weather; modules:")
    assert (await keyed.call("PUT", "/modules/tags", write, json={"on": "maybe"})).status_code == 422


async def test_the_audit_log_filtered_and_paged(keyed: Keyed) -> None:
    hearth = keyed.hearth
    g = hearth.guild
    read = await keyed.key("read")
    for _ in range(3):
        await hearth.discord.slash("config get", user=g.admin, guild=g.guild, scope="system", key="timezone")
        await hearth.discord.slash("command_stats", user=g.admin, guild=g.guild)
        hearth.clock.advance(seconds=1)
    await hearth.discord.slash("config get", user=g.owner, guild=g.guild, scope="system", key="timezone")
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 2, "command": "config", "member": str(g.admin.id)} | ({"before": cursor} if cursor else {})
        body = (await keyed.call("GET", "/audit", read, params=params)).json()
        seen += body["items"]
        pages += 1
        cursor = body["next"]
        if cursor is None:
            break
    # The three `config get` of the admin (and the API key creation is `config api_key create`, also /config).
    names = [(item["command"], item["user_id"]) for item in seen]
    assert names == [("config get", str(g.admin.id))] * 3 + [("config api_key create", str(g.admin.id))]
    assert pages == 2 and [int(i["id"]) for i in seen] == sorted((int(i["id"]) for i in seen), reverse=True)
    everyone = (await keyed.call("GET", "/audit", read, params={"limit": 100})).json()["items"]
    assert len(everyone) == 8 and everyone[0]["user_id"] == str(g.owner.id)
    bad = await keyed.call("GET", "/audit", read, params={"member": "bob"})
    assert bad.status_code == 422 and bad.json()["error"].startswith("invalid request: query.member")
