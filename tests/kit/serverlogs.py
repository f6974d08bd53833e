"""The server log desk: the default guild with one log channel per kind of event (#message-log, #member-log,
#moderation-log, #server-log, #voice-log), moving the bot's clock a posting turn at a time, and reading the entries
back (a full embed is one entry, each line of a digest is one, a "… merged" note counts its entries)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

from cogs.serverlogs.batching import DIGEST_FOOTER
from cogs.serverlogs.cog import TURN_SECONDS
from cogs.serverlogs.kinds import KINDS, Kind
from tests.hearth_harness import Hearth
from tests.kit.desks import FeatureDesk
from tests.standin.models import Channel, Message

if TYPE_CHECKING:
    from cogs.serverlogs.cog import ServerLogsCog

MERGED = re.compile(r"(\d+) more ([a-z ]+?)(?:,| and | merged)")
CHANNEL_NAMES = {Kind.MESSAGES: "message-log", Kind.MEMBERS: "member-log", Kind.MODERATION: "moderation-log",
                 Kind.SERVER: "server-log", Kind.VOICE: "voice-log"}


@dataclass
class LogsDesk(FeatureDesk):
    """The harness, the log channels by kind, and shortcuts."""

    logs: dict[Kind, Channel]

    @property
    def cog(self) -> ServerLogsCog:
        """The running server log cog."""
        cog = self.hearth.bot.get_cog("ServerLogs")
        assert cog is not None, "the server log cog is not loaded"
        return cast("ServerLogsCog", cog)  # not isinstance: a test may have re-imported the cog's module

    async def turn(self, turns: int = 1) -> None:
        """Move the bot's clock by `turns` posting turns and let the log post."""
        for _ in range(turns):
            await self.hearth.move_clock(self.hearth.clock.now() + timedelta(seconds=TURN_SECONDS))

    async def drain(self, limit: int = 50) -> int:
        """Turns until nothing waits; how many it took."""
        for n in range(limit):
            if not self.cog.batcher.due(self.hearth.clock.now(), everything=True):
                return n
            await self.turn()
        raise AssertionError(f"the log still had entries waiting after {limit} turns")

    def messages(self, kind: Kind) -> list[Message]:
        """The bot's messages in a kind's log channel, oldest first."""
        return [m for m in self.d.messages_in(self.logs[kind]) if m.author.id == self.d.bot_user.id]

    def embeds(self, kind: Kind) -> list[dict[str, Any]]:
        """Every full entry (not digests) in a kind's log channel, oldest first."""
        return [e for m in self.messages(kind) for e in m.embeds if not is_digest(e)]

    def titles(self, kind: Kind) -> list[str]:
        """The titles of the full entries in a kind's channel."""
        return [e.get("title", "") for e in self.embeds(kind)]

    def only(self, kind: Kind) -> dict[str, Any]:
        """The one full entry in a kind's channel (fails when there is not exactly one)."""
        embeds = self.embeds(kind)
        assert len(embeds) == 1, [e.get("title") for e in embeds]
        return embeds[0]

    def count_entries(self, kind: Kind) -> tuple[int, int]:
        """(entries shown: full embeds and digest lines, entries merged: counted in notes)."""
        shown = merged = 0
        for message in self.messages(kind):
            for embed in message.embeds:
                shown += len(embed.get("description", "").splitlines()) if is_digest(embed) else 1
            merged += sum(int(n) for n, _ in MERGED.findall(message.content or ""))
        return shown, merged


def is_digest(embed: dict[str, Any]) -> bool:
    """A digest (one line per entry) rather than one entry."""
    return (embed.get("footer") or {}).get("text") == DIGEST_FOOTER


def text_of(embed: dict[str, Any]) -> str:
    """An embed's title, description and fields as one text."""
    parts = [embed.get("title", ""), embed.get("description", "")]
    parts += [f"{f['name']}: {f['value']}" for f in embed.get("fields", [])]
    return "\n".join(parts)


def field(embed: dict[str, Any], name: str) -> str:
    """The value of a field by name."""
    for item in embed.get("fields", []):
        if item["name"] == name:
            return item["value"]
    raise KeyError(f"no field {name!r} in {embed.get('title')!r}: {[f['name'] for f in embed.get('fields', [])]}")


async def logs_desk(hearth: Hearth) -> LogsDesk:
    """Every kind logged to its own channel in a "Logs" category; the desk waits for the poster while it posts."""
    server = hearth.guild.guild
    category = server.add_category("Logs")
    logs = {kind: server.add_text_channel(name, category=category) for kind, name in CHANNEL_NAMES.items()}
    await hearth.discord.settle()
    for kind, channel in logs.items():
        spec = KINDS[kind].spec
        await hearth.bot.guild_settings.set(server.id, spec.scope, spec.key, channel.id, changed_by=server.owner_id)
    desk = LogsDesk(hearth, logs)

    def posting() -> str | None:
        posting = getattr(hearth.bot.get_cog("ServerLogs"), "posting", 0)
        return f"{posting} server log post(s) in flight" if posting else None

    hearth.discord.busy_checks.append(posting)
    return desk
