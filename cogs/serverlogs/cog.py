"""The server log cog: Discord's events turned into log entries, queued per log channel and posted in batches.

The listeners cost no database round trip (settings are cached, messages come from discord.py's cache) and never
post themselves: they queue an entry and wake the poster when the channel is idle. The poster (`core.flush_loop`,
on the bot's clock) posts each channel's turn (see `batching`), so a raid or a purge becomes a few messages.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

import discord
from discord.ext import commands

from cogs.serverlogs import members, messages, moderation, server
from cogs.serverlogs.access import ATTACH_FILES, bold, missing_in
from cogs.serverlogs.batching import ChannelQueue, LogBatcher, Outgoing
from cogs.serverlogs.commands import LogsCommands
from cogs.serverlogs.entry import LogEntry
from cogs.serverlogs.invite import invite_line
from cogs.serverlogs.kinds import Kind
from cogs.serverlogs.routing import Router
from cogs.serverlogs.settings import LOGS_NEW_ACCOUNT_AGE, SETTINGS
from core.channel_access import ChannelBlocked
from core.cog_base import HearthCog
from core.flush_loop import FlushLoop
from core.modules import declare
from utils.config_group import add_config_group, remove_config_group

log = logging.getLogger(__name__)

TURN_SECONDS = 3.0  # a log channel posts at most once per turn…
MESSAGES_PER_TURN = 2  # …this many messages (Discord allows 5 per 5 seconds per channel)
MAX_PENDING = 1000  # entries waiting per channel before new ones are only counted
MAX_BACKOFF = 60.0
SHUTDOWN_SECONDS = 5.0
WHAT = "server log entries"
A = discord.AuditLogAction


class ServerLogsCog(HearthCog, name="ServerLogs"):
    """Listens to the server's events and posts them to the log channels."""

    settings = SETTINGS
    module = declare("logs", "Server logs", docs="logging.md",
                     summary="edits, deletions, joins, leaves and changes logged")

    def __init__(self, bot: Any) -> None:
        super().__init__(bot)
        self.router = Router(bot)
        self.batcher = LogBatcher(interval=TURN_SECONDS, messages_per_turn=MESSAGES_PER_TURN, max_pending=MAX_PENDING)
        self.flusher = FlushLoop("Server logs", self.flush, bot.clock, interval=TURN_SECONDS, max_backoff=MAX_BACKOFF,
                                 backlog=self.batcher.backlog)
        self.group: LogsCommands | None = None
        self.posting = 0  # posts in flight (tests wait for them)

    async def load(self) -> None:
        self.group = LogsCommands(self)
        add_config_group(self.bot, self.group)
        self.flusher.start()

    async def unload(self) -> None:
        if self.group is not None:
            remove_config_group(self.bot, self.group.name)
        await self.flusher.stop(SHUTDOWN_SECONDS, final=lambda: self.flush(everything=True))

    async def forget_erased_user(self, user_id: int) -> None:
        """A GDPR erasure: entries about the user still waiting are not posted."""
        self.batcher.forget_user(user_id)

    # --- queueing and posting -----------------------------------------------------------------------------------

    def now(self) -> datetime:
        """The bot's clock."""
        return self.bot.clock.now()

    def queue_entry(self, guild_id: int, channel_id: int, entry: LogEntry | None) -> None:
        """Queue an entry for a log channel; an idle channel posts at once."""
        if entry is not None and self.batcher.add(guild_id, channel_id, entry, self.now()):
            self.flusher.wake.set()

    async def flush(self, *, everything: bool = False) -> None:
        """Post every channel whose turn it is (`everything`: every channel, once, at shutdown)."""
        now = self.now()
        due = self.batcher.due(now, everything=everything)
        results = await asyncio.gather(*(self._post_turn(queue, now) for queue in due), return_exceptions=True)
        for queue, result in zip(due, results, strict=True):
            if isinstance(result, Exception):  # one channel's failure must not stop the others
                log.error("Guild %s: posting the server log in %s failed", queue.guild_id, queue.channel_id,
                          exc_info=result)

    async def _post_turn(self, queue: ChannelQueue, now: datetime) -> None:
        self.posting += 1
        try:
            await self._post(queue, self.batcher.take(queue, now))
        finally:
            self.posting -= 1

    async def _post(self, queue: ChannelQueue, outgoing: list[Outgoing]) -> None:
        guild = self.bot.get_guild(queue.guild_id)
        channel = guild.get_channel(queue.channel_id) if guild is not None else None
        if not isinstance(channel, discord.TextChannel):
            self._unposted(queue, outgoing, "the log channel no longer exists: set another with `/config logs "
                                            "channel`")
            return
        missing = [p for p in missing_in(channel) if p != ATTACH_FILES]
        if missing:
            problem = (f"I'm missing {bold(missing)} in {channel.mention}, so I can't post the server log there. "
                       "Ask an admin to grant it to my role (or fix the channel's permission overrides).")
            await self.bot.channel_access.block(channel, problem, WHAT)  # the admins are told once
            self._unposted(queue, outgoing, problem)
            return
        for n, message in enumerate(outgoing):
            try:
                await self._send(queue, channel, message)
            except ChannelBlocked as exc:
                self._unposted(queue, outgoing[n:], exc.problem)
                return
            except discord.HTTPException as exc:
                if exc.status >= 500:  # Discord is struggling (discord.py retried already): next turn
                    log.warning("Guild %s: posting the server log failed (%s); retrying next turn",
                                queue.guild_id, exc.status)
                    self.batcher.put_back(queue, outgoing[n:])
                else:
                    log.warning("Guild %s: Discord refused a server log post (%s): %s", queue.guild_id,
                                exc.status, exc.text)
                    self._unposted(queue, outgoing[n:], f"Discord refused a post ({exc.status}).")
                return
            queue.posted += len(message.entries)

    async def _send(self, queue: ChannelQueue, channel: discord.TextChannel, message: Outgoing) -> None:
        note = message.note
        extra: dict[str, Any] = {}
        if message.files:
            if channel.permissions_for(channel.guild.me).attach_files:
                extra["files"] = [discord.File(io.BytesIO(f.data), filename=f.name) for f in message.files]
            else:
                queue.problem = (f"I'm missing the **Attach Files** permission in {channel.mention}: bulk "
                                 "deletions are logged without the file of their messages.")
                note = "\n".join(filter(None, [note, f"📎 {len(message.files)} file(s) with the deleted messages "
                                                     f"could not be attached: {queue.problem}"]))
                log.warning("Guild %s: no Attach Files in log channel %s", queue.guild_id, channel.id)
        await self.bot.channel_access.send(channel, what=WHAT, content=note, embeds=message.embeds,
                                           allowed_mentions=discord.AllowedMentions.none(), **extra)

    def _unposted(self, queue: ChannelQueue, outgoing: list[Outgoing], problem: str) -> None:
        count = sum(len(m.entries) + sum(m.merged.values()) for m in outgoing)
        queue.unposted += count
        queue.problem = problem
        if count:
            log.info("Guild %s: %d server log entries not posted in %s: %s", queue.guild_id, count,
                     queue.channel_id, problem)

    # --- messages -----------------------------------------------------------------------------------------------

    @staticmethod
    def _places(channel: Any, channel_id: int) -> tuple[int | None, ...]:
        """The channel and, for a thread, its parent (an ignored channel's threads are ignored too)."""
        return channel_id, getattr(channel, "parent_id", None)

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        after, before = payload.message, payload.cached_message
        if payload.guild_id is None:
            return
        if before is not None:
            if before.content == after.content and len(before.attachments) == len(after.attachments):
                return  # an embed unfurled, a pin: not an edit
        elif after.edited_at is None:
            return
        target = await self.router.destination(payload.guild_id, Kind.MESSAGES,
                                               channel_ids=self._places(after.channel, payload.channel_id),
                                               person=after.author, webhook=after.webhook_id is not None)
        if target is not None:
            self.queue_entry(payload.guild_id, target, messages.edit_entry(before, after, self.now()))

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        if payload.guild_id is None:
            return
        cached = payload.cached_message
        places = self._places(self.bot.get_channel(payload.channel_id), payload.channel_id)
        target = await self.router.destination(
            payload.guild_id, Kind.MESSAGES, channel_ids=places, person=cached.author if cached else None,
            webhook=bool(cached and cached.webhook_id))
        if target is not None:
            entry = messages.delete_entry(payload.channel_id, payload.message_id, cached, self.now())
            self.queue_entry(payload.guild_id, target, entry)

    @commands.Cog.listener()
    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        if payload.guild_id is None:
            return
        channel = self.bot.get_channel(payload.channel_id)
        target = await self.router.destination(payload.guild_id, Kind.MESSAGES,
                                               channel_ids=self._places(channel, payload.channel_id))
        if target is None:
            return
        left_out = {m.id for m in payload.cached_messages
                    if await self.router.person_ignored(payload.guild_id, m.author, webhook=m.webhook_id is not None)}
        entry = messages.bulk_entry(channel, payload.channel_id, set(payload.message_ids), payload.cached_messages,
                                    left_out, self.now())
        self.queue_entry(payload.guild_id, target, entry)

    # --- members ------------------------------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_member_join(self, member: discord.Member) -> None:
        guild_id = member.guild.id
        target = await self.router.destination(guild_id, Kind.MEMBERS, person=member)
        if target is None:
            return
        new_age = await self.bot.guild_settings.setting(guild_id, LOGS_NEW_ACCOUNT_AGE)
        invite = await invite_line(self.bot, member)
        self.queue_entry(guild_id, target, members.join_entry(member, self.now(), new_age, invite))

    @commands.Cog.listener()
    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        target = await self.router.destination(payload.guild_id, Kind.MEMBERS, person=payload.user)
        if target is not None:
            self.queue_entry(payload.guild_id, target, members.leave_entry(payload.user, self.now()))

    @commands.Cog.listener()
    async def on_member_update(self, before: discord.Member, after: discord.Member) -> None:
        guild_id = after.guild.id
        now = self.now()
        if before.timed_out_until != after.timed_out_until:
            await self._timeout(after, now)
        if before.roles == after.roles and before.nick == after.nick and before.guild_avatar == after.guild_avatar:
            return
        target = await self.router.destination(guild_id, Kind.MEMBERS, person=after)
        if target is None:
            return
        self.queue_entry(guild_id, target, members.roles_entry(before, after, now))
        self.queue_entry(guild_id, target, members.nick_entry(before, after, now))
        if before.guild_avatar != after.guild_avatar:
            self.queue_entry(guild_id, target, members.avatar_entry(after, before.guild_avatar, after.guild_avatar,
                                                                    now, server=True))

    @commands.Cog.listener()
    async def on_user_update(self, before: discord.User, after: discord.User) -> None:
        if before.avatar == after.avatar:
            return
        for guild in after.mutual_guilds:
            member = guild.get_member(after.id)
            target = await self.router.destination(guild.id, Kind.MEMBERS, person=member or after)
            if target is not None:
                entry = members.avatar_entry(member or after, before.avatar, after.avatar, self.now(), server=False)
                self.queue_entry(guild.id, target, entry)

    # --- moderation ---------------------------------------------------------------------------------------------

    async def _moderation_target(self, guild: discord.Guild, user: discord.abc.User) -> int | None:
        me = self.bot.user
        if me is not None and user.id == me.id:
            return None
        return await self.router.destination(guild.id, Kind.MODERATION)

    async def _timeout(self, member: discord.Member, now: datetime) -> None:
        target = await self._moderation_target(member.guild, member)
        if target is None:
            return
        until = member.timed_out_until
        actor = await moderation.find_actor(member.guild, A.member_update, member.id, moderation.is_timeout_change)
        self.queue_entry(member.guild.id, target, moderation.timeout_entry(member, until, actor, now))

    @commands.Cog.listener()
    async def on_member_ban(self, guild: discord.Guild, user: discord.User | discord.Member) -> None:
        target = await self._moderation_target(guild, user)
        if target is not None:
            actor = await moderation.find_actor(guild, A.ban, user.id)
            self.queue_entry(guild.id, target, moderation.ban_entry(user, actor, self.now(), banned=True))

    @commands.Cog.listener()
    async def on_member_unban(self, guild: discord.Guild, user: discord.User) -> None:
        target = await self._moderation_target(guild, user)
        if target is not None:
            actor = await moderation.find_actor(guild, A.unban, user.id)
            self.queue_entry(guild.id, target, moderation.ban_entry(user, actor, self.now(), banned=False))

    # --- the server's structure ---------------------------------------------------------------------------------

    async def _server(self, guild_id: int, build: Callable[[], LogEntry | list[LogEntry] | None], *,
                      places: tuple[int | None, ...] = ()) -> None:
        """Queue what `build` makes (called only when the server kind is logged and the place is not ignored)."""
        target = await self.router.destination(guild_id, Kind.SERVER, channel_ids=places)
        if target is None:
            return
        built = build()
        for entry in built if isinstance(built, list) else [built]:
            self.queue_entry(guild_id, target, entry)

    @commands.Cog.listener()
    async def on_guild_channel_create(self, channel: discord.abc.GuildChannel) -> None:
        await self._server(channel.guild.id, lambda: server.channel_entry(channel, self.now(), created=True))

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        await self._server(channel.guild.id, lambda: server.channel_entry(channel, self.now(), created=False))

    @commands.Cog.listener()
    async def on_guild_channel_update(self, before: discord.abc.GuildChannel,
                                      after: discord.abc.GuildChannel) -> None:
        await self._server(after.guild.id, lambda: server.channel_update_entry(before, after, self.now()))

    @commands.Cog.listener()
    async def on_guild_role_create(self, role: discord.Role) -> None:
        await self._server(role.guild.id, lambda: server.role_entry(role, self.now(), created=True))

    @commands.Cog.listener()
    async def on_guild_role_delete(self, role: discord.Role) -> None:
        await self._server(role.guild.id, lambda: server.role_entry(role, self.now(), created=False))

    @commands.Cog.listener()
    async def on_guild_role_update(self, before: discord.Role, after: discord.Role) -> None:
        await self._server(after.guild.id, lambda: server.role_update_entry(before, after, self.now()))

    @commands.Cog.listener()
    async def on_guild_emojis_update(self, guild: discord.Guild, before: Any, after: Any) -> None:
        await self._server(guild.id, lambda: server.emoji_entries(before, after, self.now()))

    @commands.Cog.listener()
    async def on_thread_create(self, thread: discord.Thread) -> None:
        await self._server(thread.guild.id, lambda: server.thread_entry(thread, self.now()),
                           places=(thread.id, thread.parent_id))

    @commands.Cog.listener()
    async def on_raw_thread_delete(self, payload: discord.RawThreadDeleteEvent) -> None:
        await self._server(payload.guild_id, lambda: server.thread_delete_entry(
            payload.thread_id, payload.parent_id, payload.thread, self.now()),
            places=(payload.thread_id, payload.parent_id))

    @commands.Cog.listener()
    async def on_thread_update(self, before: discord.Thread, after: discord.Thread) -> None:
        await self._server(after.guild.id, lambda: server.thread_update_entry(before, after, self.now()),
                           places=(after.id, after.parent_id))

    # --- voice --------------------------------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_voice_state_update(self, member: discord.Member, before: discord.VoiceState,
                                    after: discord.VoiceState) -> None:
        old, new = before.channel, after.channel  # read now: discord.py updates `after` in place on the next change
        if getattr(old, "id", None) == getattr(new, "id", None):
            return  # muted, deafened, streaming: not logged
        target = await self.router.destination(member.guild.id, Kind.VOICE, person=member)
        if target is not None:
            self.queue_entry(member.guild.id, target, server.voice_entry(member, old, new, self.now()))
