"""Private channels of a feature (a ticket, a verification …): only a member, the feature's staff and the bot see one.

A feature declares what its channels look like once, as a `PrivateChannelKind`: the server permissions the bot
needs (and the "I'm missing …" sentence for admins), and what each party may do — @everyone is hidden, the bot,
the member and the staff roles get their overwrite. `Placement` picks the category of a new channel: the
feature's category (`<feature>.category`), or its overflow category (`<feature>.overflow_category`) once Discord's
limit of 50 channels per category is reached — known from the bot's cache, or learnt from Discord's refusal —
creating (and remembering) a private overflow category when there is none with room. `Placement.create` makes the
channel and, when that fails, runs the caller's rollback (the row the caller wrote just before) before the error
propagates.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import discord

from utils.errors import permission_name

if TYPE_CHECKING:
    from core.guild_settings import GuildSettings
    from core.settings_registry import SettingSpec

log = logging.getLogger(__name__)

CATEGORY_LIMIT = 50  # Discord: at most 50 channels in one category
HIDDEN = discord.PermissionOverwrite(view_channel=False)

Overwrites = dict[discord.Role | discord.Member | discord.Object, discord.PermissionOverwrite]


class PlacementBot(Protocol):
    """What placing a channel uses of the bot (`HearthBot` provides it)."""

    @property
    def guild_settings(self) -> GuildSettings:
        """Per-guild settings (the feature's category and overflow category)."""

    @property
    def user(self) -> discord.ClientUser | None:
        """The bot's own user (who changed a category setting the bot created)."""


@dataclass(frozen=True)
class PrivateChannelKind:
    """What one feature's private channels look like, and what the bot needs to make them."""

    category: SettingSpec[int | None]  # the feature's category setting (`<feature>.category`)
    overflow_category: SettingSpec[int | None]  # where channels go once the category holds 50
    label: str  # "ticket": in audit-log reasons and logs ("Ticket category is full …")
    needed: tuple[str, ...]  # server permissions the bot needs (discord.py names)
    bot: discord.PermissionOverwrite
    member: discord.PermissionOverwrite
    staff: discord.PermissionOverwrite
    purpose: str | None = None  # "run tickets": the missing-permission sentence says what can't happen
    default_category: str | None = None  # created when no category is set; None: the channel goes without one
    default_reason: str = ""  # the audit-log reason of the default category

    def overwrites(self, guild: discord.Guild, member: discord.abc.Snowflake | None = None,
                   staff: Sequence[discord.Role] = ()) -> Overwrites:
        """@everyone hidden; the bot, the member (if any: a category has none) and the staff roles see it."""
        overwrites: Overwrites = {guild.default_role: HIDDEN, guild.me: self.bot}
        if member is not None:
            overwrites[member] = self.member  # type: ignore[index]
        for role in staff:
            overwrites[role] = self.staff
        return overwrites

    def missing_permissions(self, guild: discord.Guild) -> list[str]:
        """Discord's names of the server permissions the bot lacks for these channels (empty = all there)."""
        have = guild.me.guild_permissions
        return [permission_name(flag) for flag in self.needed if not getattr(have, flag)]

    def missing_text(self, missing: list[str]) -> str:
        """A sentence for admins about missing permissions."""
        if self.purpose is None:
            return (f"I'm missing the **{', '.join(missing)}** permission(s) in this server: grant them to my role in "
                    "Server Settings → Roles.")
        return (f"I'm missing the **{', '.join(missing)}** permission(s) in this server, so I can't {self.purpose}. "
                "Grant them to my role in Server Settings → Roles.")


def has_room(category: discord.CategoryChannel | None) -> bool:
    """Whether one more channel fits in `category`."""
    return category is not None and len(category.channels) < CATEGORY_LIMIT


def is_category_full(error: discord.HTTPException) -> bool:
    """Discord's answer when a category already holds 50 channels (400 Invalid Form Body on parent_id)."""
    text = f"{error.text} {getattr(error, 'code', '')}".lower()
    return error.status == 400 and ("parent_id" in text or "max_channels" in text or "maximum number" in text)


class Placement:
    """Picks the category of a feature's new private channel and creates the overflow category when needed."""

    def __init__(self, guild: discord.Guild, kind: PrivateChannelKind, category_id: int | None,
                 overflow_id: int | None, staff: Sequence[discord.Role],
                 remember: Callable[[SettingSpec[int | None], int], Awaitable[None]]) -> None:
        self.guild = guild
        self.kind = kind
        self.base = self._category(category_id)
        self.overflow = self._category(overflow_id)
        self.staff = staff
        self.remember = remember  # (setting, category id): store a category the bot created
        self.created_base: discord.CategoryChannel | None = None  # the default category, if this channel made it

    @classmethod
    async def of(cls, bot: PlacementBot, guild: discord.Guild, kind: PrivateChannelKind,
                 staff: Sequence[discord.Role]) -> Placement:
        """The placement from the feature's settings; a category the bot creates is remembered in them."""

        async def remember(spec: SettingSpec[int | None], category_id: int) -> None:
            await bot.guild_settings.set(guild.id, spec.scope, spec.key, category_id,
                                         changed_by=bot.user.id if bot.user else None)

        settings = bot.guild_settings
        return cls(guild, kind, await settings.setting(guild.id, kind.category),
                   await settings.setting(guild.id, kind.overflow_category), staff, remember)

    def _category(self, channel_id: int | None) -> discord.CategoryChannel | None:
        channel = self.guild.get_channel(channel_id) if channel_id else None
        return channel if isinstance(channel, discord.CategoryChannel) else None

    async def parent(self, *, base_full: bool = False, overflow_full: bool = False) -> discord.CategoryChannel | None:
        """The category for the next channel (None: no category is set and the feature makes none)."""
        if self.base is None:  # never set up, or the category was deleted
            if self.kind.default_category is None:
                return None
            self.base = self.created_base = await self._new_category(
                self.kind.default_category, self.kind.category, position=None, reason=self.kind.default_reason)
            return self.base
        if not base_full and has_room(self.base):
            return self.base
        if not overflow_full and has_room(self.overflow):
            return self.overflow
        self.overflow = await self._new_overflow()
        return self.overflow

    async def _new_overflow(self) -> discord.CategoryChannel:
        assert self.base is not None
        log.info("Guild %s: %s category %s is full, creating an overflow category", self.guild.id, self.kind.label,
                 self.base.id)
        return await self._new_category(f"{self.base.name} (overflow)"[:100], self.kind.overflow_category,
                                        position=self.base.position + 1,
                                        reason=f"{self.kind.label.capitalize()} category is full (50 channels)")

    async def _new_category(self, name: str, spec: SettingSpec[int | None], *, position: int | None,
                            reason: str) -> discord.CategoryChannel:
        """Create a private category (the bot and the staff see it) and remember it in the `spec` setting."""
        options = {} if position is None else {"position": position}
        created = await self.guild.create_category(name, overwrites=self.kind.overwrites(self.guild, staff=self.staff),
                                                   reason=reason, **options)
        log.info("Guild %s: created %s category %s (%s) for %s.%s", self.guild.id, self.kind.label, created.id, name,
                 spec.scope, spec.key)
        await self.remember(spec, created.id)
        return created

    async def create(self, name: str, overwrites: Overwrites, topic: str, reason: str, *,
                     rollback: Callable[[], Awaitable[object]] | None = None) -> discord.TextChannel:
        """Create the channel; a category that turns out to be full sends it to the overflow category. When it
        can't be made (Discord refuses, or anything else fails), `rollback` undoes the caller's earlier step and
        the error propagates."""
        try:
            return await self._create(name, overwrites, topic, reason)
        except BaseException:
            if rollback is not None:
                await rollback()
            raise

    async def _create(self, name: str, overwrites: Overwrites, topic: str, reason: str) -> discord.TextChannel:
        parent = await self.parent()
        for attempt in range(3):
            try:
                return await self.guild.create_text_channel(name, category=parent, overwrites=overwrites, topic=topic,
                                                            reason=reason)
            except discord.HTTPException as exc:
                if parent is None or not is_category_full(exc) or attempt == 2:
                    raise
                log.info("Guild %s: Discord says category %s is full", self.guild.id, parent.id)
                parent = await self.parent(base_full=True, overflow_full=parent is self.overflow)
        raise AssertionError("unreachable")
