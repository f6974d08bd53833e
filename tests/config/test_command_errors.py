"""How the command tree words failures: an internal error gets a reference id that is also in the log."""

from __future__ import annotations

import logging
import re

from tests.hearth_harness import Hearth


async def test_internal_error_has_a_reference_in_reply_and_log(hearth: Hearth, monkeypatch, caplog) -> None:
    g = hearth.guild

    async def broken(guild_id: int) -> dict:
        raise RuntimeError("a bug")

    monkeypatch.setattr(hearth.bot.guild_settings, "stored", broken)
    with caplog.at_level(logging.ERROR, logger="core.command_tree"), hearth.discord.expect_errors(RuntimeError):
        result = await hearth.discord.slash("config list", user=g.admin, guild=g.guild)
    assert result.ephemeral
    match = re.fullmatch(r"Something went wrong on my side \(reference `([0-9a-f]{8})`\)\. .*", result.text)
    assert match, result.text
    record = next(r for r in caplog.records if match.group(1) in r.getMessage())
    assert "/config list" in record.getMessage() and record.exc_info[0] is RuntimeError



def test_forbidden_routes_are_named_with_their_permission() -> None:
    from types import SimpleNamespace

    import discord
    from yarl import URL

    from utils.errors import describe_error

    def forbidden(method: str, path: str) -> discord.Forbidden:
        response = SimpleNamespace(method=method, url=URL(f"http://x/api/v10{path}"), status=403, reason="Forbidden")
        return discord.Forbidden(response, {"message": "Missing Permissions", "code": 50013})

    assert describe_error(forbidden("POST", "/guilds/1/channels")).text.startswith(
        "I'm missing the **Manage Channels** permission in this server, so I can't create channels.")
    assert describe_error(forbidden("PUT", "/guilds/1/members/2/roles/3")).text.startswith(
        "I'm missing the **Manage Roles** permission in this server")
    assert describe_error(forbidden("DELETE", "/channels/55/messages/9")).text.startswith(
        "I'm missing the **Manage Messages** permission in <#55>")
