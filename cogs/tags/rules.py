"""Who may do what with tags: staff (one `StaffRule`), owners, and the guild's settings for members.

- Everyone on the server may post a tag (`/tag get`) and read them (`info`, `list`, `search`).
- Staff (Manage Server, Manage Messages, or the server's staff role `system.staff_role`) may create, edit, delete,
  alias and transfer every tag, and own any number of tags.
- A member may create tags when `tags.members_can_create` is on (the default), up to `tags.max_per_member`, and
  edit, delete, alias and transfer their own; they may claim a tag whose owner left the server (or was erased).
"""

from __future__ import annotations

from typing import Any

import discord

from cogs.tags import repo
from cogs.tags.model import Tag
from cogs.tags.settings import TAGS_MAX_PER_MEMBER, TAGS_MEMBERS_CAN_CREATE
from core.guild_kit import GUILD, StaffRule, is_staff
from core.settings_registry import SYSTEM_STAFF_ROLE
from utils.errors import UserFacingError

TAGS_STAFF = StaffRule(permissions=("manage_guild", "manage_messages"), where=GUILD, roles=(SYSTEM_STAFF_ROLE,))
STAFF_WORDS = "staff (Manage Server, Manage Messages or the staff role)"


async def is_tag_staff(bot: Any, who: discord.Interaction | discord.abc.User) -> bool:
    """Whether the member (or the member using the interaction) is tags staff (`TAGS_STAFF`)."""
    return await is_staff(bot, TAGS_STAFF, who)


async def require_manage(bot: Any, member: discord.Member, tag: Tag, action: str) -> bool:
    """Refuse unless the member owns the tag or is staff; whether they are staff."""
    staff = await is_tag_staff(bot, member)
    if not staff and tag.owner_id != member.id:
        raise UserFacingError(f"Only the tag's owner or {STAFF_WORDS} can {action} `{tag.name}`.")
    return staff


async def require_room(bot: Any, pool: Any, guild_id: int, member: discord.abc.User, *, staff: bool,
                       you: bool = True) -> None:
    """Refuse when the member already owns `tags.max_per_member` tags (staff have no limit)."""
    if staff:
        return
    limit = await bot.guild_settings.setting(guild_id, TAGS_MAX_PER_MEMBER)
    owned = await repo.owned_count(pool, guild_id, member.id)
    if owned >= limit:
        who = "You already own" if you else f"{member.mention} already owns"
        raise UserFacingError(f"{who} {owned} tag(s); the limit on this server is {limit} "
                              "(`tags.max_per_member`). Delete or transfer one first.")


async def require_may_create(bot: Any, member: discord.Member, action: str = "create tags") -> bool:
    """Refuse a member who may not create tags (the setting is off and they are not staff); whether staff."""
    staff = await is_tag_staff(bot, member)
    if not staff and not await bot.guild_settings.setting(member.guild.id, TAGS_MEMBERS_CAN_CREATE):
        raise UserFacingError(f"On this server only {STAFF_WORDS} can {action} (`tags.members_can_create` is off).")
    return staff
