"""Actions taken outside Hearth (Discord's own menus, another bot) become cases too: bans (GUILD_BAN_ADD), unbans
(GUILD_BAN_REMOVE: the case closes the open ban case), timeouts set or lifted (GUILD_MEMBER_UPDATE with a new
`communication_disabled_until`) and kicks (GUILD_MEMBER_REMOVE with a kick in the audit log). The moderator and
reason come from the server's audit log when Hearth may read it (View Audit Log).

Hearth's own actions are recognised by the member it is acting on (`CaseLog.acting_on`, entered just before it
asks Discord, in the process that holds the guild's shard — the one that receives the guild's events; automod
enters it through `ModerationApi.acting_on`) and by the audit log entry naming Hearth, so they are never recorded
twice. A kick cannot be told from a member leaving without the audit log: then it is not recorded.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import discord
from discord.ext import commands

from cogs.moderation.contract import MixinMeta

log = logging.getLogger(__name__)
AUDIT_LOOKBACK = 10  # recent entries searched for the target
KICK_RECENT = timedelta(seconds=60)  # a kick entry older than this is not the member's leaving now
UNKNOWN = " (I can't read the audit log: grant me View Audit Log to know who)"


class ExternalActions(MixinMeta):
    """The listeners for actions taken outside Hearth; mixed into the moderation cog."""

    async def _audit(self, guild: discord.Guild, action: discord.AuditLogAction, user_id: int, *,
                     key: str | None = None,
                     recent: timedelta | None = None) -> tuple[bool, discord.AuditLogEntry | None]:
        """(readable, the latest entry of `action` on `user_id`, changing `key` when given). Readable is False
        without View Audit Log or when Discord refused."""
        if not guild.me.guild_permissions.view_audit_log:
            return False, None
        try:
            async for entry in guild.audit_logs(limit=AUDIT_LOOKBACK, action=action):
                if entry.target is None or entry.target.id != user_id:
                    continue
                if key is not None and not hasattr(entry.after, key) and not hasattr(entry.before, key):
                    continue
                if recent is not None and discord.utils.utcnow() - entry.created_at > recent:
                    return True, None
                return True, entry
        except discord.HTTPException as exc:
            log.info("Guild %s: the audit log could not be read: %s", guild.id, exc)
            return False, None
        return True, None

    def _who(self, guild: discord.Guild, readable: bool, entry: discord.AuditLogEntry | None,
             what: str) -> tuple[int | None, str]:
        """The moderator and the reason of an outside action, in words."""
        if entry is None or entry.user_id is None:
            return None, f"{what} outside Hearth, by someone unknown" + ("" if readable else UNKNOWN)
        return entry.user_id, f"{entry.reason or 'no reason given'} ({what.lower()} in Discord's menus)"

    @commands.Cog.listener()
    async def on_member_ban(self, guild: discord.Guild, user: discord.User | discord.Member) -> None:
        """Record a ban that Hearth did not make as a case."""
        if self.cases.is_own(guild.id, user.id, "ban"):
            return
        readable, entry = await self._audit(guild, discord.AuditLogAction.ban, user.id)
        if entry is not None and entry.user_id == guild.me.id:
            return  # Hearth's own ban (from another process, or a retry): already a case
        moderator_id, reason = self._who(guild, readable, entry, "Banned")
        await self.cases.record(guild, "ban", target_id=user.id, moderator_id=moderator_id, reason=reason)

    @commands.Cog.listener()
    async def on_member_unban(self, guild: discord.Guild, user: discord.User) -> None:
        """Record an unban that Hearth did not make as a case closing the open ban case."""
        if self.cases.is_own(guild.id, user.id, "unban"):
            return
        readable, entry = await self._audit(guild, discord.AuditLogAction.unban, user.id)
        if entry is not None and entry.user_id == guild.me.id:
            return
        moderator_id, reason = self._who(guild, readable, entry, "Unbanned")
        await self.record_unban(guild, user.id, moderator_id, reason)

    @commands.Cog.listener()
    async def on_member_update(self, before: discord.Member, after: discord.Member) -> None:
        """Record a timeout set or lifted outside Hearth as a case."""
        if before.timed_out_until == after.timed_out_until:
            return
        guild = after.guild
        if self.cases.is_own(guild.id, after.id, "timeout"):
            return
        until = after.timed_out_until
        now = discord.utils.utcnow()
        lifted = until is None or until <= now
        if lifted and (before.timed_out_until is None or before.timed_out_until <= now):
            return  # an expired timeout cleared: nothing was done
        readable, entry = await self._audit(guild, discord.AuditLogAction.member_update, after.id,
                                            key="timed_out_until")
        if entry is not None and entry.user_id == guild.me.id:
            return  # Hearth's own (automod, another process): recorded by whoever did it
        if lifted:
            moderator_id, reason = self._who(guild, readable, entry, "Timeout lifted")
            await self.record_untimeout(guild, after.id, moderator_id, reason)
            return
        assert until is not None
        seconds = max(1, round((until - now).total_seconds()))
        moderator_id, reason = self._who(guild, readable, entry, "Timed out")
        await self.cases.record(guild, "timeout", target_id=after.id, moderator_id=moderator_id, reason=reason,
                                duration_seconds=seconds, expires_at=self.bot.clock.now() + timedelta(seconds=seconds))

    @commands.Cog.listener()
    async def on_member_remove(self, member: discord.Member) -> None:
        """Record a kick made outside Hearth (seen in the audit log; a member leaving is no case)."""
        guild = member.guild
        if self.cases.is_own(guild.id, member.id, "kick"):
            return
        _, entry = await self._audit(guild, discord.AuditLogAction.kick, member.id, recent=KICK_RECENT)
        if entry is None or entry.user_id == guild.me.id:
            return
        moderator_id, reason = self._who(guild, True, entry, "Kicked")
        await self.cases.record(guild, "kick", target_id=member.id, moderator_id=moderator_id, reason=reason)
