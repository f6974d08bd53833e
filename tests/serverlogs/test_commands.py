"""`/config logs …` through the stand-in: setting channels (one kind, all, none), ignoring and un-ignoring, the
overview; `/config set` on the same settings; refusals (a member without Manage Server, before any input is looked
at; bad input answered privately)."""

from __future__ import annotations

from typing import Any

import pytest

from cogs.serverlogs.kinds import KINDS, Kind
from tests.hearth_harness import Hearth
from tests.kit.serverlogs import LogsDesk
from utils.errors import UserFacingError


async def _stored(hearth: Hearth) -> dict[str, Any]:
    rows = await hearth.db.fetch("SELECT key, value FROM bot_settings WHERE guild_id = $1 AND scope = 'logs'",
                                 hearth.guild.guild.id)
    return {row["key"]: row["value"] for row in rows}


async def test_logs_is_a_subgroup_of_config(hearth: Hearth) -> None:
    config = hearth.bot.tree.get_command("config")
    assert config.get_command("logs") is not None and hearth.bot.tree.get_command("logs") is None


async def test_channel_for_one_kind_then_all_then_none(hearth: Hearth) -> None:
    d, g = hearth.discord, hearth.guild
    logs = g.guild.add_text_channel("logs")
    await d.settle()
    one = await d.slash("config logs channel", user=g.admin, kind="messages", options={"channel": logs})
    assert one.ephemeral and f"<#{logs.id}>" in one.text and "Messages events are logged" in one.text
    assert await _stored(hearth) == {"messages_channel": logs.id}

    await d.slash("config logs channel", user=g.admin, kind="all", options={"channel": logs})
    assert await _stored(hearth) == {KINDS[k].spec.key: logs.id for k in Kind}

    off = await d.slash("config logs channel", user=g.admin, kind="all")
    assert "Not logging" in off.text and await _stored(hearth) == {}
    history = await hearth.db.fetchval("SELECT count(*) FROM settings_history WHERE guild_id = $1 AND scope = 'logs'",
                                       g.guild.id)
    assert history == 1 + 4 + 5  # messages_channel already held #logs: not changed again


async def test_channel_warns_about_missing_permissions(hearth: Hearth) -> None:
    d, g = hearth.discord, hearth.guild
    logs = g.guild.add_text_channel("logs")
    g.guild.set_overwrite(logs, g.guild.bot_role, deny=["attach_files"])
    await d.settle()
    answer = await d.slash("config logs channel", user=g.admin, kind="messages", options={"channel": logs})
    assert "I'm missing **Attach Files**" in answer.text and "bulk deletions come without their file" in answer.text


async def test_ignore_and_unignore(hearth: Hearth) -> None:
    d, g = hearth.discord, hearth.guild
    quiet = g.guild.add_role("Quiet")
    await d.settle()
    added = await d.slash("config logs ignore", user=g.admin, options={"channel": g.general, "role": quiet,
                                                                       "bots": False})
    assert added.ephemeral and "is ignored" in added.text and "bots and webhooks are logged" in added.text
    assert await _stored(hearth) == {"ignore_channels": [g.general.id], "ignore_roles": [quiet.id],
                                     "ignore_bots": False}

    await d.slash("config logs ignore", user=g.admin, options={"channel": g.general, "role": quiet, "remove": True})
    assert await _stored(hearth) == {"ignore_bots": False}


async def test_config_set_works_on_the_same_settings(hearth: Hearth) -> None:
    d, g = hearth.discord, hearth.guild
    logs = g.guild.add_text_channel("logs")
    await d.settle()
    await d.slash("config set", user=g.admin, scope="logs", key="voice_channel", value=f"<#{logs.id}>")
    await d.slash("config set", user=g.admin, scope="logs", key="new_account_age", value="3d")
    assert await _stored(hearth) == {"voice_channel": logs.id, "new_account_age": 3 * 86400}


async def test_show(desk: LogsDesk) -> None:
    quiet = desk.server.add_role("Quiet")
    await desk.d.settle()
    await desk.setting("logs", "ignore_roles", [quiet.id])
    said = await desk.d.say(desk.g.general, desk.member, "hi")
    await desk.d.delete_message(said)
    await desk.hearth.bot.guild_settings.reset(desk.server.id, "logs", "voice_channel", changed_by=desk.owner.id)

    shown = await desk.d.slash("config logs show", user=desk.g.admin)
    assert shown.ephemeral
    text = shown.text
    assert f"**messages** (edited, deleted and bulk-deleted messages): <#{desk.logs[Kind.MESSAGES].id}>" in text
    assert "**voice** (voice joins, leaves and moves): not logged" in text
    assert f"Roles: <@&{quiet.id}>" in text and "Bots and webhooks: ignored" in text
    assert "Flagged when younger than 7d" in text
    assert f"<#{desk.logs[Kind.MESSAGES].id}>: 1 posted, 0 waiting" in text


@pytest.mark.parametrize(("command", "options"), [
    ("config logs channel", {"kind": "all"}),
    ("config logs ignore", {"bots": False}),
    ("config logs show", {}),
])
async def test_a_member_without_manage_server_is_refused(hearth: Hearth, command: str,
                                                         options: dict[str, Any]) -> None:
    d, g = hearth.discord, hearth.guild
    logs = g.guild.add_text_channel("logs")
    await d.settle()
    await hearth.bot.guild_settings.set(g.guild.id, "logs", "members_channel", logs.id, changed_by=g.owner.id)
    refused = await d.slash(command, user=g.member, check_permissions=False, options=options)
    assert refused.ephemeral and refused.text == "You need the **Manage Server** permission to use this command."
    assert await _stored(hearth) == {"members_channel": logs.id}


async def test_bad_input_is_answered_privately(hearth: Hearth) -> None:
    d, g = hearth.discord, hearth.guild
    d.ignore_errors(UserFacingError)
    nothing = await d.slash("config logs ignore", user=g.admin)
    assert nothing.ephemeral and "Give a `channel`, a `role` or `bots`" in nothing.text
    assert "Example: `/config logs ignore channel:#bot-commands`" in nothing.text
    everyone = await d.slash("config logs ignore", user=g.admin, options={"role": g.guild.everyone})
    assert everyone.ephemeral and "@everyone" in everyone.text
    assert await _stored(hearth) == {}
