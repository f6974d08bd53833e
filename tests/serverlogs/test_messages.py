"""Messages in the log: an edit (before and after), a deletion from the cache (text and attachments), a deletion
the bot never saw (what the raw event tells), a bulk deletion (one file with the messages)."""

from __future__ import annotations

from cogs.serverlogs.kinds import Kind
from tests.kit.serverlogs import LogsDesk, field, text_of


async def test_an_edit_shows_before_and_after(desk: LogsDesk) -> None:
    said = await desk.d.say(desk.g.general, desk.member, "see you at 8")
    await desk.d.edit_message(said, "see you at 9")
    await desk.turn()

    entry = desk.only(Kind.MESSAGES)
    assert entry["title"] == "✏️ Message edited"
    assert (field(entry, "Before"), field(entry, "After")) == ("see you at 8", "see you at 9")
    assert f"<@{desk.member.id}>" in entry["description"] and f"<#{desk.g.general.id}>" in entry["description"]
    assert f"/{desk.g.general.id}/{said.id}" in entry["description"]  # the jump link
    assert desk.messages(Kind.MESSAGES)[0].pings is not None and not desk.messages(Kind.MESSAGES)[0].pings


async def test_an_embed_appearing_is_not_an_edit(desk: LogsDesk) -> None:
    said = await desk.d.say(desk.g.general, desk.member, "look https://example.com")
    said.embeds = [{"type": "link", "url": "https://example.com", "title": "Example"}]
    await desk.d.edit_message(said, embeds=said.embeds)  # Discord unfurls the link: same text
    await desk.turn()
    assert desk.messages(Kind.MESSAGES) == []


async def test_a_deletion_shows_the_text_and_lists_the_attachments(desk: LogsDesk) -> None:
    said = await desk.d.say(desk.g.general, desk.member, "my holiday photos",
                            attachments=[("beach.png", b"x" * 2048, "image/png"), ("notes.txt", b"hi", "text/plain")])
    await desk.d.delete_message(said)
    await desk.turn()

    entry = desk.only(Kind.MESSAGES)
    assert entry["title"] == "🗑️ Message deleted"
    assert field(entry, "Text") == "my holiday photos"
    assert field(entry, "Attachments") == "`beach.png` (2 kB) `notes.txt` (2 B)"
    assert f"<@{desk.member.id}>" in entry["description"]


async def test_a_deletion_the_bot_never_saw(desk: LogsDesk) -> None:
    said = await desk.d.say(desk.g.general, desk.member, "posted before the restart")
    await desk.hearth.restart()  # discord.py's message cache starts empty
    await desk.d.delete_message(said)
    await desk.turn()

    entry = desk.only(Kind.MESSAGES)
    assert entry["title"] == "🗑️ Message deleted"
    assert "not in my message cache" in entry["description"] and f"<#{desk.g.general.id}>" in entry["description"]
    assert "posted before the restart" not in text_of(entry)
    assert entry["footer"]["text"] == f"Message {said.id}"
    sent = int(said.id >> 22) // 1000 + 1420070400  # the time Discord's id tells
    assert f"<t:{sent}:f>" in entry["description"]


async def test_a_bulk_deletion_is_one_entry_with_a_file(desk: LogsDesk) -> None:
    for n in range(5):
        await desk.d.say(desk.g.general, desk.member, f"spam {n}", settle=False)
    await desk.d.say(desk.g.general, desk.g.admin, "keep reading", settle=False,
                     attachments=[("rules.pdf", b"%PDF", "application/pdf")])
    await desk.d.settle()
    await desk.d.slash("purge", user=desk.owner, count=6)
    await desk.drain()

    (message,) = [m for m in desk.messages(Kind.MESSAGES) if m.attachments]
    (entry,) = message.embeds
    assert entry["title"] == "🧹 Messages bulk-deleted" and "**6** messages" in entry["description"]
    assert f"<@{desk.member.id}>" in field(entry, "Authors") and f"<@{desk.g.admin.id}>" in field(entry, "Authors")
    (attached,) = message.attachments
    assert attached.filename.startswith("deleted-messages-general-") and attached.filename.endswith(".txt")
    text = attached.data.decode()
    assert [line.strip() for line in text.splitlines() if line.startswith("    ")] == [
        "spam 0", "spam 1", "spam 2", "spam 3", "spam 4", "keep reading",
        f"attachment: rules.pdf (4 B) {desk.d.world.base_url}/attachments/" + text.split("/attachments/")[1].split()[0]]
    assert text.count(f"bob ({desk.member.id})") == 5
    assert len([m for m in desk.messages(Kind.MESSAGES) if m.embeds[0]["title"] == "🗑️ Message deleted"]) == 0
