"""Sending a welcome, farewell or ban message: to its channel, by DM or both, with the welcome card when it is on.

The path runs on every join and leave and reads only cached settings: no database round trip. What goes wrong is
reported to the admins once (in the log channel, `post_to_log`) until it works again, never swallowed:

- the bot may not post in the channel → `core.channel_access` pauses the channel and tells the admins once;
- it may post but not attach files → the message goes as text and the admins hear that Attach Files is missing;
- the card could not be drawn → the message goes as text, the error is in the bot's log and the admins are told;
- the channel was deleted → the admins are told to set another.

A member whose DMs are closed simply gets no DM (logged). Bots are not welcomed.
"""

from __future__ import annotations

import asyncio
import io
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import discord

from cogs.welcome.card import CARD_NAME, CardData, welcome_card
from cogs.welcome.inviter import UNKNOWN, inviter_text
from cogs.welcome.messages import LABELS, Post, compose, member_count, uses_inviter
from cogs.welcome.settings import KIND_SETTINGS, WELCOME_CARD, WELCOME_CHANNEL
from core.channel_access import ChannelBlocked
from core.guild_kit import post_to_log
from utils.cards import avatar_bytes
from utils.errors import permission_name

log = logging.getLogger(__name__)

BAN_MEMORY = timedelta(minutes=5)  # a leave this soon after a ban is the ban's, not a farewell
CHANNEL_NEEDS = ("view_channel", "send_messages")
Person = discord.Member | discord.User


@dataclass
class Preview:
    """What `/welcome test` shows: the message as it would be posted, the card, and notes for the admin."""

    post: Post
    card: bytes | None
    notes: list[str] = field(default_factory=list)


class Welcomer:
    """The welcome, farewell and ban messages of every guild (one per cog; state in memory only)."""

    def __init__(self, bot: Any, drawing: ThreadPoolExecutor) -> None:
        self.bot = bot
        self.drawing = drawing
        self.reported: set[tuple[int, str]] = set()  # (guild, problem) the admins were told about, until it works
        self._bans: dict[tuple[int, int], datetime] = {}

    # --- settings ------------------------------------------------------------------------------------------------

    async def _setting(self, guild: discord.Guild, spec: Any) -> Any:
        return await self.bot.guild_settings.setting(guild.id, spec)

    async def channel_of(self, kind: str, guild: discord.Guild) -> tuple[int | None, discord.TextChannel | None]:
        """The `kind` channel id in effect (farewell and ban fall back to the welcome channel), and the channel when
        it is still a text channel of the guild."""
        channel_id = await self._setting(guild, KIND_SETTINGS[kind].channel)
        if channel_id is None and kind != "welcome":
            channel_id = await self._setting(guild, WELCOME_CHANNEL)
        channel = guild.get_channel(channel_id) if channel_id else None
        return channel_id, channel if isinstance(channel, discord.TextChannel) else None

    async def post_of(self, kind: str, guild: discord.Guild, user: Person) -> Post:
        """The `kind` message of `user`, from the guild's template."""
        template = await self._setting(guild, KIND_SETTINGS[kind].message)
        inviter = await inviter_text(self.bot, user) if uses_inviter(template) else UNKNOWN
        return compose(kind, template, user, guild, inviter)

    async def card_of(self, guild: discord.Guild, user: Person) -> tuple[bytes | None, str | None]:
        """The welcome card of `user` (their avatar from Discord's CDN, or their initial when it can't be fetched),
        or None and the problem in words."""
        data = CardData(user.display_name, user.id, guild.name, member_count(guild, user, "welcome"),
                        await avatar_bytes(user))
        try:
            return await asyncio.get_running_loop().run_in_executor(self.drawing, welcome_card, data), None
        except Exception:
            log.exception("Guild %s: drawing the welcome card of %s failed", guild.id, user.id)
            return None, "I couldn't draw the welcome card (the error is in my log), so welcomes go as text only."

    # --- bans ----------------------------------------------------------------------------------------------------

    def note_ban(self, guild_id: int, user_id: int) -> None:
        """Remember a ban: the leave that follows it is not a farewell."""
        now = self.bot.clock.now()
        self._bans = {key: when for key, when in self._bans.items() if now - when < BAN_MEMORY}
        self._bans[(guild_id, user_id)] = now

    def was_banned(self, guild_id: int, user_id: int) -> bool:
        """Whether `user_id` was banned from the guild just now."""
        when = self._bans.get((guild_id, user_id))
        return when is not None and self.bot.clock.now() - when < BAN_MEMORY

    # --- delivery ------------------------------------------------------------------------------------------------

    async def deliver(self, kind: str, guild: discord.Guild, user: Person) -> None:
        """Send the `kind` message of `user` where the guild wants it (nothing when it is off or not set up)."""
        if user.bot:
            return
        to = await self._setting(guild, KIND_SETTINGS[kind].to)
        channel_id, channel = await self.channel_of(kind, guild) if to in ("channel", "both") else (None, None)
        if to == "off" or (to == "channel" and channel_id is None):
            return
        post = await self.post_of(kind, guild, user)
        wants_card = kind == "welcome" and await self._setting(guild, WELCOME_CARD)
        allowed = channel.permissions_for(guild.me) if channel is not None else discord.Permissions.none()
        attach_here = allowed.attach_files
        can_post = allowed.view_channel and allowed.send_messages  # else channel_access tells the admins
        card = None
        if wants_card and (attach_here or to in ("dm", "both")):
            card, problem = await self.card_of(guild, user)
            if problem:
                await self.report(guild, "draw", problem)
            else:
                self.resolved(guild, "draw")
        if channel_id is not None:
            await self._to_channel(kind, guild, channel_id, channel, post, card if attach_here else None)
            if wants_card and can_post and not attach_here:
                await self.report(guild, f"attach:{channel_id}", (
                    f"I couldn't attach the welcome card in <#{channel_id}>: I'm missing the **Attach Files** "
                    "permission there, so welcomes go as text only."))
        if to in ("dm", "both"):
            await self._to_dm(kind, guild, user, post, card)

    async def _to_channel(self, kind: str, guild: discord.Guild, channel_id: int,
                          channel: discord.TextChannel | None, post: Post, card: bytes | None) -> None:
        spec = KIND_SETTINGS[kind].channel
        if channel is None:
            await self.report(guild, f"gone:{kind}", (
                f"The channel of {LABELS[kind]}s (id {channel_id}) no longer exists, so they are not posted: set "
                f"another with `/welcome setup kind:{kind} channel:` or `/config set scope:welcome key:{spec.key}`."))
            return
        self.resolved(guild, f"gone:{kind}")
        extra = {"file": discord.File(io.BytesIO(card), CARD_NAME)} if card is not None else {}
        try:
            await self.bot.channel_access.send(channel, what=f"the {LABELS[kind]}", content=post.content,
                                               allowed_mentions=post.channel_mentions, **extra)
        except ChannelBlocked:
            return  # the admins were told once by channel_access
        except discord.HTTPException as exc:
            log.warning("Guild %s: the %s could not be posted (%s)", guild.id, LABELS[kind], exc)
            return
        if card is not None:
            self.resolved(guild, f"attach:{channel.id}")

    async def _to_dm(self, kind: str, guild: discord.Guild, user: Person, post: Post, card: bytes | None) -> None:
        extra = {"file": discord.File(io.BytesIO(card), CARD_NAME)} if card is not None else {}
        try:
            await user.send(post.content, allowed_mentions=post.dm_mentions, **extra)
        except discord.Forbidden:
            log.info("Guild %s: %s's DMs are closed; no %s by DM", guild.id, user.id, LABELS[kind])
        except discord.HTTPException as exc:
            log.warning("Guild %s: the %s could not be sent by DM to %s (%s)", guild.id, LABELS[kind], user.id, exc)

    # --- telling the admins --------------------------------------------------------------------------------------

    async def report(self, guild: discord.Guild, key: str, problem: str) -> None:
        """Tell the admins about `problem` once (log channel), until `resolved(guild, key)`."""
        if (guild.id, key) in self.reported:
            return
        self.reported.add((guild.id, key))
        log.warning("Guild %s: %s", guild.id, problem)
        failed = await post_to_log(self.bot, guild, what="a welcome notice", content=f"⚠️ {problem}")
        if failed:
            log.warning("Guild %s: the welcome notice could not be posted either: %s", guild.id, failed)

    def resolved(self, guild: discord.Guild, key: str) -> None:
        """`key` works again: a later failure is news for the admins."""
        self.reported.discard((guild.id, key))

    # --- /welcome test -------------------------------------------------------------------------------------------

    async def setup_notes(self, kind: str, guild: discord.Guild) -> list[str]:
        """Where `kind` messages go and what stands in the way, for the admin."""
        to = await self._setting(guild, KIND_SETTINGS[kind].to)
        label = LABELS[kind].capitalize() + "s"
        if to == "off":
            return [f"⚠️ {label} are **off**: turn them on with `/welcome setup kind:{kind} send_to:channel`."]
        notes = []
        if to in ("channel", "both"):
            channel_id, channel = await self.channel_of(kind, guild)
            if channel_id is None:
                notes.append(f"⚠️ {label} go to a channel, but none is set: `/welcome setup kind:{kind} channel:`.")
            elif channel is None:
                notes.append(f"⚠️ The channel of {LABELS[kind]}s (id {channel_id}) no longer exists.")
            else:
                allowed = channel.permissions_for(guild.me)
                missing = [permission_name(p) for p in CHANNEL_NEEDS if not getattr(allowed, p)]
                notes.append(f"{label} are posted in {channel.mention}.")
                if missing:
                    notes.append(f"⚠️ I'm missing **{', '.join(missing)}** in {channel.mention}: nothing can be "
                                 "posted there.")
                elif kind == "welcome" and await self._setting(guild, WELCOME_CARD) and not allowed.attach_files:
                    notes.append(f"⚠️ I'm missing **Attach Files** in {channel.mention}: the card can't be attached "
                                 "there, welcomes go as text only.")
        if to in ("dm", "both"):
            notes.append(f"{label} are sent by DM (members whose DMs are closed get none).")
        if kind == "welcome":
            card = await self._setting(guild, WELCOME_CARD)
            notes.append("The welcome card is **on**." if card else
                         "The welcome card is off (`/welcome card enabled:True`).")
            notes.append("Only `{member.mention}` pings, and only the new member.")
        else:
            notes.append("This message pings nobody.")
        return notes

    async def preview(self, kind: str, guild: discord.Guild, admin: discord.Member) -> Preview:
        """The `kind` message as `admin` would get it, with the card when it is on, and the setup notes."""
        post = await self.post_of(kind, guild, admin)
        notes = await self.setup_notes(kind, guild)
        card = None
        if kind == "welcome" and await self._setting(guild, WELCOME_CARD):
            card, problem = await self.card_of(guild, admin)
            if problem:
                notes.append(f"⚠️ {problem}")
        return Preview(post, card, notes)
