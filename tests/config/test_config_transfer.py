"""/config export in one guild and /config import into another whose channels and roles have other ids."""

from __future__ import annotations

import json

from tests.hearth_harness import Hearth
from utils.errors import BadInput


async def _export(hearth: Hearth, guild, admin) -> bytes:
    result = await hearth.discord.slash("config export", user=admin, guild=guild)
    message = result.followups[0] if result.followups else result.message
    assert "setting(s) exported" in message.content
    return message.attachments[0].data


async def test_export_then_import_into_another_guild(hearth: Hearth) -> None:
    d, g = hearth.discord, hearth.guild
    logs_a = g.guild.add_text_channel("mod-logs")
    await d.settle()
    store = hearth.bot.guild_settings
    await store.set(g.guild.id, "system", "timezone", "Europe/Paris", changed_by=1)
    await store.set(g.guild.id, "system", "log_channel", logs_a.id, changed_by=1)
    await store.set(g.guild.id, "system", "staff_role", g.moderator_role.id, changed_by=1)

    exported = json.loads(await _export(hearth, g.guild, g.admin))
    assert exported["format"] == "hearth-settings" and exported["guild"]["id"] == g.guild.id
    by_key = {item["key"]: item for item in exported["settings"]}
    assert by_key["log_channel"] == {"scope": "system", "key": "log_channel", "type": "channel",
                                     "value": logs_a.id, "channel_name": "mod-logs"}
    assert by_key["staff_role"]["role_name"] == "Moderator"

    other = d.add_guild("Other Server")
    logs_b = other.add_text_channel("mod-logs")  # same name, another id; no "Moderator" role there yet
    admin_b = other.add_member("carol", permissions=["manage_guild"])
    await d.settle()
    # A role the file names does not exist here: the whole file is refused, nothing is half-imported.
    with d.expect_errors(BadInput):
        refused = await d.slash("config import", user=admin_b, guild=other,
                                file=("settings.json", json.dumps(exported).encode()))
    assert refused.ephemeral and "The import was refused: nothing was changed." in refused.text
    assert "`system.staff_role`: role @Moderator does not exist on this server." in refused.text
    assert await hearth.db.fetchval("SELECT count(*) FROM bot_settings WHERE guild_id = $1", other.id) == 0

    moderator_b = other.add_role("Moderator", ["manage_messages"])
    await d.settle()
    preview = await d.slash("config import", user=admin_b, guild=other,
                            file=("settings.json", json.dumps(exported).encode()))
    shown = preview.followups[0] if preview.followups else preview.message
    text = shown.embeds[0]["description"] + json.dumps(shown.embeds[0].get("fields"))
    assert f"`system.log_channel`: *not set* → <#{logs_b.id}> (remapped by name to #mod-logs)" in text
    assert f"`system.staff_role`: *not set* → <@&{moderator_b.id}> (remapped by name to @Moderator)" in text
    assert "`system.timezone`: *not set* → `Europe/Paris`" in text
    assert await hearth.db.fetchval("SELECT count(*) FROM bot_settings WHERE guild_id = $1", other.id) == 0

    await d.click(shown, "Apply", user=admin_b)
    stored = {r["key"]: r["value"] for r in await hearth.db.fetch(
        "SELECT key, value FROM bot_settings WHERE guild_id = $1", other.id)}
    assert stored == {"timezone": "Europe/Paris", "log_channel": logs_b.id, "staff_role": moderator_b.id}
    kinds = {r["change_type"] for r in await hearth.db.fetch(
        "SELECT change_type FROM settings_history WHERE guild_id = $1", other.id)}
    assert kinds == {"import"}
    assert d.world.messages[shown.id].content.startswith("✅ Imported 3 setting(s)")
    # Guild A is untouched.
    assert await hearth.bot.guild_settings.get(g.guild.id, "system", "log_channel") == logs_a.id


async def test_import_refuses_files_that_are_not_exports(hearth: Hearth) -> None:
    d, g = hearth.discord, hearth.guild
    with d.expect_errors(BadInput):
        result = await d.slash("config import", user=g.admin, guild=g.guild, file=("notes.txt", b"hello"))
    assert "That file is not JSON" in result.text
    with d.expect_errors(BadInput):
        result = await d.slash("config import", user=g.admin, guild=g.guild,
                               file=("x.json", json.dumps({"format": "other"}).encode()))
    assert "not a Hearth settings export" in result.text


async def test_cancel_changes_nothing(hearth: Hearth) -> None:
    d, g = hearth.discord, hearth.guild
    document = {"format": "hearth-settings", "version": 1, "guild": {}, "exported_at": "",
                "settings": [{"scope": "system", "key": "timezone", "type": "timezone", "value": "Asia/Tokyo"}]}
    preview = await d.slash("config import", user=g.admin, guild=g.guild,
                            file=("s.json", json.dumps(document).encode()))
    shown = preview.followups[0] if preview.followups else preview.message
    await d.click(shown, "Cancel", user=g.admin)
    assert d.world.messages[shown.id].content == "Import cancelled: nothing was changed."
    assert await hearth.db.fetchval("SELECT count(*) FROM bot_settings") == 0
