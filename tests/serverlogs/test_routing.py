"""What is left out of the log: ignored channels (and their threads), ignored roles, bots; the bot's own log
channels, always; a kind without a channel; another server's events."""

from __future__ import annotations

from cogs.serverlogs.kinds import Kind
from tests.kit.serverlogs import LogsDesk
from tests.standin.plugin import build_default_guild


async def _say_and_delete(desk: LogsDesk, channel, author, text: str) -> None:  # type: ignore[no-untyped-def]
    said = await desk.d.say(channel, author, text)
    await desk.d.delete_message(said)


async def test_ignored_channels_and_their_threads(desk: LogsDesk) -> None:
    commands = desk.server.add_text_channel("bot-commands")
    await desk.d.settle()
    await desk.setting("logs", "ignore_channels", [commands.id])
    thread = desk.server.create_thread(commands, "side chat", by=desk.member)
    await desk.d.settle()
    await _say_and_delete(desk, commands, desk.member, "in the ignored channel")
    await _say_and_delete(desk, thread, desk.member, "in its thread")
    await _say_and_delete(desk, desk.g.general, desk.member, "in general")
    await desk.drain()

    (entry,) = desk.embeds(Kind.MESSAGES)
    assert entry["fields"][0]["value"] == "in general"
    assert "🧵 Thread created" not in desk.titles(Kind.SERVER)  # a thread of the ignored channel is not logged


async def test_ignored_roles(desk: LogsDesk) -> None:
    quiet = desk.server.add_role("Quiet")
    carol = desk.server.add_member("carol", roles=[quiet])
    await desk.d.settle()
    await desk.setting("logs", "ignore_roles", [quiet.id])
    await _say_and_delete(desk, desk.g.general, carol, "from carol")
    desk.server.set_nick(carol, "Caz")
    await _say_and_delete(desk, desk.g.general, desk.member, "from bob")
    await desk.d.settle()
    await desk.drain()

    assert [e["fields"][0]["value"] for e in desk.embeds(Kind.MESSAGES)] == ["from bob"]
    assert "🪪 Nickname changed" not in desk.titles(Kind.MEMBERS)


async def test_bots_are_ignored_unless_asked(desk: LogsDesk) -> None:
    robot = await desk.d.member_join(desk.server, desk.d.add_user("robot", bot=True))
    await _say_and_delete(desk, desk.g.general, robot, "beep")
    await desk.drain()
    assert desk.messages(Kind.MESSAGES) == [] and desk.messages(Kind.MEMBERS) == []

    await desk.setting("logs", "ignore_bots", False)
    await _say_and_delete(desk, desk.g.general, robot, "boop")
    await desk.drain()
    (entry,) = desk.embeds(Kind.MESSAGES)
    assert entry["fields"][0]["value"] == "boop"


async def test_the_bots_own_log_channels_are_never_logged(desk: LogsDesk) -> None:
    system_log = desk.server.add_text_channel("system-log")
    mod_log = desk.server.add_text_channel("mod-log")
    await desk.d.settle()
    await desk.setting("system", "log_channel", system_log.id)
    await desk.setting("moderation", "log_channel", mod_log.id)
    await desk.setting("logs", "ignore_bots", False)
    for channel in (system_log, mod_log, desk.logs[Kind.MESSAGES], desk.logs[Kind.MEMBERS]):
        desk.server.set_overwrite(channel, desk.member, allow=["send_messages"])
        await _say_and_delete(desk, channel, desk.member, f"in #{channel.name}")
    await desk.drain()
    assert desk.messages(Kind.MESSAGES) == []

    await _say_and_delete(desk, desk.g.general, desk.member, "in general")
    await desk.drain()
    (entry,) = desk.messages(Kind.MESSAGES)
    await desk.d.delete_message(entry)  # someone deletes a log entry: not logged either
    await desk.drain()
    ever_posted = [m for m in desk.d.world.messages.values()
                   if m.channel_id == desk.logs[Kind.MESSAGES].id and m.author.id == desk.d.bot_user.id]
    assert ever_posted == [entry] and entry.deleted


async def test_a_kind_without_a_channel_is_not_logged(desk: LogsDesk) -> None:
    await desk.hearth.bot.guild_settings.reset(desk.server.id, "logs", "voice_channel", changed_by=desk.owner.id)
    lounge = desk.server.add_voice_channel("Lounge")
    await desk.d.settle()
    desk.server.voice_join(desk.member, lounge)
    await desk.d.settle()
    await desk.drain()
    assert desk.messages(Kind.VOICE) == [] and "📁 Channel created" in desk.titles(Kind.SERVER)


async def test_another_servers_events_stay_out(desk: LogsDesk) -> None:
    other = build_default_guild(desk.d, "Other Server")
    await desk.d.settle()
    said = await desk.d.say(other.general, other.member, "elsewhere")
    await desk.d.delete_message(said)
    other.guild.set_nick(other.member, "Nope")
    await desk.d.settle()
    await desk.drain()
    assert all(desk.messages(kind) == [] for kind in (Kind.MESSAGES, Kind.MEMBERS, Kind.SERVER))
