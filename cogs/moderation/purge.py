"""Purge: which messages a /purge deletes, and deleting them as Discord allows.

Discord deletes up to 100 messages in one request ("bulk delete", 2–100 ids), but only messages younger than 14
days, judged by the message id against Discord's clock. Older ones go one request each (slow: Discord rate-limits
them). Discord's clock is read from the interaction's own id (a snowflake Discord made when the member ran the
command), so the split does not depend on this machine's clock; a message that aged past the line during a long
run (Discord answers 50034) is deleted singly instead.

No SQL; the mixin answers the member and logs.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import discord

from utils.errors import BadInput
from utils.message_links import LINK as MESSAGE_LINK

MAX_COUNT = 1000
SCAN_LIMIT = 5000  # messages looked at, at most, to find `count` matching ones (bounded work per command)
BULK_SIZE = 100
BULK_MAX_AGE = timedelta(days=14)
AGE_MARGIN = timedelta(minutes=5)  # a message this close to the 14-day line is deleted singly
PROGRESS_BULK = 100  # a run is "long" beyond this many messages, or …
PROGRESS_SINGLES = 10  # … beyond this many single deletes; progress is shown every so many
LINK = re.compile(r"https?://\S", re.IGNORECASE)
MESSAGE_ID = re.compile(r"^\d{15,21}$")

Progress = Callable[[int, int], Awaitable[None]]


@dataclass(frozen=True)
class PurgeFilter:
    """What a message must be to be deleted (every given condition holds)."""

    user_id: int | None = None
    bots: bool = False
    contains: str | None = None
    attachments: bool = False
    links: bool = False

    def matches(self, message: discord.Message) -> bool:
        """Whether the message is one to delete (pinned messages never are)."""
        if message.pinned:
            return False
        if self.user_id is not None and message.author.id != self.user_id:
            return False
        if self.bots and not message.author.bot:
            return False
        if self.contains and self.contains.casefold() not in (message.content or "").casefold():
            return False
        if self.attachments and not message.attachments:
            return False
        return not (self.links and not LINK.search(message.content or ""))

    def describe(self) -> str:
        """The conditions in words, for the summary and the log ("" when none)."""
        parts = []
        if self.user_id is not None:
            parts.append(f"from <@{self.user_id}>")
        if self.bots:
            parts.append("from bots")
        if self.contains:
            parts.append(f"containing “{discord.utils.escape_markdown(self.contains[:100])}”")
        if self.attachments:
            parts.append("with attachments")
        if self.links:
            parts.append("with links")
        return ", ".join(parts)


@dataclass
class PurgeResult:
    """What a purge deleted."""

    bulk: int = 0
    single: int = 0
    scanned: int = 0
    authors: Counter[int] = field(default_factory=Counter)

    @property
    def deleted(self) -> int:
        """Messages deleted in all."""
        return self.bulk + self.single


def message_id(text: str | None, channel: discord.abc.GuildChannel | discord.Thread, option: str) -> int | None:
    """A message id from an id or a message link of this channel; BadInput otherwise."""
    if text is None:
        return None
    text = text.strip()
    if MESSAGE_ID.match(text):
        return int(text)
    link = MESSAGE_LINK.fullmatch(text)
    if link is None:
        raise BadInput(f"`{text[:100]}` is not a message id or a message link.",
                       example=f"/purge count:50 {option}:https://discord.com/channels/1/2/3")
    if int(link["channel"]) != channel.id:
        raise BadInput(f"The message given as `{option}` is not in {channel.mention}: purge works in one channel.")
    return int(link["message"])


def discord_now(interaction: discord.Interaction) -> datetime:
    """Discord's time when the member ran the command (from the interaction's snowflake)."""
    return discord.utils.snowflake_time(interaction.id)


async def collect(channel: Any, wanted: PurgeFilter, count: int, *, before: int | None = None,
                  after: int | None = None, result: PurgeResult) -> list[discord.Message]:
    """Up to `count` matching messages, newest first, strictly between `after` and `before`, among at most
    `SCAN_LIMIT` messages looked at."""
    found: list[discord.Message] = []
    start = discord.Object(id=before) if before is not None else None
    async for message in channel.history(limit=SCAN_LIMIT, before=start, oldest_first=False):
        if after is not None and message.id <= after:
            break
        result.scanned += 1
        if wanted.matches(message):
            found.append(message)
            if len(found) >= count:
                break
    return found


async def delete(channel: Any, messages: Sequence[discord.Message], *, now: datetime, reason: str,
                 result: PurgeResult, progress: Progress | None = None) -> PurgeResult:
    """Delete the messages: those young enough in bulk (chunks of up to 100), the others one by one."""
    line = now - BULK_MAX_AGE + AGE_MARGIN
    young = [m for m in messages if m.created_at > line]
    old = [m for m in messages if m.created_at <= line]
    total = len(messages)
    long_run = total > PROGRESS_BULK or len(old) > PROGRESS_SINGLES

    async def report() -> None:
        if long_run and progress is not None and result.deleted < total:
            await progress(result.deleted, total)

    for start in range(0, len(young), BULK_SIZE):
        chunk = young[start:start + BULK_SIZE]
        if len(chunk) == 1:
            old.insert(0, chunk[0])
            continue
        try:
            await channel.delete_messages(chunk, reason=reason)
        except discord.HTTPException as exc:
            if exc.code != 50034:  # only "too old": everything else is the caller's to report
                raise
            old[:0] = chunk  # aged past the line during the run: one by one
            continue
        result.bulk += len(chunk)
        result.authors.update(m.author.id for m in chunk)
        await report()
    for index, message in enumerate(old, start=1):
        try:
            await message.delete()
        except discord.NotFound:
            continue  # deleted meanwhile by someone else
        result.single += 1
        result.authors[message.author.id] += 1
        if index % PROGRESS_SINGLES == 0:
            await report()
    return result


def summary(result: PurgeResult, channel: Any, wanted: PurgeFilter) -> str:
    """The answer to the moderator: what was deleted, how, and whose."""
    conditions = wanted.describe()
    if not result.deleted:
        looked = f"among the last {result.scanned} messages" if result.scanned else "there"
        return f"Nothing to delete in {channel.mention}: no message {conditions or 'unpinned'} {looked}."
    how = []
    if result.bulk:
        how.append(f"{result.bulk} at once")
    if result.single:
        how.append(f"{result.single} one by one (older than 14 days)")
    authors = ", ".join(f"<@{user_id}> {n}" for user_id, n in result.authors.most_common(10))
    more = len(result.authors) - 10
    text = (f"🧹 Deleted **{result.deleted}** message{'s' if result.deleted != 1 else ''} in {channel.mention}"
            f"{' ' + conditions if conditions else ''} ({', '.join(how)}).\nBy author: {authors}")
    return text + (f" and {more} more" if more > 0 else "") + "."
