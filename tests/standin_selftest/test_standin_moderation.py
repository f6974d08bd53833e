"""Audit log, bans/kicks/timeouts by the bot and by moderators in Discord's menus, as the real client sees them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import discord
import pytest

from tests.standin import ApiError, StandIn
from tests.standin.plugin import DefaultGuild

from .selftest_bot import SelfTestBot

pytestmark = pytest.mark.asyncio(loop_scope="session")
A = discord.AuditLogAction


def listen(bot: SelfTestBot, *names: str) -> list[tuple[str, Any]]:
    """Record what discord.py dispatches for ``names`` (e.g. "audit_log_entry_create")."""
    seen: list[tuple[str, Any]] = []
    for name in names:
        async def hook(*args: Any, _name: str = name) -> None:
            seen.append((_name, args[0] if len(args) == 1 else args))
        bot.add_listener(hook, f"on_{name}")
    return seen


async def test_bot_actions_are_audited(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    seen = listen(bot, "audit_log_entry_create")
    guild = bot.get_guild(default_guild.guild.id)
    assert guild is not None
    bob = guild.get_member(default_guild.member.id)
    assert bob is not None
    role = await guild.create_role(name="Muted", reason="setup")
    await role.edit(name="Silenced")
    await bob.edit(nick="bobby", roles=[role], reason="tidy")
    await bob.timeout(dt.timedelta(minutes=5), reason="calm down")
    channel = await guild.create_text_channel("tmp", reason="make")
    await channel.edit(slowmode_delay=30, reason="slow")
    await channel.set_permissions(guild.default_role, send_messages=False, reason="lock")
    await channel.set_permissions(guild.default_role, overwrite=None, reason="unlock")
    said = await standin.say(default_guild.general, default_guild.member, "spam")
    general = bot.get_channel(default_guild.general.id)
    assert isinstance(general, discord.TextChannel)
    await (await general.fetch_message(said.id)).delete()
    await channel.delete(reason="done")
    await role.delete()
    await guild.kick(discord.Object(default_guild.moderator.id), reason="bye")
    await guild.ban(discord.Object(default_guild.member.id), reason="spam")
    await guild.unban(discord.Object(default_guild.member.id), reason="appeal")
    await standin.settle()

    entries = [e async for e in guild.audit_logs(limit=None)]
    assert [e.action for e in reversed(entries)] == [
        A.role_create, A.role_update, A.member_update, A.member_role_update, A.member_update, A.channel_create,
        A.channel_update, A.overwrite_create, A.overwrite_delete, A.message_delete, A.channel_delete,
        A.role_delete, A.kick, A.ban, A.unban,
    ]
    assert all(e.user_id == bot.user.id for e in entries)  # type: ignore[union-attr]
    chrono = entries[::-1]
    kick, ban = chrono[12], chrono[13]
    assert (ban.target.id, ban.reason) == (default_guild.member.id, "spam")  # type: ignore[union-attr]
    assert (kick.target.id, kick.reason) == (default_guild.moderator.id, "bye")  # type: ignore[union-attr]
    assert chrono[2].after.nick == "bobby" and chrono[2].reason == "tidy"
    assert [r.id for r in chrono[3].after.roles] == [role.id]
    timeout = chrono[4]
    assert timeout.reason == "calm down" and timeout.after.timed_out_until > discord.utils.utcnow()
    assert chrono[6].after.slowmode_delay == 30 and chrono[6].before.slowmode_delay == 0
    lock = chrono[7]
    assert lock.reason == "lock" and lock.extra == guild.default_role and lock.after.deny.send_messages
    assert chrono[8].reason == "unlock" and chrono[8].before.deny.send_messages
    deleted = chrono[9]
    assert deleted.target.id == default_guild.member.id and deleted.extra.count == 1  # type: ignore[union-attr]
    assert [entry.id for _, entry in seen] == [e.id for e in reversed(entries)]  # the gateway event, in order

    # filters: action, user, before/after (oldest first), limit
    assert [e.target.id async for e in guild.audit_logs(action=A.ban)] == [default_guild.member.id]  # type: ignore
    assert [e async for e in guild.audit_logs(user=guild.owner)] == []  # type: ignore[arg-type]
    oldest = [e.action async for e in guild.audit_logs(limit=3, oldest_first=True)]
    assert oldest == [A.role_create, A.role_update, A.member_update]
    after = [e.action async for e in guild.audit_logs(after=entries[2], oldest_first=True)]
    assert after == [A.ban, A.unban]
    before = [e.action async for e in guild.audit_logs(before=entries[2], limit=2)]
    assert before == [A.role_delete, A.channel_delete]
    (req,) = standin.requests("GET", "/guilds/{guild_id}/audit-logs")[-1:]
    assert req.query["limit"] == "2" and req.response["users"]


async def test_audit_log_needs_view_audit_log(standin: StandIn, default_guild: DefaultGuild) -> None:
    guild = default_guild.guild
    guild.set_role_permissions(guild.bot_role, ["view_channel", "send_messages", "ban_members", "kick_members"])
    bot = await standin.connect(SelfTestBot())
    seen = listen(bot, "audit_log_entry_create", "member_ban")
    dguild = bot.get_guild(guild.id)
    assert dguild is not None
    await dguild.ban(discord.Object(default_guild.member.id), reason="x")
    await standin.settle()
    assert [name for name, _ in seen] == ["member_ban"]  # no GUILD_AUDIT_LOG_ENTRY_CREATE without the permission
    assert standin.events("GUILD_AUDIT_LOG_ENTRY_CREATE") == [] and len(guild.audit_log) == 1
    with pytest.raises(discord.Forbidden) as err:
        [e async for e in dguild.audit_logs()]
    assert err.value.code == 50013


async def test_moderators_acting_in_discord(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    """Bans, timeouts and kicks done by people in Discord's menus reach the bot like on Discord, with the
    moderator in the audit log."""
    seen = listen(bot, "member_ban", "member_unban", "member_remove", "member_update", "audit_log_entry_create")
    g = default_guild.guild
    mo, bob, owner = default_guild.moderator, default_guild.member, default_guild.owner
    with pytest.raises(PermissionError):
        g.ban(bob, by=mo)  # the Moderator role has no Ban Members
    with pytest.raises(PermissionError):
        g.kick(owner, by=mo)  # nobody outranks the owner
    g.timeout(bob, dt.timedelta(hours=1), by=mo, reason="flood")
    await standin.settle()
    dguild = bot.get_guild(g.id)
    assert dguild is not None
    cached = dguild.get_member(bob.id)
    assert cached is not None and cached.is_timed_out()
    g.timeout(bob, None, by=mo)
    await standin.settle()
    assert not cached.is_timed_out()
    with pytest.raises(ApiError, match="Invalid Form Body"):  # more than Discord's 28 days
        g.timeout(bob, dt.timedelta(days=29), by=mo)
    old = await standin.say(default_guild.general, bob, "recent")
    g.ban(bob, by=owner, reason="raid", delete_message_seconds=3600)
    await standin.settle()
    assert old.deleted and dguild.get_member(bob.id) is None
    g.unban(bob.user, by=owner, reason="appeal")
    carol = g.add_member("carol")
    g.kick(carol, by=mo, reason="alt")
    await standin.settle()

    names = [name for name, _ in seen]
    assert names.count("member_update") == 2
    assert [n for n in names if n in ("member_ban", "member_remove", "member_unban")] == [
        "member_ban", "member_remove", "member_unban", "member_remove"
    ]
    audit = [entry for name, entry in seen if name == "audit_log_entry_create"]
    assert [(e.action, e.user_id, e.reason) for e in audit] == [
        (A.member_update, mo.id, "flood"), (A.member_update, mo.id, None), (A.ban, owner.id, "raid"),
        (A.unban, owner.id, "appeal"), (A.kick, mo.id, "alt"),
    ]
    assert audit[1].before.timed_out_until is not None and audit[1].after.timed_out_until is None
    assert standin.events("MESSAGE_DELETE_BULK")[-1]["ids"] == [str(old.id)]  # the ban's message deletion


async def test_a_role_deleted_in_discord(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    """An admin deleting a role in Server Settings: members lose it, GUILD_ROLE_DELETE, audit entry 32."""
    seen = listen(bot, "guild_role_delete")
    g = default_guild.guild
    gamers = g.add_role("Gamers")
    bob = default_guild.member
    g.set_roles(bob, [gamers], by=default_guild.owner)
    with pytest.raises(PermissionError):
        g.delete_role(gamers, by=default_guild.moderator)  # no Manage Roles
    g.delete_role(gamers)
    await standin.settle()
    dguild = bot.get_guild(g.id)
    assert dguild is not None and dguild.get_role(gamers.id) is None
    assert [role.id for _, role in seen] == [gamers.id] and gamers.id not in g.members[bob.id].roles
    entry = g.audit_log[-1]
    assert entry["action_type"] == 32 and entry["target_id"] == str(gamers.id)
    assert entry["user_id"] == str(default_guild.owner.id)
