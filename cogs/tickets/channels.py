"""Ticket channels: the permissions the bot needs, the private overwrites (and the opener's write access as a
ticket closes and reopens), and where a new channel goes (the ticket category, or an overflow category when
Discord's limit of 50 channels per category is reached; with no ticket category set, or the set one deleted, a
private "Tickets" category is created and remembered)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import discord

from utils.errors import permission_name

log = logging.getLogger(__name__)

CATEGORY_LIMIT = 50  # Discord: at most 50 channels in one category
DEFAULT_CATEGORY = "Tickets"  # created when a ticket opens before /ticket setup chose a category
NEEDED = ("manage_channels", "manage_roles", "view_channel", "send_messages", "embed_links", "attach_files",
          "read_message_history")

# What each party may do in a ticket channel.
PARTICIPANT = discord.PermissionOverwrite(view_channel=True, send_messages=True, read_message_history=True,
                                          attach_files=True, embed_links=True)
BOT = discord.PermissionOverwrite(view_channel=True, send_messages=True, read_message_history=True,
                                  attach_files=True, embed_links=True, manage_channels=True)
HIDDEN = discord.PermissionOverwrite(view_channel=False)


def missing_permissions(guild: discord.Guild) -> list[str]:
    """Discord's names of the server permissions the bot lacks for tickets (empty = all there)."""
    have = guild.me.guild_permissions
    return [permission_name(flag) for flag in NEEDED if not getattr(have, flag)]


def missing_text(missing: list[str]) -> str:
    """A sentence for admins about missing permissions."""
    return (f"I'm missing the **{', '.join(missing)}** permission(s) in this server, so I can't run tickets. "
            "Grant them to my role in Server Settings → Roles.")


def ticket_overwrites(guild: discord.Guild, opener: discord.abc.Snowflake, staff_role: discord.Role | None
                      ) -> dict[discord.Role | discord.Member | discord.Object, discord.PermissionOverwrite]:
    """@everyone hidden; the opener, the staff role and the bot may see and write."""
    overwrites: dict[discord.Role | discord.Member | discord.Object, discord.PermissionOverwrite] = {
        guild.default_role: HIDDEN,
        guild.me: BOT,
        opener: PARTICIPANT,  # type: ignore[dict-item]
    }
    if staff_role is not None:
        overwrites[staff_role] = PARTICIPANT
    return overwrites


def category_overwrites(guild: discord.Guild, staff_role: discord.Role | None
                        ) -> dict[discord.Role | discord.Member, discord.PermissionOverwrite]:
    """A category the bot creates for tickets: hidden from @everyone, visible to the bot and the staff."""
    overwrites: dict[discord.Role | discord.Member, discord.PermissionOverwrite] = {
        guild.default_role: HIDDEN, guild.me: BOT}
    if staff_role is not None:
        overwrites[staff_role] = PARTICIPANT
    return overwrites


def has_room(category: discord.CategoryChannel | None) -> bool:
    """Whether one more channel fits in `category`."""
    return category is not None and len(category.channels) < CATEGORY_LIMIT


def is_category_full(error: discord.HTTPException) -> bool:
    """Discord's answer when a category already holds 50 channels (400 Invalid Form Body on parent_id)."""
    text = f"{error.text} {getattr(error, 'code', '')}".lower()
    return error.status == 400 and ("parent_id" in text or "max_channels" in text or "maximum number" in text)


class Placement:
    """Picks the category of a new ticket channel and creates the overflow category when needed."""

    def __init__(self, guild: discord.Guild, category_id: int | None, overflow_id: int | None,
                 staff_role: discord.Role | None, remember: Callable[[str, int], Awaitable[None]]) -> None:
        self.guild = guild
        self.base = self._category(category_id)
        self.overflow = self._category(overflow_id)
        self.staff_role = staff_role
        self.remember = remember  # (setting key, category id): store a category the bot created
        self.created_base: discord.CategoryChannel | None = None  # the default category, if this ticket made it

    def _category(self, channel_id: int | None) -> discord.CategoryChannel | None:
        channel = self.guild.get_channel(channel_id) if channel_id else None
        return channel if isinstance(channel, discord.CategoryChannel) else None

    async def parent(self, *, base_full: bool = False, overflow_full: bool = False) -> discord.CategoryChannel:
        """The category for the next ticket channel."""
        if self.base is None:  # never set up, or the category was deleted: make the default one
            self.base = self.created_base = await self._new_category(
                DEFAULT_CATEGORY, "category", position=None,
                reason="No ticket category was set (see /ticket setup): created the default one")
            return self.base
        if not base_full and has_room(self.base):
            return self.base
        if not overflow_full and has_room(self.overflow):
            return self.overflow
        self.overflow = await self._new_overflow()
        return self.overflow

    async def _new_overflow(self) -> discord.CategoryChannel:
        assert self.base is not None
        log.info("Guild %s: ticket category %s is full, creating an overflow category", self.guild.id, self.base.id)
        return await self._new_category(f"{self.base.name} (overflow)"[:100], "overflow_category",
                                        position=self.base.position + 1,
                                        reason="Ticket category is full (50 channels)")

    async def _new_category(self, name: str, key: str, *, position: int | None,
                            reason: str) -> discord.CategoryChannel:
        """Create a private ticket category and remember it in the `tickets.<key>` setting."""
        options = {} if position is None else {"position": position}
        created = await self.guild.create_category(name, overwrites=category_overwrites(self.guild, self.staff_role),
                                                   reason=reason, **options)
        log.info("Guild %s: created ticket category %s (%s) for tickets.%s", self.guild.id, created.id, name, key)
        await self.remember(key, created.id)
        return created

    async def create(self, name: str, overwrites: dict, topic: str, reason: str) -> discord.TextChannel:
        """Create the channel; a category that turns out to be full sends it to the overflow category."""
        parent = await self.parent()
        for attempt in range(3):
            try:
                return await self.guild.create_text_channel(name, category=parent, overwrites=overwrites, topic=topic,
                                                            reason=reason)
            except discord.HTTPException as exc:
                if not is_category_full(exc) or attempt == 2:
                    raise
                log.info("Guild %s: Discord says category %s is full", self.guild.id, parent.id)
                parent = await self.parent(base_full=True, overflow_full=parent is self.overflow)
        raise AssertionError("unreachable")


async def set_opener_can_write(channel: discord.TextChannel, user_id: int, can: bool) -> None:
    """Let the opener write again (reopened) or only read (closed); nothing when they left the server."""
    member = channel.guild.get_member(user_id)
    if member is None:
        return
    overwrite = channel.overwrites_for(member)
    overwrite.update(send_messages=can, view_channel=True, read_message_history=True)
    await channel.set_permissions(member, overwrite=overwrite, reason="Ticket reopened" if can else "Ticket closed")
