"""Reaction roles at work: a member reacting (or un-reacting) on a configured message gets (or loses) the role.

Raw gateway events, so a message the bot never cached (posted before it started, or long ago) works as well. The
hot path reads the guild's reaction roles from the cache: a reaction on any other message costs no database
round trip. Modes: normal (react to get, un-react to lose), verify (react to get; un-reacting keeps it), drop
(react to lose).
"""

from __future__ import annotations

import logging
from typing import Any

import discord

from cogs.roles.grants import Grant, RoleChanger
from cogs.roles.inputs import reaction_key
from cogs.roles.models import GuildRoles, ReactionRole
from core.guild_cache import GuildCache
from utils.members import find_member

log = logging.getLogger(__name__)


class ReactionRoles:
    """Turns reactions on configured messages into role changes."""

    def __init__(self, bot: Any, cache: GuildCache[GuildRoles], changer: RoleChanger) -> None:
        self.bot = bot
        self.cache = cache
        self.changer = changer

    async def _rule(self, payload: discord.RawReactionActionEvent) -> ReactionRole | None:
        if payload.guild_id is None or payload.user_id == self.bot.user.id:
            return None
        config = self.cache.peek(payload.guild_id) or await self.cache.get(payload.guild_id)
        rules = config.reactions.get(payload.message_id)
        return rules.get(reaction_key(payload.emoji)) if rules else None

    async def reacted(self, payload: discord.RawReactionActionEvent, *, added: bool) -> None:
        """A reaction was added (`added`) or removed: change the member's role if the message and emoji are
        configured."""
        rule = await self._rule(payload)
        if rule is None:
            return
        guild = self.bot.get_guild(payload.guild_id)
        if guild is None:
            return
        member = payload.member if added and payload.member is not None else await find_member(guild,
                                                                                               payload.user_id)
        if member is None or member.bot:
            return
        role = guild.get_role(rule.role_id)
        if role is None:
            await self.changer.report(guild, None, f"reaction-{rule.id}",
                                      f"⚠️ The reaction role {rule.emoji} on https://discord.com/channels/{guild.id}/"
                                      f"{rule.channel_id}/{rule.message_id} gives a role that no longer exists.")
            return
        reason = "Reaction role"
        if added and rule.mode in ("normal", "verify"):
            await self.changer.give(member, [Grant(role, rule.added_by, f"a reaction role ({rule.emoji})")],
                                    reason=reason)
        elif (added and rule.mode == "drop") or (not added and rule.mode == "normal"):
            await self.changer.take(member, [role], reason=reason)
