"""A log channel the bot may not post in is reported, not swallowed: the admins are told in the system log (once),
`/config logs show` says what is missing and how many entries could not be posted; without Attach Files a bulk
deletion is posted without its file and says why; a deleted log channel is reported too."""

from __future__ import annotations

from cogs.serverlogs.kinds import Kind
from tests.kit.serverlogs import LogsDesk
from tests.standin.models import Channel


async def _system_log(desk: LogsDesk) -> Channel:
    channel = desk.server.add_text_channel("system-log")
    await desk.d.settle()
    await desk.setting("system", "log_channel", channel.id)
    return channel


async def _delete_twice(desk: LogsDesk) -> None:
    for text in ("first", "second"):
        said = await desk.d.say(desk.g.general, desk.member, text)
        await desk.d.delete_message(said)
        await desk.turn()


async def test_missing_send_messages_is_reported(desk: LogsDesk) -> None:
    system_log = await _system_log(desk)
    desk.server.set_overwrite(desk.logs[Kind.MESSAGES], desk.server.bot_role, deny=["send_messages"])
    await desk.d.settle()
    await _delete_twice(desk)

    assert desk.messages(Kind.MESSAGES) == []
    assert not desk.d.requests("POST", f"/channels/{desk.logs[Kind.MESSAGES].id}/messages")  # not even tried
    (notice,) = [m for m in desk.d.messages_in(system_log) if "server log" in m.content]
    assert "**Send Messages**, **Embed Links**" in notice.content
    assert f"<#{desk.logs[Kind.MESSAGES].id}>" in notice.content
    shown = (await desk.d.slash("config logs show", user=desk.g.admin)).text
    assert "I'm missing **Send Messages**, **Embed Links**, **Attach Files** there" in shown
    assert "⚠️ 2 could not be posted" in shown


async def test_missing_attach_files_posts_the_bulk_deletion_without_its_file(desk: LogsDesk) -> None:
    desk.server.set_overwrite(desk.logs[Kind.MESSAGES], desk.server.bot_role, deny=["attach_files"])
    for n in range(3):
        await desk.d.say(desk.g.general, desk.member, f"spam {n}", settle=False)
    await desk.d.settle()
    await desk.d.slash("purge", user=desk.owner, count=3)
    await desk.drain()

    (message,) = desk.messages(Kind.MESSAGES)
    assert message.embeds[0]["title"] == "🧹 Messages bulk-deleted" and message.attachments == []
    assert "could not be attached" in message.content and "**Attach Files**" in message.content
    shown = (await desk.d.slash("config logs show", user=desk.g.admin)).text
    assert "I'm missing **Attach Files** there" in shown and "bulk deletions are logged without the file" in shown


async def test_a_deleted_log_channel_is_reported(desk: LogsDesk) -> None:
    desk.server.delete_channel(desk.logs[Kind.MESSAGES], by=desk.owner)
    await desk.d.settle()
    await _delete_twice(desk)

    shown = (await desk.d.slash("config logs show", user=desk.g.admin)).text
    assert f"<#{desk.logs[Kind.MESSAGES].id}> no longer exists" in shown
    assert "⚠️ 2 could not be posted (the log channel no longer exists" in shown
    assert "🗑️ Channel deleted" in desk.titles(Kind.SERVER)


async def test_discord_failing_delays_the_entries_to_the_next_turn(desk: LogsDesk) -> None:
    route = f"/channels/{desk.logs[Kind.MESSAGES].id}/messages"
    desk.d.fail("POST", route, 502, times=5)  # discord.py tries 5 times, then gives up
    said = await desk.d.say(desk.g.general, desk.member, "while Discord struggles")
    await desk.d.delete_message(said)
    assert desk.messages(Kind.MESSAGES) == []
    await desk.turn()

    (entry,) = desk.embeds(Kind.MESSAGES)
    assert entry["fields"][0]["value"] == "while Discord struggles"
    assert len(desk.d.requests("POST", route)) == 6  # 5 refused, then the next turn
