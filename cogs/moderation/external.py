"""Bans made outside Hearth (Discord's own menus, another bot) become cases too, with the moderator and reason
taken from the server's audit log when Hearth may read it (View Audit Log).

Hearth's own bans are recognised by the ban it is making (`own_bans`, filled just before it asks Discord, in the
process that holds the guild's shard — the one that receives the guild's GUILD_BAN_ADD) and by the audit log entry
naming Hearth, so they are never recorded twice.
"""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from cogs.moderation.contract import MixinMeta

log = logging.getLogger(__name__)
AUDIT_LOOKBACK = 10  # recent ban entries searched for the target


class ExternalActions(MixinMeta):
    """The GUILD_BAN_ADD listener; mixed into the moderation cog."""

    own_bans: set[tuple[int, int]]  # (guild id, user id) of bans Hearth is making right now

    @commands.Cog.listener()
    async def on_member_ban(self, guild: discord.Guild, user: discord.User | discord.Member) -> None:
        """Record a ban that Hearth did not make as a case."""
        if (guild.id, user.id) in self.own_bans:
            return
        moderator_id: int | None = None
        reason: str | None = None
        readable = guild.me.guild_permissions.view_audit_log
        if readable:
            try:
                async for entry in guild.audit_logs(limit=AUDIT_LOOKBACK, action=discord.AuditLogAction.ban):
                    if entry.target is not None and entry.target.id == user.id:
                        if entry.user_id == guild.me.id:
                            return  # Hearth's own ban (from another process, or a retry): already a case
                        moderator_id, reason = entry.user_id, entry.reason
                        break
            except discord.HTTPException as exc:
                log.info("Guild %s: the audit log could not be read for a ban: %s", guild.id, exc)
                readable = False
        if moderator_id is None:
            why = "" if readable else " (I can't read the audit log: grant me View Audit Log to know who)"
            reason = reason or f"Banned outside Hearth, by someone unknown{why}"
        else:
            reason = f"{reason or 'no reason given'} (banned in Discord's menus)"
        await self.cases.record(guild, "ban", target_id=user.id, moderator_id=moderator_id, reason=reason)
