"""`/api/v1/guilds/{id}/settings…`: read with a read key; changed with a write key through the gate of `/config set`
as the key's creator, recorded as change type `api` (in `/config history`, the audit tracker and the log channel);
the history paged with the one paging convention, and rolled back as `/config rollback` does."""

from __future__ import annotations

from tests.api.conftest import OTHER_GUILD, Keyed


async def _history_text(keyed: Keyed) -> str:
    g = keyed.hearth.guild
    shown = await keyed.hearth.discord.slash("config history", user=g.admin, guild=g.guild)
    return shown.embeds[0]["description"]


async def test_a_write_key_changes_a_setting_as_its_creator_seen_everywhere(keyed: Keyed) -> None:
    hearth = keyed.hearth
    g = hearth.guild
    await hearth.bot.guild_settings.set(g.guild.id, "system", "log_channel", g.general.id, changed_by=g.admin.id)
    write = await keyed.key("write")
    before = await keyed.call("GET", "/settings/system/timezone", write)
    assert before.status_code == 200
    assert before.json() | {"description": ""} == {"scope": "system", "key": "timezone", "value": "UTC",
                                                   "type": "timezone", "default": True, "default_value": "UTC",
                                                   "description": ""}
    changed = await keyed.call("PUT", "/settings/system/timezone", write, json={"value": "Europe/Paris"})
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["changed"] is True and body["setting"]["value"] == "Europe/Paris" and not body["setting"]["default"]
    row = await hearth.db.fetchrow("SELECT id, new_value, changed_by, change_type FROM settings_history "
                                   "WHERE key = 'timezone'")
    assert (row["new_value"], row["changed_by"], row["change_type"]) == ("Europe/Paris", g.admin.id, "api")
    assert body["history_id"] == str(row["id"])
    assert await hearth.bot.guild_settings.get(g.guild.id, "system", "timezone") == "Europe/Paris"
    got = await hearth.discord.slash("config get", user=g.admin, guild=g.guild, scope="system", key="timezone")
    assert got.embeds[0]["fields"][0]["value"] == "`Europe/Paris`"
    assert f"**#{row['id']}** `system.timezone` *not set* → `Europe/Paris` · api · <@{g.admin.id}>" in \
        await _history_text(keyed)
    await hearth.discord.settle()
    note = hearth.discord.last_message(g.general)
    assert note is not None and note.content == (f"⚙️ <@{g.admin.id}> changed a setting: `system.timezone`: "
                                                 f"`UTC` (default) → `Europe/Paris` through the API "
                                                 f"(key `{write[:11]}…`)")
    # The same value again changes nothing.
    again = await keyed.call("PUT", "/settings/system/timezone", write, json={"value": "Europe/Paris"})
    assert again.json()["changed"] is False
    # Ids as strings, both ways.
    channel = await keyed.call("PUT", "/settings/automod/log_channel", write, json={"value": str(g.general.id)})
    assert channel.status_code == 200 and channel.json()["setting"]["value"] == str(g.general.id)
    # DELETE resets to the default, as /config reset.
    reset = await keyed.call("DELETE", "/settings/system/timezone", write)
    assert reset.status_code == 200 and reset.json()["setting"] | {"description": ""} == {
        "scope": "system", "key": "timezone", "value": "UTC", "type": "timezone", "default": True,
        "default_value": "UTC", "description": ""}
    assert (await keyed.call("DELETE", "/settings/system/timezone", write)).json()["changed"] is False
    kinds = [r["change_type"] for r in await hearth.db.fetch("SELECT change_type FROM settings_history "
                                                               "WHERE key = 'timezone' ORDER BY id")]
    assert kinds == ["api", "deleted"]
    await hearth.bot.get_cog("Audit").flush()
    audited = await hearth.db.fetch("SELECT user_id, command_name, command_type FROM audit_logs "
                                    "WHERE command_type = 'api'")
    assert [tuple(r) for r in audited] == [(g.admin.id, "api settings", "api")] * 3


async def test_a_read_key_or_another_servers_key_cannot_write(keyed: Keyed) -> None:
    hearth = keyed.hearth
    g = hearth.guild
    read = await keyed.key("read")
    refused = await keyed.call("PUT", "/settings/system/timezone", read, json={"value": "Asia/Tokyo"})
    assert (refused.status_code, refused.json()["error"]) == (
        403, f"the API key {read[:11]}… is read-only; this needs a write key")
    assert (await keyed.call("DELETE", "/settings/system/timezone", read)).status_code == 403
    write = await keyed.key("write")
    elsewhere = await keyed.call("PUT", f"/api/v1/guilds/{OTHER_GUILD}/settings/system/timezone", write,
                                 json={"value": "Asia/Tokyo"})
    assert (elsewhere.status_code, elsewhere.json()["error"]) == (
        403, f"the API key {write[:11]}… belongs to another server")
    assert await hearth.db.fetchval("SELECT count(*) FROM settings_history") == 0
    assert ("system", "timezone") not in await hearth.bot.guild_settings.stored(g.guild.id)


async def test_bad_values_are_refused_in_words_and_change_nothing(keyed: Keyed) -> None:
    hearth = keyed.hearth
    g = hearth.guild
    write = await keyed.key("write")
    answers = {}
    for name, (path, body) in {
        "unknown zone": ("/settings/system/timezone", {"value": "Mars/Olympus"}),
        "null": ("/settings/system/timezone", {"value": None}),
        "no body": ("/settings/system/timezone", None),
        "wrong type": ("/settings/automod/timeout_duration", {"value": "soon"}),
        "a channel of another server": ("/settings/automod/log_channel", {"value": "123456789012345678"}),
        "a role the creator cannot give": ("/settings/automod/mute_role", {"value": str(g.moderator_role.id)}),
        "no such setting": ("/settings/system/nothing", {"value": 1}),
    }.items():
        answer = await keyed.call("PUT", path, write, json=body)
        answers[name] = (answer.status_code, answer.json()["error"])
    assert answers["unknown zone"][0] == 422 and "Mars/Olympus" in answers["unknown zone"][1]
    assert answers["null"] == (422, "a value is required for system.timezone; DELETE the setting to reset it to its "
                                    "default")
    assert answers["no body"] == (422, "invalid request: body: Field required")
    assert answers["wrong type"] == (422, "automod.timeout_duration: expected a duration, got 'soon'.")
    assert answers["a channel of another server"] == (
        422, "automod.log_channel: there is no channel with id 123456789012345678 on this server.")
    assert answers["a role the creator cannot give"][0] == 422
    assert "Manage Roles" in answers["a role the creator cannot give"][1]
    assert answers["no such setting"] == (404, "there is no setting system.nothing; GET …/settings lists them all")
    assert await hearth.db.fetchval("SELECT count(*) FROM settings_history") == 0


async def test_a_key_acts_only_while_its_creator_may_manage_the_server(keyed: Keyed) -> None:
    hearth = keyed.hearth
    g = hearth.guild
    carol_role = g.guild.add_role("Staff admin", ["manage_guild"])
    carol = g.guild.add_member("carol", roles=[carol_role])
    await hearth.discord.settle()
    hers = await keyed.key("write", by=carol, name="carol's sync")
    assert (await keyed.call("PUT", "/settings/system/timezone", hers, json={"value": "Asia/Tokyo"})).status_code \
        == 200
    g.guild.set_roles(carol, [], by=g.owner)
    await hearth.discord.settle()
    refused = await keyed.call("PUT", "/settings/system/timezone", hers, json={"value": "Europe/Oslo"})
    assert refused.status_code == 403
    assert refused.json()["error"] == (f"the API key {hers[:11]}… acts for carol, who no longer has Manage Server on "
                                       "this server; an admin must create a new key")
    assert (await keyed.call("GET", "/settings/system/timezone", hers)).status_code == 200  # reading still works
    await hearth.discord.member_leave(g.guild, carol)
    gone = await keyed.call("DELETE", "/settings/system/timezone", hers)
    assert gone.status_code == 403 and "who is no longer on this server" in gone.json()["error"]
    assert await hearth.bot.guild_settings.get(g.guild.id, "system", "timezone") == "Asia/Tokyo"
    # The admin's key after their data was erased (the key forgets its creator): it may only read.
    admins = await keyed.key("write")
    await hearth.db.execute("UPDATE api_keys SET created_by = NULL WHERE prefix = $1", admins[:11])
    erased = await keyed.call("PUT", "/settings/system/timezone", admins, json={"value": "Europe/Oslo"})
    assert (erased.status_code, erased.json()["error"]) == (
        403, f"the API key {admins[:11]}… acts for the member who created it, whose data was erased; an admin must "
             "create a new key")
    assert (await keyed.call("GET", "/settings/system/timezone", admins)).json()["value"] == "Asia/Tokyo"


async def test_history_pages_and_a_rollback_as_config_rollback(keyed: Keyed) -> None:
    hearth = keyed.hearth
    g = hearth.guild
    write = await keyed.key("write")
    zones = [f"Etc/GMT+{n}" for n in range(1, 6)]
    for zone in zones:
        await keyed.call("PUT", "/settings/system/timezone", write, json={"value": zone})
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 2} | ({"before": cursor} if cursor else {})
        page = await keyed.call("GET", "/settings/history", write, params=params)
        assert page.status_code == 200
        body = page.json()
        assert len(body["items"]) <= 2
        seen += [item["new_value"] for item in body["items"]]
        pages += 1
        cursor = body["next"]
        if cursor is None:
            break
    assert (pages, seen) == (3, list(reversed(zones)))
    first = (await keyed.call("GET", "/settings/history", write, params={"limit": 100})).json()["items"][-1]
    assert first["change_type"] == "api" and first["changed_by"] == str(g.admin.id) and first["old_value"] is None
    bad = await keyed.call("GET", "/settings/history", write, params={"limit": 500})
    assert bad.status_code == 422 and bad.json()["error"].startswith("invalid request: query.limit")
    # Roll back to the first entry.
    read = await keyed.key("read")
    assert (await keyed.call("POST", f"/settings/history/{first['id']}/rollback", read)).status_code == 403
    back = await keyed.call("POST", f"/settings/history/{first['id']}/rollback", write)
    assert back.status_code == 200 and back.json()["setting"]["value"] == "Etc/GMT+1"
    assert await hearth.bot.guild_settings.get(g.guild.id, "system", "timezone") == "Etc/GMT+1"
    last = await hearth.db.fetchrow("SELECT new_value, change_type, changed_by FROM settings_history "
                                    "ORDER BY id DESC LIMIT 1")
    assert tuple(last) == ("Etc/GMT+1", "rollback", g.admin.id)
    assert "· rollback ·" in await _history_text(keyed)
    missing = await keyed.call("POST", "/settings/history/999999/rollback", write)
    assert missing.status_code == 404 and "no history entry #999999 on this server" in missing.json()["error"]
    theirs = await hearth.db.fetchval("INSERT INTO settings_history (guild_id, scope, key, new_value, change_type) "
                                      "VALUES ($1, 'system', 'timezone', '\"Asia/Tokyo\"', 'updated') RETURNING id",
                                      OTHER_GUILD)
    other = await keyed.call("POST", f"/settings/history/{theirs}/rollback", write)
    assert other.status_code == 404
    assert await hearth.bot.guild_settings.get(g.guild.id, "system", "timezone") == "Etc/GMT+1"
