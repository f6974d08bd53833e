"""History and purge (bulk-delete rules, 14-day limit), channel lock/unlock and slowmode, invites and joins."""

from __future__ import annotations

import datetime as dt
from typing import Any

import discord
import pytest

from tests.standin import StandIn
from tests.standin.plugin import DefaultGuild

from .selftest_bot import SelfTestBot

pytestmark = pytest.mark.asyncio(loop_scope="session")
BULK = "/channels/{channel_id}/messages/bulk-delete"
SINGLE = "/channels/{channel_id}/messages/{message_id}"


def listen(bot: SelfTestBot, *names: str) -> list[tuple[str, Any]]:
    seen: list[tuple[str, Any]] = []
    for name in names:
        async def hook(*args: Any, _name: str = name) -> None:
            seen.append((_name, args[0] if len(args) == 1 else args))
        bot.add_listener(hook, f"on_{name}")
    return seen


async def test_history_and_purge(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    seen = listen(bot, "raw_bulk_message_delete", "raw_message_delete")
    general, bob = default_guild.general, default_guild.member
    old_time = discord.utils.utcnow() - dt.timedelta(days=15)
    old = [await standin.say(general, bob, f"old {i}", at=old_time + dt.timedelta(minutes=i), settle=False)
           for i in range(3)]
    new = [await standin.say(general, bob, f"new {i}", settle=False) for i in range(5)]
    await standin.settle()
    channel = bot.get_channel(general.id)
    assert isinstance(channel, discord.TextChannel)
    assert [m.content async for m in channel.history(limit=None)] == [f"new {i}" for i in range(4, -1, -1)] + [
        "old 2", "old 1", "old 0"]
    assert [m.content async for m in channel.history(limit=2, after=old[2])] == ["new 0", "new 1"]
    assert [m.content async for m in channel.history(limit=2, before=new[0])] == ["old 2", "old 1"]
    around = [m.content async for m in channel.history(limit=3, around=new[2])]
    assert around == ["new 3", "new 2", "new 1"]
    assert (await channel.fetch_message(old[0].id)).created_at == discord.utils.snowflake_time(old[0].id)
    with pytest.raises(discord.HTTPException) as err:
        await bot.http.logs_from(channel.id, 101)
    assert err.value.status == 400 and err.value.code == 50035

    # Discord's bulk-delete rules
    for ids, code in (([new[0].id], 50035), ([new[0].id, new[0].id], 50035), ([new[0].id, old[0].id], 50034)):
        with pytest.raises(discord.HTTPException) as err:
            await bot.http.delete_messages(channel.id, ids)
        assert (err.value.status, err.value.code) == (400, code)
    assert not new[0].deleted and not old[0].deleted

    deleted = await channel.purge(limit=None, reason="clean")  # bulk for the new ones, one by one for the old
    await standin.settle()
    assert len(deleted) == 8 and standin.messages_in(general) == []
    (bulk,) = standin.requests("POST", BULK)[-1:]
    assert bulk.status == 204 and sorted(bulk.json["messages"]) == sorted(m.id for m in new)
    singles = [r for r in standin.requests("DELETE", SINGLE) if r.status == 204]
    assert sorted(int(r.params["message_id"]) for r in singles) == sorted(m.id for m in old)
    raw_bulk = [e for name, e in seen if name == "raw_bulk_message_delete"]
    assert [sorted(e.message_ids) for e in raw_bulk] == [sorted(m.id for m in new)]
    assert len([name for name, _ in seen if name == "raw_message_delete"]) == 3
    entries = [e async for e in channel.guild.audit_logs(action=discord.AuditLogAction.message_bulk_delete)]
    assert [(e.target.id, e.extra.count, e.reason) for e in entries] == [(channel.id, 5, "clean")]  # type: ignore


async def test_lock_unlock_and_slowmode(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    seen = listen(bot, "guild_channel_update")
    guild = bot.get_guild(default_guild.guild.id)
    assert guild is not None
    channel = guild.get_channel(default_guild.general.id)
    assert isinstance(channel, discord.TextChannel)
    mods = guild.get_role(default_guild.moderator_role.id)
    assert mods is not None
    await channel.set_permissions(mods, view_channel=True)
    await standin.settle()  # the bot's cache follows CHANNEL_UPDATE
    before = dict(channel.overwrites)
    assert list(before) == [mods]
    await channel.set_permissions(guild.default_role, send_messages=False, add_reactions=False, reason="lock")
    await standin.settle()
    assert channel.overwrites_for(guild.default_role).send_messages is False
    stored = default_guild.general.overwrites[guild.id]
    assert stored.deny == discord.Permissions(send_messages=True, add_reactions=True).value
    await channel.edit(overwrites=before, reason="unlock")  # PATCH permission_overwrites restores exactly
    await standin.settle()
    assert channel.overwrites == before and set(default_guild.general.overwrites) == {mods.id}
    await channel.edit(slowmode_delay=21600)
    await standin.settle()
    assert channel.slowmode_delay == 21600
    with pytest.raises(discord.HTTPException) as err:
        await channel.edit(slowmode_delay=21601)
    assert err.value.code == 50035
    assert len(seen) == 4  # one CHANNEL_UPDATE per successful change
    actions = [e.action async for e in guild.audit_logs(oldest_first=True)]
    A = discord.AuditLogAction
    assert actions == [A.overwrite_create, A.overwrite_create, A.overwrite_delete, A.channel_update]
    # Discord: the bot may only allow/deny permissions it has itself
    default_guild.guild.set_role_permissions(default_guild.guild.bot_role, ["view_channel", "manage_roles",
                                                                          "manage_channels", "send_messages"])
    await standin.settle()
    with pytest.raises(discord.Forbidden):
        await channel.set_permissions(guild.default_role, ban_members=False)


async def test_invites_and_joins(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    seen = listen(bot, "invite_create", "invite_delete", "member_join")
    g = default_guild.guild
    guild = bot.get_guild(g.id)
    assert guild is not None
    channel = guild.get_channel(default_guild.general.id)
    assert isinstance(channel, discord.TextChannel)
    mine = await channel.create_invite(max_age=0, reason="share")
    theirs = g.add_invite(default_guild.general, inviter=default_guild.admin, max_uses=1)
    await standin.settle()
    listed = {i.code: i for i in await guild.invites()}
    assert set(listed) == {mine.code, theirs.code} and listed[theirs.code].inviter.id == default_guild.admin.id
    await standin.member_join(g, "carol", invite=mine.code)
    assert {i.code: i.uses for i in await guild.invites()} == {mine.code: 1, theirs.code: 0}
    await standin.member_join(g, "dave", invite=theirs.code)  # max_uses reached: the invite goes away
    assert [i.code for i in await guild.invites()] == [mine.code]
    g.set_vanity("hearth", uses=7)
    await standin.member_join(g, "erin", invite="hearth")
    vanity = await guild.vanity_invite()
    assert vanity is not None and (vanity.code, vanity.uses) == ("hearth", 8)
    await mine.delete(reason="revoke")
    await standin.settle()
    assert [(n, getattr(x, "code", None)) for n, x in seen if n.startswith("invite")] == [
        ("invite_create", mine.code), ("invite_create", theirs.code), ("invite_delete", theirs.code),
        ("invite_delete", mine.code)]
    assert [x.name for n, x in seen if n == "member_join"] == ["carol", "dave", "erin"]
    A = discord.AuditLogAction
    logged = [(e.action, e.user_id) async for e in guild.audit_logs(oldest_first=True)]
    assert logged == [(A.invite_create, bot.user.id), (A.invite_create, default_guild.admin.id),  # type: ignore
                      (A.invite_delete, bot.user.id)]  # type: ignore[union-attr]
    with pytest.raises(LookupError):
        g.join(standin.add_user("frank"), invite=theirs.code)
    # Discord: listing invites needs Manage Server; INVITE_* events need Manage Channels in the channel
    g.set_role_permissions(g.bot_role, ["view_channel", "send_messages", "create_instant_invite"])
    await standin.settle()
    await channel.create_invite()
    await standin.settle()
    assert len([n for n, _ in seen if n == "invite_create"]) == 2
    with pytest.raises(discord.Forbidden):
        await guild.invites()


async def test_joins_at_once_account_age_and_invite_permissions(standin: StandIn, default_guild: DefaultGuild,
                                                                 bot: SelfTestBot) -> None:
    g = default_guild.guild
    guild = bot.get_guild(g.id)
    assert guild is not None
    first = g.add_invite(default_guild.general, inviter=default_guild.admin)
    second = g.add_invite(default_guild.general, inviter=default_guild.moderator)
    g.set_vanity("town")
    await standin.settle()
    seen: list[dict[str, int]] = []

    async def on_member_join(member: discord.Member) -> None:  # what a bot fetching on each join sees
        seen.append({i.code: i.uses or 0 for i in await member.guild.invites()})

    bot.add_listener(on_member_join)
    year_ago = discord.utils.utcnow() - dt.timedelta(days=365)
    old = standin.add_user("old-timer", created_at=year_ago)
    members = await standin.members_join(g, [(old, first.code), ("newbie", second.code), ("walk-in", "town")])
    assert [m.user.username for m in members] == ["old-timer", "newbie", "walk-in"]
    # every use was counted before the first GUILD_MEMBER_ADD reached the bot
    assert seen == [{first.code: 1, second.code: 1}] * 3 and g.vanity_uses == 1
    joined = {m.name: m for m in guild.members}
    assert abs((joined["old-timer"].created_at - year_ago).total_seconds()) < 1
    assert (discord.utils.utcnow() - joined["newbie"].created_at).total_seconds() < 60
    with pytest.raises(LookupError):  # nothing happens when one code is bad
        g.join_many([("x", first.code), ("y", "no-such-code")])
    assert first.uses == 1 and "x" not in {m.user.username for m in g.members.values()}
    # Discord: the invites and the vanity URL need Manage Server (403, code 50013)
    g.set_role_permissions(g.bot_role, ["view_channel", "send_messages", "manage_channels"])
    await standin.settle()
    for call in (guild.invites(), bot.http.get_vanity_code(guild.id)):
        with pytest.raises(discord.Forbidden) as err:
            await call
        assert err.value.code == 50013
