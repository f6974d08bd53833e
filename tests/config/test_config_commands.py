"""/config through the Discord stand-in: what admins see, what is stored, who is refused."""

from __future__ import annotations

from tests.hearth_harness import Hearth
from utils.errors import BadInput


async def test_set_stores_value_and_history_and_replies(hearth: Hearth) -> None:
    g = hearth.guild
    result = await hearth.discord.slash("config set", user=g.admin, guild=g.guild, scope="system",
                                        key="timezone", value="Europe/Paris")
    assert result.ephemeral
    assert "`system.timezone`: `UTC` (default) → `Europe/Paris`" in result.text
    row = await hearth.db.fetchrow("SELECT value, value_type, updated_by FROM bot_settings WHERE guild_id = $1",
                                   g.guild.id)
    assert tuple(row) == ("Europe/Paris", "timezone", g.admin.id)
    history = await hearth.db.fetchrow("SELECT old_value, new_value, changed_by, change_type FROM settings_history")
    assert tuple(history) == (None, "Europe/Paris", g.admin.id, "created")
    assert await hearth.bot.guild_settings.get(g.guild.id, "system", "timezone") == "Europe/Paris"


async def test_member_without_manage_server_is_refused_and_nothing_changes(hearth: Hearth) -> None:
    g = hearth.guild
    # check_permissions=False: the member calls the command anyway (an admin may have changed who sees it).
    result = await hearth.discord.slash("config set", user=g.member, guild=g.guild, check_permissions=False,
                                        scope="system", key="timezone", value="Europe/Paris")
    assert result.ephemeral
    assert result.text == "You need the **Manage Server** permission to use this command."
    assert await hearth.db.fetchval("SELECT count(*) FROM bot_settings") == 0
    assert await hearth.db.fetchval("SELECT count(*) FROM settings_history") == 0


async def test_commands_are_hidden_from_non_admins_by_default(hearth: Hearth) -> None:
    synced = [r for r in hearth.discord.requests("PUT") if r.route.endswith("/commands")]
    config = next(c for c in synced[-1].json if c["name"] == "config")
    assert int(config["default_member_permissions"]) == 1 << 5  # Manage Server
    assert config["dm_permission"] is False  # guild only


async def test_invalid_values_are_refused_with_reason_and_example(hearth: Hearth) -> None:
    g = hearth.guild
    with hearth.discord.expect_errors(BadInput):
        bad_zone = await hearth.discord.slash("config set", user=g.admin, guild=g.guild, scope="system",
                                              key="timezone", value="Mars/Olympus")
    assert "'Mars/Olympus' is not an IANA time zone" in bad_zone.text
    assert "Example: `/config set scope:system key:timezone value:Europe/Amsterdam`" in bad_zone.text
    with hearth.discord.expect_errors(BadInput):
        bad_scope = await hearth.discord.slash("config get", user=g.admin, guild=g.guild, scope="nope", key="x")
    assert bad_scope.ephemeral and "There is no settings scope `nope`. Scopes: " in bad_scope.text
    assert "system" in bad_scope.text.split("Scopes: ")[1]
    with hearth.discord.expect_errors(BadInput):
        no_channel = await hearth.discord.slash("config set", user=g.admin, guild=g.guild, scope="system",
                                                key="log_channel", value="does-not-exist")
    assert "not a channel" in no_channel.text
    assert await hearth.db.fetchval("SELECT count(*) FROM bot_settings") == 0


async def test_channel_and_role_settings_take_options_and_names(hearth: Hearth) -> None:
    g = hearth.guild
    logs = g.guild.add_text_channel("mod-logs")
    await hearth.discord.settle()
    by_option = await hearth.discord.slash("config set", user=g.admin, guild=g.guild, scope="system",
                                           key="log_channel", options={"channel": logs})
    assert f"→ <#{logs.id}>" in by_option.text
    by_name = await hearth.discord.slash("config set", user=g.admin, guild=g.guild, scope="system",
                                         key="staff_role", value="@Moderator")
    assert f"→ <@&{g.moderator_role.id}>" in by_name.text
    stored = {r["key"]: r["value"] for r in await hearth.db.fetch("SELECT key, value FROM bot_settings")}
    assert stored == {"log_channel": logs.id, "staff_role": g.moderator_role.id}
    # The change of staff_role was noted in the new log channel, without pinging anyone.
    note = hearth.discord.last_message(logs)
    assert note.content.startswith(f"⚙️ <@{g.admin.id}> changed a setting: `system.staff_role`")
    posted = [r for r in hearth.discord.requests("POST", "/channels/{channel_id}/messages")]
    assert posted[-1].json["allowed_mentions"]["parse"] == []


async def test_log_channel_403_tells_the_admin_which_permission(hearth: Hearth) -> None:
    g = hearth.guild
    logs = g.guild.add_text_channel("mod-logs")
    await hearth.discord.settle()
    await hearth.discord.slash("config set", user=g.admin, guild=g.guild, scope="system", key="log_channel",
                               options={"channel": logs})
    hearth.discord.fail("POST", f"/channels/{logs.id}/messages", status=403, times=None)
    result = await hearth.discord.slash("config set", user=g.admin, guild=g.guild, scope="system",
                                        key="timezone", value="Asia/Tokyo")
    assert "`system.timezone`: `UTC` (default) → `Asia/Tokyo`" in result.text
    assert f"I'm missing the **Send Messages** permission in <#{logs.id}>" in result.text
    assert await hearth.bot.guild_settings.get(g.guild.id, "system", "timezone") == "Asia/Tokyo"


async def test_reset_and_rollback_restore_values(hearth: Hearth) -> None:
    g = hearth.guild
    slash = hearth.discord.slash
    await slash("config set", user=g.admin, guild=g.guild, scope="system", key="timezone", value="Europe/Paris")
    await slash("config set", user=g.admin, guild=g.guild, scope="system", key="timezone", value="Asia/Tokyo")
    first = await hearth.db.fetchval("SELECT min(id) FROM settings_history")
    result = await slash("config rollback", user=g.admin, guild=g.guild, entry=first)
    assert f"rolled back to entry #{first}: `Asia/Tokyo` → `Europe/Paris`" in result.text
    assert await hearth.bot.guild_settings.get(g.guild.id, "system", "timezone") == "Europe/Paris"
    reset = await slash("config reset", user=g.admin, guild=g.guild, scope="system", key="timezone")
    assert "reset: `Europe/Paris` → `UTC` (default)" in reset.text
    kinds = [r["change_type"] for r in await hearth.db.fetch("SELECT change_type FROM settings_history ORDER BY id")]
    assert kinds == ["created", "updated", "rollback", "deleted"]
    with hearth.discord.expect_errors(BadInput):
        missing = await slash("config rollback", user=g.admin, guild=g.guild, entry=999999)
    assert "There is no history entry #999999 on this server." in missing.text


async def test_rollback_cannot_reach_another_guilds_history(hearth: Hearth) -> None:
    g = hearth.guild
    await hearth.bot.guild_settings.set(42, "system", "timezone", "Asia/Tokyo", changed_by=1)
    foreign = await hearth.db.fetchval("SELECT id FROM settings_history WHERE guild_id = 42")
    with hearth.discord.expect_errors(BadInput):
        result = await hearth.discord.slash("config rollback", user=g.admin, guild=g.guild, entry=foreign)
    assert f"There is no history entry #{foreign}" in result.text
    assert await hearth.db.fetchval("SELECT count(*) FROM bot_settings WHERE guild_id = $1", g.guild.id) == 0


async def test_history_pages_with_buttons(hearth: Hearth) -> None:
    g = hearth.guild
    for n in range(12):
        await hearth.bot.guild_settings.set(g.guild.id, "system", "timezone", f"Etc/GMT+{n % 12}",
                                            changed_by=g.admin.id)
    page1 = await hearth.discord.slash("config history", user=g.admin, guild=g.guild, scope="system")
    embed = page1.embeds[0]
    assert embed["footer"]["text"] == "Page 1 of 2"
    assert embed["description"].count("`system.timezone`") == 10
    await hearth.discord.click(page1, "Next", user=g.admin)
    page2 = page1.message.embeds[0]
    assert page2["footer"]["text"] == "Page 2 of 2"
    assert page2["description"].count("`system.timezone`") == 2


async def test_list_and_get_show_values_and_defaults(hearth: Hearth) -> None:
    g = hearth.guild
    await hearth.bot.guild_settings.set(g.guild.id, "system", "timezone", "Europe/Paris", changed_by=1)
    listing = await hearth.discord.slash("config list", user=g.admin, guild=g.guild, scope="system")
    fields = {f["name"]: f["value"] for f in listing.embeds[0]["fields"]}
    assert fields["system.timezone"].startswith("`Europe/Paris`")
    assert fields["system.language"].startswith("`en` (default)")
    one = await hearth.discord.slash("config get", user=g.admin, guild=g.guild, scope="system", key="log_channel")
    values = {f["name"]: f["value"] for f in one.embeds[0]["fields"]}
    assert values == {"Value": "*default*", "Default": "*not set*", "Type": "channel"}


async def test_autocomplete_scope_key_and_value(hearth: Hearth) -> None:
    g = hearth.guild
    scopes = await hearth.discord.autocomplete("config set", "scope", user=g.admin, guild=g.guild, partial="sy")
    assert [c["value"] for c in scopes] == ["system"]
    keys = await hearth.discord.autocomplete("config set", "key", user=g.admin, guild=g.guild, partial="time",
                                             scope="system")
    assert [c["value"] for c in keys] == ["timezone"]
    zones = await hearth.discord.autocomplete("config set", "value", user=g.admin, guild=g.guild,
                                              partial="amsterdam", scope="system", key="timezone")
    assert [c["value"] for c in zones] == ["Europe/Amsterdam"]


async def test_category_settings_take_a_category_and_refuse_a_text_channel(hearth: Hearth) -> None:
    """Channel settings hold one kind of channel: the ticket category takes a category (by name or id), never a
    text channel, through /config set as through import (one gate: core/setting_values.py)."""
    g = hearth.guild
    async with hearth.discord.expect_errors(BadInput):
        refused = await hearth.discord.slash("config set", user=g.admin, guild=g.guild, scope="tickets",
                                             key="category", value=str(g.general.id))
    assert "`tickets.category`: #general is not a category; this setting needs one." in refused.text
    result = await hearth.discord.slash("config set", user=g.admin, guild=g.guild, scope="tickets",
                                        key="category", value="Community")
    assert result.text.startswith("✅ `tickets.category`")
    assert await hearth.bot.guild_settings.get(g.guild.id, "tickets", "category") == g.category.id


async def test_setting_the_value_it_already_has_records_and_posts_nothing(hearth: Hearth) -> None:
    g = hearth.guild
    log = g.guild.add_text_channel("bot-log")
    await hearth.discord.settle()
    await hearth.bot.guild_settings.set(g.guild.id, "system", "log_channel", log.id, changed_by=g.admin.id)
    await hearth.discord.slash("config set", user=g.admin, guild=g.guild, scope="system", key="timezone",
                               value="Europe/Amsterdam")
    posts = len(hearth.discord.messages_in(log))
    again = await hearth.discord.slash("config set", user=g.admin, guild=g.guild, scope="system", key="timezone",
                                       value="Europe/Amsterdam")
    assert again.ephemeral and again.text == "`system.timezone` is already `Europe/Amsterdam`: nothing changed."
    assert await hearth.db.fetchval("SELECT count(*) FROM settings_history WHERE key = 'timezone'") == 1
    assert len(hearth.discord.messages_in(log)) == posts  # no "changed a setting" line for a non-change
    entry = await hearth.db.fetchval("SELECT id FROM settings_history WHERE key = 'timezone'")
    rolled = await hearth.discord.slash("config rollback", user=g.admin, guild=g.guild, entry=entry)
    assert rolled.text == f"`system.timezone` is already `Europe/Amsterdam`, as entry #{entry} set it: nothing changed."
    assert await hearth.db.fetchval("SELECT count(*) FROM settings_history WHERE key = 'timezone'") == 1


async def test_another_admin_setting_the_same_granted_role_becomes_its_setter(hearth: Hearth) -> None:
    g = hearth.guild
    helpers = g.guild.add_role("Helpers", [])
    await hearth.discord.settle()
    await hearth.discord.slash("config set", user=g.owner, guild=g.guild, scope="gdpr", key="role",
                               options={"role": helpers})
    same = await hearth.discord.slash("config set", user=g.owner, guild=g.guild, scope="gdpr", key="role",
                                      options={"role": helpers})
    assert "nothing changed" in same.text
    # A second admin who may give the role (Manage Roles, a role above it) sets it again: now it is theirs.
    carol = g.guild.add_member("carol", roles=[g.guild.add_role("Role admin", ["manage_guild", "manage_roles"])])
    await hearth.discord.settle()
    taken_over = await hearth.discord.slash("config set", user=carol, guild=g.guild, scope="gdpr", key="role",
                                            options={"role": helpers})
    assert "nothing changed" not in taken_over.text
    assert await hearth.bot.guild_settings.setter(g.guild.id, "gdpr", "role") == carol.id
