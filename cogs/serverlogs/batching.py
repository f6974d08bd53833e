"""Batching log entries per log channel, so a raid or a purge neither trips Discord's rate limits nor stalls the bot.

Each log channel has a queue. A channel that posted less than `interval` seconds ago waits for its next turn; at
its turn it posts at most `messages_per_turn` messages (Discord allows a channel 5 messages per 5 seconds):

- when everything waiting fits, as one embed per entry (up to 10 embeds and 6000 characters per message);
- otherwise as digests: one line per entry, as many as fit, the rest waiting for the next turn;
- when more than `max_pending` entries wait, the log has fallen behind: new entries are no longer queued one by
  one but counted by what they are ("37 more message deletions") and the count is posted with the next message.
  Nothing is dropped silently.

Pure bookkeeping: the cog posts what `take` returns and puts a failed message back with `put_back`.
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import discord

from cogs.serverlogs.entry import GREY, LogEntry, LogFile

MAX_EMBEDS = 10  # per message (Discord)
MAX_MESSAGE_CHARS = 6000  # all embeds of a message together (Discord)
MAX_FILES = 10  # per message (Discord)
DIGEST_CHARS = 4000  # one digest's description (Discord allows 4096)
DIGEST_OVERHEAD = 120  # a digest's title and footer
DIGEST_FOOTER = "Events came fast: one line each"
MAX_PENDING_FILE_BYTES = 8 * 1024 * 1024  # bulk-deletion files waiting per channel


@dataclass
class Outgoing:
    """One message to post: its embeds, files, the entries it carries and a note (the merged count)."""

    embeds: list[discord.Embed] = field(default_factory=list)
    files: list[LogFile] = field(default_factory=list)
    entries: list[LogEntry] = field(default_factory=list)
    merged: Counter[str] = field(default_factory=Counter)  # entries counted, not shown (the note says so)
    chars: int = 0

    @property
    def note(self) -> str | None:
        """The message's text: the count of merged entries, if any."""
        return merged_note(self.merged) if self.merged else None

    def add(self, embed: discord.Embed, entries: list[LogEntry], file: LogFile | None = None) -> None:
        """Put one embed (an entry, or a digest of several) in the message."""
        self.embeds.append(embed)
        self.entries.extend(entries)
        self.chars += len(embed)
        if file is not None:
            self.files.append(file)

    def fits(self, size: int, *, file: bool = False) -> bool:
        """Room for one more embed of `size` characters (and a file)."""
        return (len(self.embeds) < MAX_EMBEDS and self.chars + size <= MAX_MESSAGE_CHARS
                and (not file or len(self.files) < MAX_FILES))


def _pack_full(entries: list[LogEntry], budget: int) -> tuple[list[Outgoing], int]:
    """One embed per entry, in order, in at most `budget` messages; (messages, entries packed)."""
    messages = [Outgoing()]
    for n, entry in enumerate(entries):
        size = len(entry.embed)
        if not messages[-1].fits(size, file=entry.file is not None):
            if len(messages) == budget:
                return messages, n
            messages.append(Outgoing())
        messages[-1].add(entry.embed, [entry], entry.file)
    return messages, len(entries)


def digest(entries: list[LogEntry], lines: list[str]) -> discord.Embed:
    """One embed listing several entries, one line each."""
    nouns = Counter(e.noun for e in entries)
    title = (f"{len(entries)} {next(iter(nouns))}" if len(nouns) == 1 else f"{len(entries)} events")
    embed = discord.Embed(title=title, description="\n".join(lines), colour=GREY)
    embed.set_footer(text=DIGEST_FOOTER)
    return embed


def _pack_digests(entries: list[LogEntry], budget: int) -> tuple[list[Outgoing], int]:
    """One line per entry (an entry with a file keeps its embed), in at most `budget` messages."""
    messages: list[Outgoing] = []
    n = 0
    while n < len(entries) and len(messages) < budget:
        message = Outgoing()
        while n < len(entries):
            entry = entries[n]
            if entry.file is not None:
                if not message.fits(len(entry.embed), file=True):
                    break
                message.add(entry.embed, [entry], entry.file)
                n += 1
                continue
            room = min(DIGEST_CHARS, MAX_MESSAGE_CHARS - message.chars - DIGEST_OVERHEAD)
            if len(message.embeds) >= MAX_EMBEDS or room < len(entry.line) + 1:
                break
            taken: list[LogEntry] = []
            used = 0
            while n < len(entries) and entries[n].file is None and used + len(entries[n].line) + 1 <= room:
                taken.append(entries[n])
                used += len(entries[n].line) + 1
                n += 1
            message.add(digest(taken, [e.line for e in taken]), taken)
        if not message.embeds:
            break
        messages.append(message)
    return messages, n


def pack(entries: list[LogEntry], budget: int) -> tuple[list[Outgoing], int]:
    """The messages for this turn and how many entries (from the front) they carry: full embeds when everything
    fits in `budget` messages, else digests."""
    if not entries:
        return [], 0
    messages, packed = _pack_full(entries, budget)
    if packed == len(entries):
        return messages, packed
    return _pack_digests(entries, budget)


def merged_note(merged: Counter[str]) -> str:
    """The notice for entries counted instead of shown."""
    parts = [f"{count} more {noun}" for noun, count in merged.most_common()]
    text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + f" and {parts[-1]}"
    return (f"⚠️ The log fell behind: … and {text} merged (counted, not shown one by one). "
            "Events came faster than I may post them.")


@dataclass(eq=False)
class ChannelQueue:
    """What waits for one log channel, and how posting there went."""

    guild_id: int
    channel_id: int
    pending: deque[LogEntry] = field(default_factory=deque)
    merged: Counter[str] = field(default_factory=Counter)
    file_bytes: int = 0
    last_post: datetime | None = None
    posted: int = 0  # entries posted (digest lines included)
    unposted: int = 0  # entries that could not be posted (the channel is gone or the bot may not post there)
    problem: str | None = None  # the last reason entries could not be posted

    @property
    def waiting(self) -> bool:
        """Something to post."""
        return bool(self.pending or self.merged)


class LogBatcher:
    """The queues of every log channel."""

    def __init__(self, *, interval: float, messages_per_turn: int, max_pending: int) -> None:
        self.interval = timedelta(seconds=interval)
        self.messages_per_turn = messages_per_turn
        self.max_pending = max_pending
        self.queues: dict[int, ChannelQueue] = {}

    def queue(self, guild_id: int, channel_id: int) -> ChannelQueue:
        """The queue of a log channel (made on first use)."""
        found = self.queues.get(channel_id)
        if found is None or found.guild_id != guild_id:
            found = self.queues[channel_id] = ChannelQueue(guild_id, channel_id)
        return found

    def add(self, guild_id: int, channel_id: int, entry: LogEntry, now: datetime) -> bool:
        """Queue an entry (or count it, when the log has fallen behind); True when the channel may post now."""
        queue = self.queue(guild_id, channel_id)
        size = len(entry.file.data) if entry.file else 0
        if len(queue.pending) >= self.max_pending or queue.file_bytes + size > MAX_PENDING_FILE_BYTES:
            queue.merged[entry.noun] += 1
        else:
            queue.pending.append(entry)
            queue.file_bytes += size
        return self._turn(queue, now)

    def _turn(self, queue: ChannelQueue, now: datetime) -> bool:
        return queue.last_post is None or now - queue.last_post >= self.interval

    def due(self, now: datetime, *, everything: bool = False) -> list[ChannelQueue]:
        """Queues whose turn it is (`everything`: every queue with something waiting, at shutdown)."""
        return [q for q in self.queues.values() if q.waiting and (everything or self._turn(q, now))]

    def take(self, queue: ChannelQueue, now: datetime) -> list[Outgoing]:
        """This turn's messages for `queue`; their entries leave the queue (see `put_back`)."""
        entries = list(queue.pending)
        messages, packed = pack(entries, self.messages_per_turn)
        for _ in range(packed):
            entry = queue.pending.popleft()
            queue.file_bytes -= len(entry.file.data) if entry.file else 0
        if queue.merged:
            if not messages:
                messages = [Outgoing()]
            messages[-1].merged = queue.merged
            queue.merged = Counter()
        queue.last_post = now
        return messages

    def put_back(self, queue: ChannelQueue, messages: list[Outgoing]) -> None:
        """Messages that could not be posted now (Discord failed): their entries wait again, first in line."""
        for message in reversed(messages):
            for entry in reversed(message.entries):
                queue.pending.appendleft(entry)
                queue.file_bytes += len(entry.file.data) if entry.file else 0
            queue.merged.update(message.merged)

    def forget_user(self, user_id: int) -> int:
        """Drop waiting entries about a user (a GDPR erasure); how many."""
        dropped = 0
        for queue in self.queues.values():
            kept = deque(e for e in queue.pending if user_id not in e.users)
            dropped += len(queue.pending) - len(kept)
            queue.pending = kept
            queue.file_bytes = sum(len(e.file.data) for e in kept if e.file)
        return dropped

    def backlog(self) -> str:
        """What waits, in words (for the flush loop's log lines)."""
        waiting = sum(len(q.pending) for q in self.queues.values())
        merged = sum(sum(q.merged.values()) for q in self.queues.values())
        return f"{waiting} log entr{'y' if waiting == 1 else 'ies'} waiting, {merged} merged"
