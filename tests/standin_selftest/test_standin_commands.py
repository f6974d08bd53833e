"""Slash commands, subcommand groups, options, autocomplete, context menus, deferrals."""

from __future__ import annotations

import pytest

from tests.standin import StandIn
from tests.standin.plugin import DefaultGuild

from .selftest_bot import SelfTestBot

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_ephemeral_reply(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    result = await standin.slash("ping", user=default_guild.member)
    assert result.response_type == 4
    assert result.content == "pong"
    assert result.ephemeral
    assert result.message is not None and result.message.ephemeral_for == default_guild.member.id
    assert standin.messages_in(default_guild.general) == []  # ephemeral: not in the channel
    (callback,) = standin.requests("POST", "/interactions/{interaction_id}/{webhook_token}/callback")
    assert callback.query == {"with_response": "1"}
    assert callback.json["data"]["flags"] == 64


async def test_subcommand_with_choices(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    result = await standin.slash(
        "config set", user=default_guild.admin, scope="system", key="timezone", value="Europe/Paris"
    )
    assert result.content == "system.timezone=Europe/Paris"
    sent = result.payload["data"]
    assert sent["options"][0]["type"] == 1 and sent["options"][0]["name"] == "set"
    with pytest.raises(ValueError, match="not one of"):
        await standin.slash("config set", user=default_guild.admin, scope="galaxy", key="k", value="v")
    with pytest.raises(ValueError, match="unknown option"):
        await standin.slash("config set", user=default_guild.admin, scope="user", key="k", value="v", colour="red")
    with pytest.raises(ValueError, match="missing required"):
        await standin.slash("config set", user=default_guild.admin, scope="user")
    with pytest.raises(LookupError, match="is a group"):
        await standin.slash("config channel", user=default_guild.admin)


async def test_subcommand_group_with_every_option_type(
    standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot
) -> None:
    result = await standin.slash(
        "config channel assign",
        user=default_guild.admin,
        target=default_guild.general,
        role=default_guild.moderator_role,
        member=default_guild.moderator,
        count=41,
        ratio=0.25,
        enabled=True,
        file=("notes.txt", b"hi there", "text/plain"),
    )
    assert result.content == "general|Moderator|mo|42|0.5|True|notes.txt|b'hi there'"
    assert not result.ephemeral
    assert standin.last_message(default_guild.general) is result.message
    data = result.payload["data"]
    group = data["options"][0]
    assert (group["type"], group["name"]) == (2, "channel")
    assert (group["options"][0]["type"], group["options"][0]["name"]) == (1, "assign")
    assert set(data["resolved"]) == {"channels", "roles", "users", "members", "attachments"}


async def test_autocomplete(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    choices = await standin.autocomplete("config set", "key", user=default_guild.admin, partial="tim", scope="system")
    assert [c["value"] for c in choices] == ["timezone", "time_format"]
    assert standin.requests("POST")[-1].json["type"] == 8


async def test_context_menus(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    msg = await standin.say(default_guild.general, default_guild.member, "rude words")
    report = await standin.context_menu("Report message", msg, user=default_guild.moderator)
    assert report.content == f"reported {msg.id}: rude words"
    assert report.payload["data"]["type"] == 3
    inspect = await standin.context_menu("Inspect user", default_guild.moderator, user=default_guild.admin)
    assert inspect.content == "mo has 2 roles"
    assert inspect.payload["data"]["target_id"] == str(default_guild.moderator.id)


async def test_deferred_response_followups_and_edit(
    standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot
) -> None:
    result = await standin.slash("slow", user=default_guild.member)
    assert result.response_type == 5
    assert result.deferred
    # The first followup after a "thinking" defer replaces the loading message, like Discord.
    assert result.followups[0].id == result.original_id
    assert result.followups[1].content == "secret" and result.followups[1].ephemeral
    assert result.content == "done"  # edited @original
    assert result.edits == [{"content": "done"}] or result.edits[0]["content"] == "done"
    assert [m.content for m in standin.messages_in(default_guild.general)] == ["done"]
    assert standin.requests("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}")[0].path.endswith(
        "/messages/@original"
    )


async def test_default_member_permissions_hide_commands(standin: StandIn, default_guild: DefaultGuild) -> None:
    from discord import app_commands
    from discord.ext import commands

    bot = commands.Bot(command_prefix="!", intents=__import__("discord").Intents.default())

    @bot.tree.command(description="admins only")
    @app_commands.default_permissions(manage_guild=True)
    async def secret(interaction) -> None:  # type: ignore[no-untyped-def]
        await interaction.response.send_message("ok")

    await standin.connect(bot)  # never synced: the stand-in falls back to bot.tree
    with pytest.raises(PermissionError):
        await standin.slash("secret", user=default_guild.member)
    assert (await standin.slash("secret", user=default_guild.admin)).content == "ok"


async def test_response_with_file_and_dm_invocation(
    standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot
) -> None:
    result = await standin.slash("export", user=default_guild.member)
    assert result.content == "here" and result.ephemeral
    assert [(f.filename, f.data) for f in result.files] == [("export.csv", b"a,b\n1,2\n")]
    (callback,) = standin.requests("POST", "/interactions/{interaction_id}/{webhook_token}/callback")
    assert callback.files[0].filename == "export.csv"
    in_dm = await standin.slash("ping", user=default_guild.member.user)
    assert in_dm.content == "pong"
    assert "user" in in_dm.payload and "guild_id" not in in_dm.payload
