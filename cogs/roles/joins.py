"""Autoroles and sticky roles: roles given when a member (or a bot) joins, when a member passes verification or
onboarding, after a delay; and the sticky roles a member held when they left, given back when they return.

The join and leave paths read the guild's configuration from the cache: a guild without autoroles or sticky roles
costs no database round trip per join or leave. Only what must be stored is: a delayed autorole is a timers job
(`AUTOROLE_KIND`, key `<guild>:<member>:<autorole>`, must happen), a leaver's sticky roles one row, read back (and
deleted) when they return.

Verification and onboarding tell the bot that a member passed with the events `hearth_member_verified(member)`
and `hearth_onboarding_completed(member)` (dispatched by those cogs).

A sticky role is never given back when it carries a dangerous permission now (whoever set it up), and never when
role safety refuses it on behalf of whoever made it sticky.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import discord

from cogs.roles import repo_members
from cogs.roles.grants import Grant, Outcome, RoleChanger
from cogs.roles.models import Autorole, GuildRoles
from core.guild_cache import GuildCache
from core.role_safety import dangerous_permissions
from core.timers import Job
from utils.members import find_member

log = logging.getLogger(__name__)

AUTOROLE_KIND = "roles_autorole"
AFTER_TEXT = {"join": "joining", "verification": "verification", "onboarding": "onboarding"}


def autorole_key(guild_id: int, user_id: int, autorole_id: int) -> str:
    """The timers key of a delayed autorole."""
    return f"{guild_id}:{user_id}:{autorole_id}"


def _source(rule: Autorole) -> str:
    return f"the autoroles ({rule.target}, after {AFTER_TEXT[rule.after]})"


class Joins:
    """Autoroles on join, after verification or onboarding, and sticky roles."""

    def __init__(self, bot: Any, pool: Any, cache: GuildCache[GuildRoles], changer: RoleChanger) -> None:
        self.bot = bot
        self.pool = pool
        self.cache = cache
        self.changer = changer

    async def _config(self, guild_id: int) -> GuildRoles:
        return self.cache.peek(guild_id) or await self.cache.get(guild_id)

    # --- events ------------------------------------------------------------------------------------------------

    async def joined(self, member: discord.Member) -> None:
        """A member or a bot joined: autoroles given on join, and a returning member's sticky roles."""
        config = await self._config(member.guild.id)
        grants: list[Grant] = []
        if config.sticky and not member.bot:
            grants += await self._sticky_grants(member, config)
        await self._autoroles(member, config.autoroles_for("bots" if member.bot else "members", "join"), grants)

    async def passed(self, member: discord.Member, after: str) -> None:
        """A member passed verification or onboarding (`after`): the autoroles waiting for it."""
        if member.bot:
            return
        config = await self._config(member.guild.id)
        await self._autoroles(member, config.autoroles_for("members", after), [])

    async def left(self, guild_id: int, user: discord.User | discord.Member) -> None:
        """A member left: remember the sticky roles they held; their delayed autoroles are no longer due."""
        config = await self._config(guild_id)
        if any(rule.delay_seconds for rule in config.autoroles):
            await self.bot.timers.cancel(AUTOROLE_KIND, f"{guild_id}:{user.id}:", prefix=True)
        if not config.sticky or not isinstance(user, discord.Member):
            return
        held = [role.id for role in user.roles if role.id in config.sticky]
        if held:
            await repo_members.save_leaver(self.pool, guild_id, user.id, held, self.bot.clock.now())

    # --- giving ------------------------------------------------------------------------------------------------

    async def _autoroles(self, member: discord.Member, rules: list[Autorole], grants: list[Grant]) -> None:
        guild = member.guild
        for rule in rules:
            if rule.delay_seconds:
                await self.bot.timers.schedule(
                    guild.id, AUTOROLE_KIND, autorole_key(guild.id, member.id, rule.id),
                    self.bot.clock.now() + timedelta(seconds=rule.delay_seconds),
                    {"user_id": member.id, "autorole_id": rule.id})
                continue
            role = guild.get_role(rule.role_id)
            if role is not None:
                grants.append(Grant(role, rule.added_by, _source(rule)))
        if grants:
            outcome = await self.changer.give(member, grants, reason="Autoroles")
            self._log(member, outcome)

    async def _sticky_grants(self, member: discord.Member, config: GuildRoles) -> list[Grant]:
        """The sticky roles the returning member held when they left, if each may still be given back."""
        guild = member.guild
        grants = []
        for role_id in await repo_members.take_leaver(self.pool, guild.id, member.id):
            role = guild.get_role(role_id)
            if role is None or role_id not in config.sticky:
                continue  # deleted, or no longer sticky
            dangerous = dangerous_permissions(role)
            if dangerous:
                await self.changer.report(guild, role, "sticky-dangerous",
                                          f"⛔ I did not give {role.mention} back to returning members: it carries "
                                          f"dangerous permissions ({', '.join(dangerous)}), and sticky roles never "
                                          "do. (Reported once.)")
                continue
            grants.append(Grant(role, config.sticky[role_id], "the sticky roles"))
        return grants

    async def run_delayed(self, job: Job) -> None:
        """The timers handler of a delayed autorole: give it, if the member is still here and it is still set."""
        guild = self.bot.get_guild(job.guild_id)
        if guild is None:
            return None
        rule = await repo_members.autorole(self.pool, guild.id, int(job.payload["autorole_id"]))
        member = await find_member(guild, int(job.payload["user_id"]))
        role = guild.get_role(rule.role_id) if rule else None
        if rule is None or member is None or role is None:
            return None
        outcome = await self.changer.give(member, [Grant(role, rule.added_by, _source(rule))],
                                          reason="Autoroles (delayed)")
        self._log(member, outcome)
        return None

    @staticmethod
    def _log(member: discord.Member, outcome: Outcome) -> None:
        if outcome.refused or outcome.problems:
            log.info("Guild %s: autoroles for %s: %d refused, problems: %s", member.guild.id, member.id,
                     len(outcome.refused), outcome.problems)
