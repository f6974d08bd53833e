"""What a level change does on Discord: the level roles (stacked or replacing each other, every one through the
role-safety check against whoever set it) and the level-up announcement (a channel, the current channel, a DM or
nothing; the admin's template; it pings the member who levelled up and nobody else)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import discord

from cogs.levels.api import LevelUp
from cogs.levels.rules import GuildRules
from cogs.levels.settings import (
    LEVELS_ANNOUNCE,
    LEVELS_ANNOUNCE_CHANNEL,
    LEVELS_ANNOUNCE_MESSAGE,
)
from core.guild_kit import post_to_log
from utils.errors import missing_permission_message
from utils.templates import render

log = logging.getLogger(__name__)
SEND_NEEDS = ("view_channel", "send_messages")


@dataclass
class RoleChange:
    """What a role sync did: roles given and taken, and roles left alone because the check refused them."""

    added: list[discord.Role] = field(default_factory=list)
    removed: list[discord.Role] = field(default_factory=list)
    refused: list[discord.Role] = field(default_factory=list)


async def sync_roles(bot: Any, member: discord.Member, level: int, rules: GuildRules, mode: str) -> RoleChange:
    """Give `member` the level roles of `level` and take away the level roles they should not hold (above their
    level, or below the top one in `replace` mode). Each role passes the role-safety check against its setter,
    taking it away too (the bot acts for whoever set it)."""
    guild = member.guild
    change = RoleChange()
    wanted = {role.role_id: role for role in rules.wanted(level, mode)}
    configured = {role.role_id: role for role in rules.roles}
    held = {role.id for role in member.roles}
    for role_id, level_role in configured.items():
        give = role_id in wanted and role_id not in held
        take = role_id not in wanted and role_id in held
        role = guild.get_role(role_id)
        if role is None or not (give or take):
            continue
        refusal = await bot.role_grants.refusal(guild, role, level_role.set_by,
                                                source=f"the level {level_role.level} role (`/config levels role_add`)")
        if refusal is not None:
            change.refused.append(role)
        else:
            (change.added if give else change.removed).append(role)
    try:
        if change.added:
            await member.add_roles(*change.added, reason=f"Hearth: level {level}")
        if change.removed:
            await member.remove_roles(*change.removed, reason=f"Hearth: level {level}")
    except discord.Forbidden as exc:
        await post_to_log(bot, guild, content=f"⚠️ {member.mention} is level {level}, but I could not update their "
                                              f"level roles: {missing_permission_message(exc)}")
        change.added, change.removed = [], []
    except discord.HTTPException as exc:
        log.warning("Guild %s: level roles of %s not updated: %s", guild.id, member.id, exc)
        change.added, change.removed = [], []
    return change


def announcement(template: str, member: discord.Member, event: LevelUp) -> str:
    """The level-up message for `member` (names as plain text: markdown in them is shown, not applied)."""
    values = {"member": discord.utils.escape_markdown(member.display_name), "member.mention": member.mention,
              "member.name": discord.utils.escape_markdown(member.name), "level": str(event.new_level),
              "old_level": str(event.old_level), "xp": f"{event.xp:,}", "server": member.guild.name}
    return render(template, values)


def _where(bot: Any, guild: discord.Guild, mode: str, channel_id: int | None,
           event: LevelUp) -> discord.abc.Messageable | None:
    if mode == "channel" and channel_id is not None:
        target = guild.get_channel(channel_id)
        if target is not None:
            return target  # type: ignore[return-value]
    if mode in ("channel", "current") and event.channel_id is not None:
        return guild.get_channel_or_thread(event.channel_id)  # type: ignore[return-value]
    return None


async def announce(bot: Any, member: discord.Member, event: LevelUp) -> discord.Message | None:
    """Post the level-up where the server wants it; None when it is off or could not be posted (logged)."""
    guild = member.guild
    settings = bot.guild_settings
    mode = await settings.setting(guild.id, LEVELS_ANNOUNCE)
    if mode == "off":
        return None
    text = announcement(await settings.setting(guild.id, LEVELS_ANNOUNCE_MESSAGE), member, event)
    try:
        if mode == "dm":
            # A DM pings its reader anyway: no mention is needed, none is allowed.
            return await member.send(text, allowed_mentions=discord.AllowedMentions.none())
        target = _where(bot, guild, mode, await settings.setting(guild.id, LEVELS_ANNOUNCE_CHANNEL), event)
        if target is None:
            return None
        allowed = target.permissions_for(guild.me)  # type: ignore[union-attr]
        if not all(getattr(allowed, flag) for flag in SEND_NEEDS):
            log.info("Guild %s: no permission to announce a level-up in %s", guild.id, target)
            return None
        # Only the member who levelled up may be pinged, whatever the template or their name says.
        return await target.send(text, allowed_mentions=discord.AllowedMentions(
            everyone=False, roles=False, users=[member], replied_user=False))
    except discord.HTTPException as exc:  # DMs closed, channel gone, Discord trouble: the level-up itself stands
        log.info("Guild %s: level-up of %s not announced (%s): %s", guild.id, member.id, mode, exc)
        return None
