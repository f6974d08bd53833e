"""A raid or a purge in the log: a burst of 500 events arrives as a handful of batched messages with every entry
in them; when the log falls behind, entries are merged into a count that is posted, never dropped silently; and
the packing keeps within Discord's 10 embeds, 6000 characters and 10 files per message."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import discord

from cogs.serverlogs.batching import MAX_EMBEDS, MAX_MESSAGE_CHARS, LogBatcher, pack
from cogs.serverlogs.cog import MESSAGES_PER_TURN
from cogs.serverlogs.entry import LogEntry, LogFile
from cogs.serverlogs.kinds import Kind
from tests.kit.serverlogs import LogsDesk, is_digest

NOW = datetime(2026, 1, 5, 12, tzinfo=UTC)


async def _burst(desk: LogsDesk, count: int) -> None:
    """`count` messages posted, then deleted one by one as fast as the gateway delivers."""
    said = [await desk.d.say(desk.g.general, desk.member, f"burst {n}", settle=False) for n in range(count)]
    await desk.d.settle(timeout=30)
    for message in said:
        await desk.d.delete_message(message, settle=False)
    await desk.d.settle(timeout=30)


async def test_500_deletions_arrive_as_a_handful_of_messages_with_nothing_lost(desk: LogsDesk) -> None:
    await _burst(desk, 500)
    turns = await desk.drain()

    posted = desk.messages(Kind.MESSAGES)
    assert len(posted) <= 10, len(posted)
    assert len(posted) <= MESSAGES_PER_TURN * (turns + 1)  # never more than a channel's share per turn
    shown, merged = desk.count_entries(Kind.MESSAGES)
    assert (shown, merged) == (500, 0)
    numbers = [int(n) for m in posted for e in m.embeds
               for n in re.findall(r"burst (\d+)", e.get("description", "") if is_digest(e) else str(e["fields"]))]
    assert sorted(numbers) == list(range(500))
    assert all(len(m.embeds) <= MAX_EMBEDS for m in posted)
    assert all(not m.pings for m in posted)


async def test_when_the_log_falls_behind_entries_are_merged_and_counted(desk: LogsDesk) -> None:
    desk.cog.batcher.max_pending = 20
    await _burst(desk, 60)
    await desk.drain()

    shown, merged = desk.count_entries(Kind.MESSAGES)
    assert shown + merged == 60 and merged >= 39
    notes = [m.content for m in desk.messages(Kind.MESSAGES) if m.content]
    assert len(notes) == 1 and f"… and {merged} more message deletions merged" in notes[0]


async def test_an_idle_log_posts_at_once_and_a_busy_one_waits_its_turn(desk: LogsDesk) -> None:
    first = await desk.d.say(desk.g.general, desk.member, "one")
    await desk.d.delete_message(first)
    assert len(desk.messages(Kind.MESSAGES)) == 1  # no clock moved: posted at once
    second = await desk.d.say(desk.g.general, desk.member, "two")
    await desk.d.delete_message(second)
    assert len(desk.messages(Kind.MESSAGES)) == 1  # the channel just posted: it waits for its turn
    await desk.turn()
    assert len(desk.messages(Kind.MESSAGES)) == 2


async def test_what_waits_is_posted_at_a_graceful_shutdown(desk: LogsDesk) -> None:
    for text in ("one", "two"):
        said = await desk.d.say(desk.g.general, desk.member, text)
        await desk.d.delete_message(said)
    assert len(desk.messages(Kind.MESSAGES)) == 1  # "two" waits for the channel's next turn
    await desk.hearth.restart()
    assert [e["fields"][0]["value"] for e in desk.embeds(Kind.MESSAGES)] == ["one", "two"]


# --- packing (no Discord) -------------------------------------------------------------------------------------------


def _entry(n: int, *, size: int = 100, file: bool = False) -> LogEntry:
    embed = discord.Embed(title=f"entry {n}", description="x" * size)
    return LogEntry(Kind.MESSAGES, "message deletions", embed, f"line {n} " + "y" * 60,
                    file=LogFile(f"f{n}.txt", b"data") if file else None)


def test_few_entries_go_as_full_embeds_within_discords_limits() -> None:
    entries = [_entry(n, size=1400) for n in range(6)]
    messages, packed = pack(entries, 2)
    assert packed == 6 and [len(m.embeds) for m in messages] == [4, 2]
    assert all(m.chars <= MAX_MESSAGE_CHARS for m in messages) and not any(is_digest(e.to_dict())
                                                                           for m in messages for e in m.embeds)


def test_many_entries_go_as_digests_and_the_rest_waits() -> None:
    entries = [_entry(n) for n in range(400)]
    messages, packed = pack(entries, 2)
    lines = [line for m in messages for e in m.embeds for line in (e.description or "").splitlines()]
    assert len(messages) == 2 and packed == len(lines) and 100 < packed < 400
    assert lines[0].startswith("line 0 ") and lines[-1].startswith(f"line {packed - 1} ")
    assert all(len(m.embeds) <= MAX_EMBEDS and sum(len(e) for e in m.embeds) <= MAX_MESSAGE_CHARS for m in messages)
    assert all(len(e.description or "") <= 4096 for m in messages for e in m.embeds)


def test_entries_with_files_keep_their_embed_and_at_most_ten_files_go_per_message() -> None:
    entries = [_entry(n, size=10, file=True) for n in range(25)]
    messages, packed = pack(entries, 2)
    assert [len(m.files) for m in messages] == [10, 10] and packed == 20


def test_put_back_keeps_the_order_and_the_merged_count() -> None:
    batcher = LogBatcher(interval=3, messages_per_turn=1, max_pending=3)
    for n in range(5):
        batcher.add(1, 2, _entry(n), NOW)
    queue = batcher.queue(1, 2)
    taken = batcher.take(queue, NOW)
    assert [e.embed.title for m in taken for e in m.entries] == ["entry 0", "entry 1", "entry 2"]
    assert taken[-1].note is not None and "2 more message deletions" in taken[-1].note
    batcher.put_back(queue, taken)
    assert [e.embed.title for e in queue.pending] == ["entry 0", "entry 1", "entry 2"]
    assert queue.merged["message deletions"] == 2


def test_a_gdpr_erasure_drops_the_users_waiting_entries() -> None:
    batcher = LogBatcher(interval=3, messages_per_turn=1, max_pending=10)
    mine = _entry(1)
    mine.users = frozenset({42})
    batcher.add(1, 2, mine, NOW)
    batcher.add(1, 2, _entry(2), NOW)
    assert batcher.forget_user(42) == 1
    assert [e.embed.title for e in batcher.queue(1, 2).pending] == ["entry 2"]
