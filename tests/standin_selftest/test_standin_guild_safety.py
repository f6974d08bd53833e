"""Modify Guild (verification level, invites paused), admins changing them in Server Settings, and joins of accounts
with a chosen creation date and avatar, as the real client sees them."""

from __future__ import annotations

import datetime as dt

import discord
import pytest

from tests.standin import StandIn
from tests.standin.plugin import DefaultGuild

from .selftest_bot import SelfTestBot

pytestmark = pytest.mark.asyncio(loop_scope="session")


def _guild(bot: SelfTestBot, default_guild: DefaultGuild) -> discord.Guild:
    guild = bot.get_guild(default_guild.guild.id)
    assert guild is not None
    return guild


async def test_the_bot_raises_the_verification_level_and_pauses_invites(
        standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    updates: list[tuple[discord.Guild, discord.Guild]] = []

    async def on_guild_update(before: discord.Guild, after: discord.Guild) -> None:
        updates.append((before, after))

    bot.add_listener(on_guild_update)
    server = default_guild.guild
    invite = server.add_invite(default_guild.general)
    guild = _guild(bot, default_guild)
    edited = await guild.edit(verification_level=discord.VerificationLevel.high, reason="raid")
    assert edited.verification_level is discord.VerificationLevel.high
    await guild.edit(invites_disabled=True)
    await standin.settle()

    assert server.verification_level == 3 and server.invites_paused
    assert guild.verification_level is discord.VerificationLevel.high and guild.invites_paused()  # GUILD_UPDATE
    assert [(b.verification_level.value, a.verification_level.value) for b, a in updates] == [(0, 3), (3, 3)]
    assert "INVITES_DISABLED" in updates[-1][1].features and "INVITES_DISABLED" not in updates[-1][0].features
    entry = server.audit_log[-1]
    assert (entry["action_type"], entry["target_id"], entry["reason"]) == (1, str(server.id), "raid")
    assert entry["changes"] == [{"key": "verification_level", "old_value": 0, "new_value": 3}]
    audited = [e async for e in guild.audit_logs(action=discord.AuditLogAction.guild_update)]
    assert audited[0].after.verification_level is discord.VerificationLevel.high
    with pytest.raises(PermissionError, match="paused"):
        server.join("carol", invite=invite.code)

    await guild.edit(invites_disabled=False, verification_level=discord.VerificationLevel.none)
    await standin.settle()
    assert not server.invites_paused and server.verification_level == 0 and not guild.invites_paused()
    carol = await standin.member_join(server, "carol", invite=invite.code)
    assert guild.get_member(carol.id) is not None


async def test_modify_guild_needs_manage_server_and_a_valid_level(
        standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    server = default_guild.guild
    guild = _guild(bot, default_guild)
    with pytest.raises(discord.HTTPException) as bad:
        await bot.http.edit_guild(guild.id, verification_level=7)
    assert (bad.value.status, bad.value.code) == (400, 50035)
    with pytest.raises(discord.HTTPException) as unmodelled:
        await bot.http.edit_guild(guild.id, afk_timeout=60)
    assert "not modelled" in unmodelled.value.text
    server.set_role_permissions(server.bot_role, ["view_channel", "send_messages", "moderate_members"])
    await standin.settle()
    with pytest.raises(discord.Forbidden):
        await guild.edit(verification_level=discord.VerificationLevel.high)
    with pytest.raises(discord.Forbidden):
        await guild.edit(invites_disabled=True)
    assert server.verification_level == 0 and not server.invites_paused


async def test_admins_change_the_safety_settings_in_the_client(
        standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    server = default_guild.guild
    guild = _guild(bot, default_guild)
    server.set_verification_level(2, by=default_guild.admin, reason="tighten")
    server.pause_invites(by=default_guild.admin)
    await standin.settle()
    assert guild.verification_level is discord.VerificationLevel.medium and guild.invites_paused()
    entry = server.audit_log[-1]
    assert (entry["user_id"], entry["action_type"]) == (str(default_guild.admin.id), 1)
    with pytest.raises(PermissionError):
        server.set_verification_level(4, by=default_guild.member)
    with pytest.raises(PermissionError):
        server.pause_invites(False, by=default_guild.member)
    server.pause_invites(False, by=default_guild.owner)
    await standin.settle()
    assert not guild.invites_paused() and server.verification_level == 2


async def test_joins_of_accounts_with_a_creation_date_and_avatar(
        standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    made = dt.datetime(2025, 3, 1, 8, 30, tzinfo=dt.UTC)
    joined = dt.datetime(2025, 3, 2, 9, 0, tzinfo=dt.UTC)
    fresh = await standin.member_join(default_guild.guild, "fresh", created_at=made, joined_at=joined)
    styled = await standin.member_join(default_guild.guild, "styled", avatar="a1b2c3")
    guild = _guild(bot, default_guild)
    first, second = guild.get_member(fresh.id), guild.get_member(styled.id)
    assert first is not None and second is not None
    assert abs(first.created_at - made) < dt.timedelta(seconds=1) and first.joined_at == joined
    assert first.avatar is None and first.display_avatar.url.endswith(".png")  # Discord's default avatar
    assert second.avatar is not None and second.avatar.key == "a1b2c3"
    assert discord.utils.utcnow() - second.created_at < dt.timedelta(minutes=1)
    assert len({fresh.id, styled.id, *(standin.add_user(f"u{n}", created_at=made).id for n in range(50))}) == 52
