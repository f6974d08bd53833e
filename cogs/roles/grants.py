"""Giving and taking roles for menus, reaction roles, autoroles and sticky roles, in one place.

Every role given is checked again, now, by role safety (`bot.role_grants`) against whoever configured it; a
refused role is not given, the member is told why in a short sentence (when there is someone to tell), and the
log channel is told once per cause (by role safety). A role Discord refuses to change (the bot lost Manage Roles)
is reported to the roles log channel once per guild, role and process.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import discord

from cogs.roles.settings import SCOPE
from core.guild_kit import post_to_log
from core.role_safety import RoleRefusal
from utils.errors import missing_permission_message

log = logging.getLogger(__name__)
REPORTED_LIMIT = 10_000


@dataclass(frozen=True)
class Grant:
    """A role to give, who configured it (the check is on their behalf) and where, for the log."""

    role: discord.Role
    setter_id: int | None
    source: str


@dataclass
class Outcome:
    """What a change did: roles given and taken, roles refused by role safety, and problems in words."""

    given: list[discord.Role] = field(default_factory=list)
    taken: list[discord.Role] = field(default_factory=list)
    refused: list[tuple[discord.Role, RoleRefusal]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def member_lines(self) -> list[str]:
        """What the member who asked is told."""
        lines = []
        if self.given:
            lines.append("✅ You now have " + ", ".join(role.mention for role in self.given) + ".")
        if self.taken:
            lines.append("➖ Removed " + ", ".join(role.mention for role in self.taken) + ".")
        lines += [refusal.member_text(role) for role, refusal in self.refused]
        lines += self.problems
        return lines


class RoleChanger:
    """Gives and takes roles on the bot's behalf, after role safety (one per cog)."""

    def __init__(self, bot: Any) -> None:
        self.bot = bot
        self._reported: set[tuple[int, int, str]] = set()

    async def give(self, member: discord.Member, grants: list[Grant], *, reason: str,
                   outcome: Outcome | None = None) -> Outcome:
        """Give each role the member lacks, if role safety still allows it on behalf of its setter."""
        outcome = outcome or Outcome()
        for grant in grants:
            role = grant.role
            if member.get_role(role.id) is not None:
                continue
            refusal = await self.bot.role_grants.refusal(member.guild, role, grant.setter_id, source=grant.source)
            if refusal is not None:
                outcome.refused.append((role, refusal))
                continue
            if await self._change(member, role, add=True, reason=reason, outcome=outcome):
                outcome.given.append(role)
        return outcome

    async def take(self, member: discord.Member, roles: list[discord.Role], *, reason: str,
                   outcome: Outcome | None = None) -> Outcome:
        """Take each of `roles` the member holds."""
        outcome = outcome or Outcome()
        for role in roles:
            if member.get_role(role.id) is None:
                continue
            if await self._change(member, role, add=False, reason=reason, outcome=outcome):
                outcome.taken.append(role)
        return outcome

    async def _change(self, member: discord.Member, role: discord.Role, *, add: bool, reason: str,
                      outcome: Outcome) -> bool:
        try:
            if add:
                await member.add_roles(role, reason=reason)
            else:
                await member.remove_roles(role, reason=reason)
        except discord.Forbidden as exc:
            problem = missing_permission_message(exc)
            outcome.problems.append(f"I couldn't {'give' if add else 'remove'} {role.mention}: {problem}")
            await self.report(member.guild, role, "forbidden",
                              f"⚠️ I couldn't {'give' if add else 'remove'} {role.mention} ({reason}): {problem}")
            return False
        except discord.NotFound:  # the member left or the role was deleted meanwhile
            return False
        return True

    async def report(self, guild: discord.Guild, role: discord.Role | None, cause: str, text: str) -> None:
        """Tell the roles log channel once per guild, role and cause (per process), so a broken setting does not
        post once per member."""
        key = (guild.id, role.id if role else 0, cause)
        if key in self._reported:
            return
        if len(self._reported) >= REPORTED_LIMIT:
            self._reported.clear()
        self._reported.add(key)
        problem = await post_to_log(self.bot, guild, feature=SCOPE, what="a roles log entry", content=text)
        if problem:
            log.warning("Guild %s: %s (and the log channel: %s)", guild.id, text, problem)
