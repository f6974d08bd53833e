"""/purge through the stand-in: each filter, the 14-day line (bulk for newer, one by one for older), chunks of 100
with progress, the summary and the log, and the refusals (the member's own Manage Messages, the bot's)."""

from __future__ import annotations

import datetime as dt

import discord
import pytest

from tests.hearth_harness import Hearth
from tests.kit.channel_tools import ChannelToolsDesk, channel_tools_desk


@pytest.fixture
async def desk(hearth: Hearth) -> ChannelToolsDesk:
    return await channel_tools_desk(hearth)


async def _post(desk: ChannelToolsDesk, *texts: str, by=None, **kw) -> list:
    return [await desk.d.say(desk.g.general, by or desk.member, text, settle=False, **kw) for text in texts]


async def test_only_a_user(desk: ChannelToolsDesk) -> None:
    await _post(desk, "bob 1", "bob 2")
    await _post(desk, "alice 1", by=desk.g.admin)
    await _post(desk, "bob 3")
    result = await desk.d.slash("purge", user=desk.lead, count=10, options={"user": desk.member})
    assert desk.left(desk.g.general) == ["alice 1"]
    assert result.ephemeral and "Deleted **3** messages" in result.text and f"<@{desk.member.id}> 3" in result.text


async def test_count_takes_the_newest_matching(desk: ChannelToolsDesk) -> None:
    await _post(desk, "1", "2", "3", "4")
    await desk.d.slash("purge", user=desk.lead, count=2)
    assert desk.left(desk.g.general) == ["1", "2"]


async def test_only_bots(desk: ChannelToolsDesk) -> None:
    robot = await desk.d.member_join(desk.server, desk.d.add_user("robot", bot=True))
    await _post(desk, "human")
    await _post(desk, "beep", "boop", by=robot)
    await desk.d.slash("purge", user=desk.lead, count=10, bots=True)
    assert desk.left(desk.g.general) == ["human"]


async def test_text_contained(desk: ChannelToolsDesk) -> None:
    await _post(desk, "buy CHEAP stuff", "hello", "so cheap!")
    await desk.d.slash("purge", user=desk.lead, count=10, contains="cheap")
    assert desk.left(desk.g.general) == ["hello"]


async def test_with_attachments(desk: ChannelToolsDesk) -> None:
    await _post(desk, "plain")
    await _post(desk, "file", attachments=[("a.txt", b"x", "text/plain")])
    await desk.d.slash("purge", user=desk.lead, count=10, attachments=True)
    assert desk.left(desk.g.general) == ["plain"]


async def test_with_links(desk: ChannelToolsDesk) -> None:
    await _post(desk, "see https://example.com/x", "no link here", "HTTP://SHOUT.example")
    await desk.d.slash("purge", user=desk.lead, count=10, links=True)
    assert desk.left(desk.g.general) == ["no link here"]


async def test_before_and_after_a_message(desk: ChannelToolsDesk) -> None:
    posted = await _post(desk, "1", "2", "3", "4", "5")
    link = f"https://discord.com/channels/{desk.server.id}/{desk.g.general.id}/{posted[4].id}"
    await desk.d.slash("purge", user=desk.lead, count=10, before=link, after=str(posted[1].id))
    assert desk.left(desk.g.general) == ["1", "2", "5"]


async def test_pinned_messages_are_kept(desk: ChannelToolsDesk) -> None:
    keep, _ = await _post(desk, "rules", "chatter")
    desk.d.world.messages[keep.id].pinned = True
    await desk.d.slash("purge", user=desk.lead, count=10)
    assert desk.left(desk.g.general) == ["rules"]


async def test_the_14_day_line(desk: ChannelToolsDesk) -> None:
    now = discord.utils.utcnow()
    old = await _post(desk, "old", at=now - dt.timedelta(days=15))
    edge = await _post(desk, "13 days", at=now - dt.timedelta(days=13))
    new = await _post(desk, "new 1", "new 2")
    await _post(desk, "alice", by=desk.g.admin)
    result = await desk.d.slash("purge", user=desk.lead, count=50, options={"user": desk.member})
    assert desk.left(desk.g.general) == ["alice"]
    assert desk.bulk_requests() == [sorted(m.id for m in edge + new)]
    assert desk.single_deletes() == [old[0].id]
    assert "3 at once, 1 one by one (older than 14 days)" in result.text


async def test_a_single_young_message_is_deleted_alone(desk: ChannelToolsDesk) -> None:
    await _post(desk, "only")
    await desk.d.slash("purge", user=desk.lead, count=5)
    assert desk.left(desk.g.general) == [] and desk.bulk_requests() == [] and len(desk.single_deletes()) == 1


async def test_long_runs_go_in_chunks_of_100_with_progress(desk: ChannelToolsDesk) -> None:
    posted = await _post(desk, *(f"m{i}" for i in range(150)))
    result = await desk.d.slash("purge", user=desk.lead, count=1000, reason="raid")
    assert desk.left(desk.g.general) == []
    assert [len(ids) for ids in desk.bulk_requests()] == [100, 50]
    assert sorted(i for ids in desk.bulk_requests() for i in ids) == sorted(m.id for m in posted)
    assert any("Deleting… 100/150" in (edit.get("content") or "") for edit in result.edits)
    assert "Deleted **150** messages" in result.text
    (entry,) = desk.log_embeds()
    fields = {f["name"]: f["value"] for f in entry["fields"]}
    assert fields["Deleted"] == "150" and fields["Reason"] == "raid" and str(desk.lead.id) in fields["Moderator"]
    reasons = {r.reason for r in desk.d.requests("POST", "/channels/{channel_id}/messages/bulk-delete")}
    assert reasons == {f"lead ({desk.lead.id}): raid"}


async def test_nothing_matching_says_so_and_logs_nothing(desk: ChannelToolsDesk) -> None:
    await _post(desk, "hello")
    result = await desk.d.slash("purge", user=desk.lead, count=10, contains="nope")
    assert "Nothing to delete" in result.text and desk.left(desk.g.general) == ["hello"]
    assert desk.log_embeds() == []


async def test_a_member_without_manage_messages_is_refused(desk: ChannelToolsDesk) -> None:
    await _post(desk, "keep")
    result = await desk.refused("purge", user=desk.member, count=10, check_permissions=False)
    assert result.ephemeral and "You need **Manage Messages** in" in result.text
    assert desk.left(desk.g.general) == ["keep"]


async def test_manage_messages_elsewhere_is_not_enough(desk: ChannelToolsDesk) -> None:
    desk.server.set_overwrite(desk.g.general, desk.server.role("Channel mods"), deny=["manage_messages"])
    await _post(desk, "keep")
    result = await desk.refused("purge", user=desk.lead, count=10, check_permissions=False)
    assert "You need **Manage Messages**" in result.text and desk.left(desk.g.general) == ["keep"]


async def test_the_bot_says_what_it_lacks(desk: ChannelToolsDesk) -> None:
    desk.server.set_overwrite(desk.g.general, desk.server.bot_role, deny=["manage_messages", "read_message_history"])
    await _post(desk, "keep")
    result = await desk.refused("purge", user=desk.lead, count=10)
    assert "I'm missing **Manage Messages**, **Read Message History** in" in result.text
    assert desk.left(desk.g.general) == ["keep"] and desk.d.requests("GET", "/channels/{channel_id}/messages") == []


async def test_a_message_of_another_channel_is_refused(desk: ChannelToolsDesk) -> None:
    link = f"https://discord.com/channels/{desk.server.id}/{desk.logs.id}/123456789012345678"
    result = await desk.refused("purge", user=desk.lead, count=10, before=link)
    assert "is not in" in result.text
