"""The case log: numbering and storing a case, and its one message in the mod-log channel (edited when the case
changes). Used by the commands and, through `ModerationApi`, by other features (automod).

The mod-log channel is `moderation.log_channel`, else the system log channel (`core.guild_kit.find_log_channel`);
posting goes through the bot's `channel_access` (a channel the bot may not post in is paused and the admins told
once), and never raises for Discord: a case is recorded whether or not its log message could be posted.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import discord

from cogs.moderation import repo
from core.channel_access import ChannelBlocked
from core.db import HearthPool
from core.guild_kit import find_log_channel
from utils.durations import format_duration

log = logging.getLogger(__name__)

CASE_TYPES = ("warn", "timeout", "untimeout", "kick", "ban", "tempban", "softban", "unban", "mute",
              "unmute", "server_brake", "server_brake_lifted")
# Cases about the whole server, not one member (raid protection raising the verification level, pausing invites).
SERVER_TYPES = ("server_brake", "server_brake_lifted")
TITLES = {"warn": "Warning", "timeout": "Timeout", "untimeout": "Timeout lifted", "kick": "Kick", "ban": "Ban",
          "tempban": "Temporary ban", "softban": "Softban", "unban": "Unban", "mute": "Mute (role)",
          "unmute": "Mute lifted", "server_brake": "Server brake", "server_brake_lifted": "Server brake lifted"}
COLOURS = {"warn": discord.Colour.gold(), "timeout": discord.Colour.orange(), "untimeout": discord.Colour.green(),
           "kick": discord.Colour.dark_orange(), "ban": discord.Colour.red(), "tempban": discord.Colour.dark_red(),
           "softban": discord.Colour.dark_orange(), "unban": discord.Colour.green(),
           "mute": discord.Colour.dark_orange(), "unmute": discord.Colour.green(),
           "server_brake": discord.Colour.dark_red(), "server_brake_lifted": discord.Colour.green()}
# A case of these types closes the case it links to (an unban its ban); any other case follows it (an escalation
# the warning that reached its threshold).
CLOSING_TYPES = ("untimeout", "unban", "unmute", "server_brake_lifted")
REASON_LIMIT = 1000
OWN_GRACE = timedelta(minutes=1)
EVIDENCE_LIMIT = 1000


@dataclass(frozen=True)
class Case:
    """One case as stored."""

    guild_id: int
    number: int
    type: str
    target_id: int | None
    moderator_id: int | None
    automod_rule: str | None
    reason: str | None
    duration_seconds: int | None
    expires_at: datetime | None
    points: float
    evidence: dict[str, Any] | None
    linked_case: int | None
    created_at: datetime
    updated_at: datetime | None
    deleted_at: datetime | None
    deleted_by: int | None
    delete_reason: str | None
    log_channel_id: int | None
    log_message_id: int | None

    @classmethod
    def of(cls, row: asyncpg.Record) -> Case:
        """From a row of `repo`."""
        fields = {name: row[name] for name in cls.__dataclass_fields__}
        fields["points"] = float(row["points"])
        return cls(**fields)

    @property
    def by(self) -> str:
        """Who acted, in words."""
        if self.moderator_id is not None:
            return f"<@{self.moderator_id}>"
        return f"Automod ({self.automod_rule})" if self.automod_rule else "unknown"

    @property
    def target(self) -> str:
        """Whom the case is about: the member's mention, the server, or "(erased member)"."""
        if self.type in SERVER_TYPES:
            return "the server"
        return f"<@{self.target_id}>" if self.target_id else "(erased member)"

    def line(self) -> str:
        """One line of a listing: `#12 Warning · @bob · reason`."""
        target = self.target
        reason = discord.utils.escape_markdown(self.reason or "no reason")
        points = f" · {self.points:g} pt" if self.points else ""
        when = discord.utils.format_dt(self.created_at, "d")
        return f"**#{self.number}** {TITLES[self.type]} · {target}{points} · {when} · {reason}"[:300]


def embed_of(case: Case) -> discord.Embed:
    """The case's mod-log embed (and /case show)."""
    title = f"Case #{case.number} · {TITLES[case.type]}"
    colour = discord.Colour.light_grey() if case.deleted_at else COLOURS[case.type]
    embed = discord.Embed(title=title + (" (deleted)" if case.deleted_at else ""), colour=colour,
                          timestamp=case.created_at)
    if case.type in SERVER_TYPES:
        embed.add_field(name="Server", value="the whole server")
    else:
        embed.add_field(name="Member", value=f"<@{case.target_id}> ({case.target_id})" if case.target_id
                        else "(erased member)")
    embed.add_field(name="Moderator", value=case.by)
    if case.duration_seconds:
        embed.add_field(name="Duration", value=format_duration(case.duration_seconds))
    if case.expires_at:
        embed.add_field(name="Ends", value=discord.utils.format_dt(case.expires_at, "f"))
    if case.points:
        embed.add_field(name="Points", value=f"{case.points:g}")
    if case.linked_case:
        embed.add_field(name="Closes" if case.type in CLOSING_TYPES else "Follows", value=f"case #{case.linked_case}")
    embed.add_field(name="Reason", value=(case.reason or "no reason given")[:1024], inline=False)
    if case.evidence:
        embed.add_field(name="Evidence", value=evidence_text(case.evidence), inline=False)
    if case.deleted_at:
        embed.add_field(name="Deleted", value=f"by <@{case.deleted_by}> {discord.utils.format_dt(case.deleted_at)}"
                        + (f": {case.delete_reason}" if case.delete_reason else ""), inline=False)
    if case.updated_at and not case.deleted_at:
        embed.set_footer(text="Edited")
    return embed


def evidence_text(evidence: dict[str, Any]) -> str:
    """The captured message, as an embed field's value."""
    parts = []
    if evidence.get("channel_id"):
        parts.append(f"In <#{evidence['channel_id']}>:")
    content = evidence.get("content") or ""
    if content:
        parts.append("> " + discord.utils.escape_mentions(content[:EVIDENCE_LIMIT]).replace("\n", "\n> "))
    parts.extend(f"📎 {url}" for url in evidence.get("attachments") or [])
    return "\n".join(parts)[:1024] or "—"


def evidence_of(message: discord.Message) -> dict[str, Any]:
    """What a message held when it was reported: kept with the case even after the message is deleted."""
    return {"message_id": message.id, "channel_id": message.channel.id, "author_id": message.author.id,
            "content": message.content[:4000],
            "attachments": [attachment.url for attachment in message.attachments]}


class CaseLog:
    """Records cases and keeps their mod-log message up to date."""

    def __init__(self, bot: Any, pool: HearthPool) -> None:
        self.bot = bot
        self.pool = pool
        # (guild id, user id, event kind) → until when: Hearth's own actions whose gateway event is still to come
        self.own: dict[tuple[int, int, str], datetime] = {}

    @contextmanager
    def acting_on(self, guild_id: int, user_id: int, *kinds: str) -> Iterator[None]:
        """Around Hearth's own ban, unban, kick or timeout of a member (`kinds`: "ban", "unban", "kick",
        "timeout"): the gateway event each causes (which may arrive after Discord answered) is not an action taken
        outside Hearth (`external`), so it is not recorded a second time. Each expects one event (`is_own` takes
        it), for a minute at most; nothing is expected when the action failed."""
        until = self.bot.clock.now() + OWN_GRACE
        for kind in kinds:
            self.own[(guild_id, user_id, kind)] = until
        try:
            yield
        except BaseException:
            self.not_acting(guild_id, user_id, *kinds)
            raise

    def not_acting(self, guild_id: int, user_id: int, *kinds: str) -> None:
        """Drop the expectations of `acting_on` for an action that failed: no gateway event is coming."""
        for kind in kinds:
            self.own.pop((guild_id, user_id, kind), None)

    def is_own(self, guild_id: int, user_id: int, kind: str) -> bool:
        """Whether this event was caused by Hearth's own action (expected by `acting_on`); takes the expectation."""
        until = self.own.pop((guild_id, user_id, kind), None)
        return until is not None and self.bot.clock.now() <= until

    async def record(self, guild: discord.Guild, type_: str, *, target_id: int | None, moderator_id: int | None,
                     reason: str | None, automod_rule: str | None = None, duration_seconds: int | None = None,
                     expires_at: datetime | None = None, points: float = 0.0,
                     evidence: dict[str, Any] | None = None, linked_case: int | None = None,
                     conn: asyncpg.Connection | None = None) -> Case:
        """Number and store a case in one transaction (the caller's, with `conn`), then post it to the mod log
        (after the commit; with `conn`, the caller posts it with `post`)."""
        if type_ not in CASE_TYPES:
            raise ValueError(f"unknown case type {type_!r}")
        now = self.bot.clock.now()
        values = dict(target_id=target_id, moderator_id=moderator_id, automod_rule=automod_rule,
                      reason=(reason or None) and reason[:REASON_LIMIT], duration_seconds=duration_seconds,
                      expires_at=expires_at, points=points, evidence=evidence, linked_case=linked_case, now=now)
        if conn is not None:
            number = await repo.next_number(conn, guild.id)
            return Case.of(await repo.insert_case(conn, guild.id, number, type_, **values))
        async with self.pool.acquire() as own, own.transaction():
            number = await repo.next_number(own, guild.id)
            case = Case.of(await repo.insert_case(own, guild.id, number, type_, **values))
        return await self.post(guild, case)

    async def get(self, guild_id: int, number: int) -> Case | None:
        """A case (deleted ones too)."""
        row = await repo.get_case(self.pool, guild_id, number)
        return Case.of(row) if row else None

    async def post(self, guild: discord.Guild, case: Case) -> Case:
        """Post the case's message in the mod log and remember it; the case (with its message, when posted)."""
        _, channel = await find_log_channel(self.bot, guild, "moderation")
        if channel is None:
            return case
        try:
            message = await self.bot.channel_access.send(channel, what=f"moderation case #{case.number}",
                                                         embed=embed_of(case),
                                                         allowed_mentions=discord.AllowedMentions.none())
        except (ChannelBlocked, discord.HTTPException) as exc:
            log.warning("Guild %s: case #%s not posted to the mod log: %s", guild.id, case.number, exc)
            return case
        await repo.set_log_message(self.pool, guild.id, case.number, channel.id, message.id)
        return Case.of(await repo.get_case(self.pool, guild.id, case.number))

    async def refresh(self, guild: discord.Guild, case: Case) -> str | None:
        """Edit the case's mod-log message to match the case (post it when it has none); None, or the problem."""
        if case.log_message_id is None or case.log_channel_id is None:
            posted = await self.post(guild, case)
            return None if posted.log_message_id else "the case has no mod-log message (is a log channel set?)"
        channel = guild.get_channel(case.log_channel_id)
        if not isinstance(channel, discord.TextChannel):
            return "the mod-log channel of that case no longer exists"
        try:
            await channel.get_partial_message(case.log_message_id).edit(embed=embed_of(case))
        except discord.NotFound:
            await repo.set_log_message(self.pool, guild.id, case.number, None, None)
            return "the case's mod-log message was deleted"
        except discord.HTTPException as exc:
            return f"I couldn't edit the mod-log message (Discord answered {exc.status})"
        return None
