"""The server's structure in the log (channels, roles, emojis, threads created, changed, deleted) and voice (joins,
moves, leaves)."""

from __future__ import annotations

from cogs.serverlogs.kinds import Kind
from tests.kit.serverlogs import LogsDesk, field, text_of


async def test_channels_created_changed_and_deleted(desk: LogsDesk) -> None:
    chat = desk.server.add_text_channel("chat", category=desk.g.category)
    await desk.d.settle()
    desk.server.edit_channel(chat, by=desk.owner, name="talk", topic="anything goes", rate_limit_per_user=30)
    await desk.d.settle()
    desk.server.edit_channel(chat, by=desk.owner)  # nothing changed: nothing logged
    desk.server.delete_channel(chat, by=desk.owner)
    await desk.d.settle()
    await desk.drain()

    created, changed, deleted = desk.embeds(Kind.SERVER)
    assert created["title"] == "📁 Channel created" and f"<#{chat.id}>" in created["description"]
    assert "**Community**" in created["description"]
    assert changed["title"] == "🛠️ Channel changed"
    assert (field(changed, "Name"), field(changed, "Topic"), field(changed, "Slowmode")) == (
        "#chat → #talk", "(none) → anything goes", "off → 30s")
    assert deleted["title"] == "🗑️ Channel deleted" and "#talk" in deleted["description"]


async def test_permission_overrides_changed(desk: LogsDesk) -> None:
    desk.server.set_overwrite(desk.g.general, "everyone", deny=["send_messages"])
    await desk.d.settle()
    await desk.drain()
    (entry,) = desk.embeds(Kind.SERVER)
    assert entry["title"] == "🛠️ Channel changed" and "Permissions" in [f["name"] for f in entry["fields"]]


async def test_roles_created_changed_and_deleted_but_not_moved(desk: LogsDesk) -> None:
    role = desk.server.add_role("Helpers", ["send_messages"])  # pushes the roles above it up: not logged
    await desk.d.settle()
    desk.server.edit_role(role, by=desk.owner, name="Helpers+", permissions=["send_messages", "manage_messages"],
                          color=0x00FF00)
    await desk.d.settle()
    desk.server.delete_role(role, by=desk.owner)
    await desk.d.settle()
    await desk.drain()

    created, changed, deleted = desk.embeds(Kind.SERVER)
    assert created["title"] == "🎭 Role created" and field(created, "Permissions") == "Send Messages"
    assert changed["title"] == "🛠️ Role changed"
    assert field(changed, "Name") == "@Helpers → @Helpers+" and field(changed, "Colour") == "#000000 → #00ff00"
    assert field(changed, "Permissions") == "taken: none → given: Manage Messages"
    assert deleted["title"] == "🗑️ Role deleted" and "@Helpers+" in deleted["description"]


async def test_emojis_added_renamed_and_removed(desk: LogsDesk) -> None:
    party = desk.server.add_emoji("party", by=desk.owner)
    await desk.d.settle()
    desk.server.rename_emoji(party, "partyparrot", by=desk.owner)
    await desk.d.settle()
    desk.server.delete_emoji(party, by=desk.owner)
    await desk.d.settle()
    await desk.drain()

    assert desk.titles(Kind.SERVER) == ["😀 Emoji added", "✏️ Emoji renamed", "🗑️ Emoji removed"]
    added, renamed, removed = desk.embeds(Kind.SERVER)
    assert f"<:party:{party.id}>" in added["description"]
    assert "`:party:` → `:partyparrot:`" in renamed["description"] and "`:partyparrot:`" in removed["description"]


async def test_threads_created_changed_and_deleted(desk: LogsDesk) -> None:
    thread = desk.server.create_thread(desk.g.general, "plans", by=desk.member)
    await desk.d.settle()
    desk.server.edit_thread(thread, by=desk.owner, name="friday plans", locked=True)
    await desk.d.settle()
    desk.server.delete_thread(thread, by=desk.owner)
    await desk.d.settle()
    await desk.drain()

    created, changed, deleted = desk.embeds(Kind.SERVER)
    assert created["title"] == "🧵 Thread created"
    assert f"<#{desk.g.general.id}>" in created["description"] and f"<@{desk.member.id}>" in created["description"]
    assert field(changed, "Name") == "plans → friday plans" and field(changed, "Locked") == "no → yes"
    assert deleted["title"] == "🗑️ Thread deleted" and "**friday plans**" in deleted["description"]


async def test_voice_joins_moves_and_leaves(desk: LogsDesk) -> None:
    lounge, games = desk.server.add_voice_channel("Lounge"), desk.server.add_voice_channel("Games")
    await desk.d.settle()
    for act in (lambda: desk.server.voice_join(desk.member, lounge),
                lambda: desk.server.voice_move(desk.member, games, by=desk.owner),
                lambda: desk.server.voice_leave(desk.member)):
        act()
        await desk.d.settle()
    await desk.drain()

    assert desk.titles(Kind.VOICE) == ["🔊 Joined voice", "🔀 Moved voice", "🔇 Left voice"]
    joined, moved, left = (text_of(e) for e in desk.embeds(Kind.VOICE))
    assert f"joined <#{lounge.id}>" in joined and f"from <#{lounge.id}> to <#{games.id}>" in moved
    assert f"left <#{games.id}>" in left and f"<@{desk.member.id}>" in left
