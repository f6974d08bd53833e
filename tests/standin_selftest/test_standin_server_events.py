"""What people change in Discord's client outside the bot, as the real client sees it: roles and channels edited
or deleted, custom emojis, threads, voice channels, avatars, backdated accounts; and the message events a server
log needs (an edit, a delete the bot never saw, a bulk delete)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import discord
import pytest

from tests.standin import StandIn
from tests.standin.plugin import DefaultGuild

from .selftest_bot import SelfTestBot

pytestmark = pytest.mark.asyncio(loop_scope="session")
A = discord.AuditLogAction


def listen(bot: discord.Client, *names: str) -> list[tuple[str, Any]]:
    """Record what discord.py dispatches for ``names``: (name, args)."""
    seen: list[tuple[str, Any]] = []
    for name in names:
        async def hook(*args: Any, _name: str = name) -> None:
            seen.append((_name, args))
        bot.add_listener(hook, f"on_{name}")  # type: ignore[attr-defined]
    return seen


def guild_of(bot: SelfTestBot, default_guild: DefaultGuild) -> discord.Guild:
    guild = bot.get_guild(default_guild.guild.id)
    assert guild is not None
    return guild


async def audit_actions(guild: discord.Guild) -> list[tuple[discord.AuditLogAction, int]]:
    return [(e.action, e.user_id) async for e in guild.audit_logs(limit=None)][::-1]  # type: ignore[misc]


async def test_roles_edited_and_deleted_in_the_client(standin: StandIn, default_guild: DefaultGuild,
                                                      bot: SelfTestBot) -> None:
    seen = listen(bot, "guild_role_update", "guild_role_delete")
    server, owner = default_guild.guild, default_guild.owner
    role = server.add_role("Helpers", ["send_messages"])
    server.add_member("carol", roles=[role])
    await standin.settle()
    server.edit_role(role, by=owner, name="Helpers+", permissions=["send_messages", "manage_messages"],
                     color=0xFF0000)
    server.delete_role(role, by=owner)
    await standin.settle()

    (_, (before, after)), (_, (deleted,)) = [s for s in seen if s[0] != "guild_role_update" or
                                            s[1][0].id == role.id]
    assert (before.name, after.name, after.color.value) == ("Helpers", "Helpers+", 0xFF0000)
    assert after.permissions.manage_messages and not before.permissions.manage_messages
    assert deleted.id == role.id
    carol = guild_of(bot, default_guild).get_member(server.member("carol").id)
    assert carol is not None and [r.name for r in carol.roles] == ["@everyone"]
    actions = await audit_actions(guild_of(bot, default_guild))
    assert actions[-2:] == [(A.role_update, owner.id), (A.role_delete, owner.id)]
    with pytest.raises(PermissionError):
        server.edit_role(server.role("Admin"), by=default_guild.member, name="mine")


async def test_channels_edited_and_deleted_in_the_client(standin: StandIn, default_guild: DefaultGuild,
                                                         bot: SelfTestBot) -> None:
    seen = listen(bot, "guild_channel_update", "guild_channel_delete")
    server, owner = default_guild.guild, default_guild.owner
    chat = server.add_text_channel("chat", category=default_guild.category)
    await standin.settle()
    server.edit_channel(chat, by=owner, name="talk", topic="anything", rate_limit_per_user=10)
    server.delete_channel(chat, by=owner)
    await standin.settle()

    (_, (before, after)), (_, (deleted,)) = seen
    assert (before.name, after.name, after.topic, after.slowmode_delay) == ("chat", "talk", "anything", 10)
    assert deleted.id == chat.id and guild_of(bot, default_guild).get_channel(chat.id) is None
    assert (await audit_actions(guild_of(bot, default_guild)))[-2:] == [(A.channel_update, owner.id),
                                                                        (A.channel_delete, owner.id)]
    with pytest.raises(PermissionError):
        server.edit_channel(default_guild.general, by=default_guild.member, name="mine")


async def test_custom_emojis(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    seen = listen(bot, "guild_emojis_update")
    server, owner = default_guild.guild, default_guild.owner
    party = server.add_emoji("party", by=owner)
    wave = server.add_emoji("wave", by=owner, animated=True)
    server.rename_emoji(party, "partyparrot", by=owner)
    server.delete_emoji(wave, by=owner)
    await standin.settle()

    assert [[e.name for e in after] for _, (_, _, after) in seen] == [
        ["party"], ["party", "wave"], ["partyparrot", "wave"], ["partyparrot"]]
    _, (_, before, after) = seen[1]
    assert [e.id for e in after] == [party.id, wave.id] and after[1].animated and len(before) == 1
    guild = guild_of(bot, default_guild)
    assert [(e.id, e.name) for e in guild.emojis] == [(party.id, "partyparrot")]
    assert (await audit_actions(guild))[-4:] == [(A.emoji_create, owner.id), (A.emoji_create, owner.id),
                                                 (A.emoji_update, owner.id), (A.emoji_delete, owner.id)]
    server.set_role_permissions(server.everyone, discord.Permissions.text())  # no Manage Expressions
    with pytest.raises(PermissionError):
        server.add_emoji("mine", by=default_guild.member)
    # A bot that connects later gets the emojis in GUILD_CREATE.
    later = await standin.restart(bot, SelfTestBot(sync=False))
    assert [e.name for e in later.get_guild(server.id).emojis] == ["partyparrot"]  # type: ignore[union-attr]


async def test_threads(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    seen = listen(bot, "thread_create", "thread_update", "raw_thread_delete", "message")
    server, general, bob = default_guild.guild, default_guild.general, default_guild.member
    thread = server.create_thread(general, "plans", by=bob)
    await standin.settle()
    said = await standin.say(thread, bob, "in the thread")
    server.edit_thread(thread, by=bob, name="plans for friday", archived=True)
    await standin.settle()
    server.delete_thread(thread, by=default_guild.owner)
    await standin.settle()

    kinds = [name for name, _ in seen]
    assert kinds == ["thread_create", "message", "thread_update", "raw_thread_delete"]
    created = seen[0][1][0]  # the cached thread (renamed since)
    assert (created.id, created.parent_id, created.owner_id) == (thread.id, general.id, bob.id)
    message = seen[1][1][0]
    assert isinstance(message.channel, discord.Thread) and message.channel.parent_id == general.id
    assert message.id == said.id
    before, after = seen[2][1]
    assert (before.name, after.name, before.archived, after.archived) == ("plans", "plans for friday", False, True)
    raw = seen[3][1][0]
    assert (raw.thread_id, raw.parent_id, raw.guild_id) == (thread.id, general.id, server.id)
    assert (await audit_actions(guild_of(bot, default_guild)))[-3:] == [
        (A.thread_create, bob.id), (A.thread_update, bob.id), (A.thread_delete, default_guild.owner.id)]
    server.set_role_permissions(server.everyone, ["view_channel", "send_messages", "create_public_threads"])
    with pytest.raises(PermissionError):  # locking needs Manage Threads, even for its owner
        server.edit_thread(server.create_thread(general, "other", by=bob), by=bob, locked=True)


async def test_threads_are_in_guild_create(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    server = default_guild.guild
    open_thread = server.create_thread(default_guild.general, "open", by=default_guild.member)
    server.edit_thread(server.create_thread(default_guild.general, "old", by=default_guild.member),
                       by=default_guild.member, archived=True)
    later = await standin.restart(bot, SelfTestBot(sync=False))
    guild = later.get_guild(server.id)
    assert guild is not None and [t.id for t in guild.threads] == [open_thread.id]
    assert all(c.id != open_thread.id for c in guild.channels)


async def test_voice(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    moves: list[tuple[str | None, str | None]] = []

    async def on_voice(member: discord.Member, before: discord.VoiceState, after: discord.VoiceState) -> None:
        if member.id == bob.id:  # discord.py updates the `after` object in place later: read it now
            moves.append((before.channel.name if before.channel else None,
                          after.channel.name if after.channel else None))

    bot.add_listener(on_voice, "on_voice_state_update")
    server, bob = default_guild.guild, default_guild.member
    lounge, games = server.add_voice_channel("Lounge"), server.add_voice_channel("Games")
    await standin.settle()
    for act in (lambda: server.voice_join(bob, lounge), lambda: server.voice_join(bob, games),
                lambda: server.voice_move(bob, lounge, by=default_guild.owner)):
        act()
        await standin.settle()  # discord.py updates a cached `after` in place: one change at a time
    guild = guild_of(bot, default_guild)
    channel = guild.get_channel(lounge.id)
    assert isinstance(channel, discord.VoiceChannel) and [m.id for m in channel.members] == [bob.id]
    server.voice_leave(bob, by=default_guild.owner)
    await standin.settle()

    assert moves == [(None, "Lounge"), ("Lounge", "Games"), ("Games", "Lounge"), ("Lounge", None)]
    assert (await audit_actions(guild))[-2:] == [(A.member_move, default_guild.owner.id),
                                                 (A.member_disconnect, default_guild.owner.id)]
    server.set_overwrite(games, "everyone", deny=["connect"])
    with pytest.raises(PermissionError):
        server.voice_join(bob, games)
    server.voice_join(bob, lounge)
    later = await standin.restart(bot, SelfTestBot(sync=False))
    voice = later.get_guild(server.id).get_channel(lounge.id)  # type: ignore[union-attr]
    assert [m.id for m in voice.members] == [bob.id]  # type: ignore[union-attr]  # from GUILD_CREATE


async def test_avatars(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    seen = listen(bot, "member_update", "user_update")
    server, bob = default_guild.guild, default_guild.member
    server.set_avatar(bob, "a1b2c3", server=True)
    await standin.settle()
    server.set_avatar(bob, "d4e5f6")
    await standin.settle()

    (_, (before, after)) = seen[0]
    assert before.guild_avatar is None and after.guild_avatar is not None and after.guild_avatar.key == "a1b2c3"
    user_updates = [args for name, args in seen if name == "user_update"]
    assert len(user_updates) == 1
    old, new = user_updates[0]
    assert old.avatar is None and new.avatar is not None and new.avatar.key == "d4e5f6"


async def test_backdated_accounts(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    created = datetime(2020, 5, 17, 8, 30, tzinfo=UTC)
    old = standin.add_user("veteran", created_at=created)
    await standin.member_join(default_guild.guild, old)
    member = guild_of(bot, default_guild).get_member(old.id)
    assert member is not None and abs(member.created_at - created) < timedelta(milliseconds=1)


async def test_message_events_for_a_server_log(standin: StandIn, default_guild: DefaultGuild,
                                               bot: SelfTestBot) -> None:
    seen = listen(bot, "raw_message_edit", "raw_message_delete", "raw_bulk_message_delete")
    general, bob = default_guild.general, default_guild.member
    edited = await standin.say(general, bob, "first")
    await standin.edit_message(edited, "second")
    later = await standin.restart(bot, SelfTestBot(sync=False))  # an empty message cache
    seen_later = listen(later, "raw_message_delete", "raw_bulk_message_delete")
    await standin.delete_message(edited)
    channel = later.get_channel(general.id)
    assert isinstance(channel, discord.TextChannel)
    kept = [await standin.say(general, bob, f"m{n}") for n in range(3)]
    await channel.delete_messages([discord.Object(m.id) for m in kept])
    await standin.settle()

    (_, (edit,)) = seen[0]
    assert edit.cached_message.content == "first" and edit.message.content == "second"
    assert edit.message.edited_at is not None
    (_, (gone,)), (_, (bulk,)) = seen_later
    assert gone.cached_message is None and (gone.message_id, gone.channel_id) == (edited.id, general.id)
    assert bulk.message_ids == {m.id for m in kept} and [m.content for m in bulk.cached_messages] == [
        "m0", "m1", "m2"]
