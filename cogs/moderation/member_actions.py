"""`/timeout`, `/untimeout`, `/kick`, `/ban`, `/tempban`, `/softban`, `/unban`: acting on members, each a case.

Every action runs `checks.check_action` first (the moderator's own permission, the bot's, the role hierarchy both
ways) and says exactly what is missing. The member is DMed before the action (`moderation.dm_on_action`), while
the bot still shares a server with them. A tempban's end is a timers job (`TEMPBAN_KIND`, must happen: retried
until the unban is done), recorded in the case's transaction, so it is lifted once, across restarts and processes.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Literal

import discord
from discord import app_commands

from cogs.moderation import repo
from cogs.moderation.cases import Case
from cogs.moderation.checks import check_action, missing_own_permission
from cogs.moderation.contract import MixinMeta
from cogs.moderation.durations import MAX_TEMPBAN, MAX_TIMEOUT
from core.duration_input import parse_duration
from core.timers.jobs import Job
from utils.durations import format_duration
from utils.errors import UserFacingError, missing_permission_message

log = logging.getLogger(__name__)

TEMPBAN_KIND = "moderation_tempban"
DELETE_WINDOWS = {"none": 0, "1h": 3600, "1d": 86400, "7d": 604800}
SOFTBAN_DELETE = 86400
DeleteWindow = Literal["none", "1h", "1d", "7d"]
Reason = app_commands.Range[str, 1, 500]


def tempban_key(guild_id: int, number: int) -> str:
    """The timers key of a tempban's end."""
    return f"{guild_id}:{number}"


def audit_reason(moderator: discord.abc.User, reason: str | None) -> str:
    """What Discord's audit log shows: who asked, and why."""
    return f"{moderator} ({moderator.id}): {reason or 'no reason given'}"[:512]


class MemberActions(MixinMeta):
    """The member actions and the tempban job; mixed into the moderation cog."""

    async def _discord(self, action: str, call: object) -> None:
        """Await a Discord call; a refusal becomes the moderator's answer."""
        try:
            await call  # type: ignore[misc]
        except discord.Forbidden as exc:
            raise UserFacingError(missing_permission_message(exc)) from None
        except discord.NotFound:
            raise UserFacingError(f"Discord no longer knows that member, so I couldn't {action} them.") from None

    async def _answer(self, interaction: discord.Interaction, case: Case, text: str, note: str | None) -> None:
        await interaction.followup.send(f"{text} (case #{case.number})." + (f"\n{note}" if note else ""),
                                        ephemeral=True, allowed_mentions=discord.AllowedMentions.none())

    # --- timeouts ------------------------------------------------------------------------------------------

    @app_commands.command(name="timeout", description="Time a member out (at most 28 days)")
    @app_commands.describe(user="Who", duration="How long: 10m, 2h, 7d …", reason="Why (they are told by DM)")
    @app_commands.guild_only()
    @app_commands.default_permissions(moderate_members=True)
    async def timeout(self, interaction: discord.Interaction, user: discord.User, duration: str,
                      reason: Reason | None = None) -> None:
        member = check_action("timeout", interaction.user, user, interaction.guild, needs_member=True)
        seconds = parse_duration(duration, maximum=MAX_TIMEOUT, what="timeout", example="/timeout duration:2h")
        assert member is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        length = format_duration(seconds)
        with self.cases.acting_on(member.guild.id, member.id, "timeout"):
            await self._discord("time out", member.timeout(timedelta(seconds=seconds),
                                                           reason=audit_reason(interaction.user, reason)))
        note = await self.tell_member(interaction.guild, member, "timeout", reason, duration=length)
        case = await self.cases.record(interaction.guild, "timeout", target_id=member.id,
                                       moderator_id=interaction.user.id, reason=reason, duration_seconds=seconds,
                                       expires_at=self.bot.clock.now() + timedelta(seconds=seconds))
        await self._answer(interaction, case, f"⏳ {member.mention} is timed out for {length}", note)

    @app_commands.command(name="untimeout", description="Lift a member's timeout")
    @app_commands.describe(user="Who", reason="Why")
    @app_commands.guild_only()
    @app_commands.default_permissions(moderate_members=True)
    async def untimeout(self, interaction: discord.Interaction, user: discord.User,
                        reason: Reason | None = None) -> None:
        member = check_action("untimeout", interaction.user, user, interaction.guild, needs_member=True)
        assert member is not None
        if not member.is_timed_out():
            raise UserFacingError(f"{member.mention} is not timed out.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        with self.cases.acting_on(member.guild.id, member.id, "timeout"):
            await self._discord("lift the timeout of",
                                member.timeout(None, reason=audit_reason(interaction.user, reason)))
        case = await self.record_untimeout(interaction.guild, member.id, interaction.user.id, reason)
        await self._answer(interaction, case, f"✅ {member.mention}'s timeout is lifted", None)

    async def record_untimeout(self, guild: discord.Guild, user_id: int, moderator_id: int | None,
                               reason: str | None) -> Case:
        """Record a lifted timeout as a case closing the member's open timeout case (when there is one)."""
        async with self.pool.acquire() as conn, conn.transaction():
            timeout = await repo.open_timeout(conn, guild.id, user_id)
            case = await self.cases.record(guild, "untimeout", target_id=user_id, moderator_id=moderator_id,
                                           reason=reason, linked_case=timeout["number"] if timeout else None,
                                           conn=conn)
        return await self.cases.post(guild, case)

    # --- kick and bans -------------------------------------------------------------------------------------

    @app_commands.command(name="kick", description="Kick a member (they may join again)")
    @app_commands.describe(user="Who", reason="Why (they are told by DM first)")
    @app_commands.guild_only()
    @app_commands.default_permissions(kick_members=True)
    async def kick(self, interaction: discord.Interaction, user: discord.User, reason: Reason | None = None) -> None:
        member = check_action("kick", interaction.user, user, interaction.guild, needs_member=True)
        assert member is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        note = await self.tell_member(interaction.guild, member, "kick", reason)
        with self.cases.acting_on(member.guild.id, member.id, "kick"):
            await self._discord("kick", member.kick(reason=audit_reason(interaction.user, reason)))
        case = await self.cases.record(interaction.guild, "kick", target_id=member.id,
                                       moderator_id=interaction.user.id, reason=reason)
        await self._answer(interaction, case, f"👢 Kicked {member.mention}", note)

    @app_commands.command(name="ban", description="Ban a user, on the server or not")
    @app_commands.describe(user="Who", reason="Why (they are told by DM first)",
                           delete_messages="Delete their messages of the last hour, day or week")
    @app_commands.guild_only()
    @app_commands.default_permissions(ban_members=True)
    async def ban(self, interaction: discord.Interaction, user: discord.User, reason: Reason | None = None,
                  delete_messages: DeleteWindow = "none") -> None:
        await self._ban(interaction, user, "ban", reason, DELETE_WINDOWS[delete_messages], None)

    @app_commands.command(name="tempban", description="Ban a user for a while; the ban is lifted on its own")
    @app_commands.describe(user="Who", duration="How long: 1d, 7d, 30d …", reason="Why (they are told by DM first)",
                           delete_messages="Delete their messages of the last hour, day or week")
    @app_commands.guild_only()
    @app_commands.default_permissions(ban_members=True)
    async def tempban(self, interaction: discord.Interaction, user: discord.User, duration: str,
                      reason: Reason | None = None, delete_messages: DeleteWindow = "none") -> None:
        # Who may ban is said before what is wrong with the input: a member without Ban Members learns that first.
        check_action("tempban", interaction.user, None, interaction.guild, needs_member=False)
        seconds = parse_duration(duration, maximum=MAX_TEMPBAN, what="temporary ban",
                                 example="/tempban duration:7d")
        await self._ban(interaction, user, "tempban", reason, DELETE_WINDOWS[delete_messages], seconds)

    @app_commands.command(name="softban", description="Ban and unban at once: kicks and deletes a day of messages")
    @app_commands.describe(user="Who", reason="Why (they are told by DM first)")
    @app_commands.guild_only()
    @app_commands.default_permissions(ban_members=True)
    async def softban(self, interaction: discord.Interaction, user: discord.User,
                      reason: Reason | None = None) -> None:
        await self._ban(interaction, user, "softban", reason, SOFTBAN_DELETE, None)

    async def _ban(self, interaction: discord.Interaction, user: discord.abc.User, action: str, reason: str | None,
                   delete_seconds: int, seconds: int | None) -> None:
        guild = interaction.guild
        member = check_action(action, interaction.user, user, guild, needs_member=action == "softban")
        await interaction.response.defer(ephemeral=True, thinking=True)
        length = format_duration(seconds) if seconds else None
        note = await self.tell_member(guild, member, action, reason, duration=length) if member else None
        why = audit_reason(interaction.user, reason)
        kinds = ("ban", "unban") if action == "softban" else ("ban",)
        with self.cases.acting_on(guild.id, user.id, *kinds):  # its GUILD_BAN_ADD is not an outside ban
            await self._discord("ban", guild.ban(user, reason=why, delete_message_seconds=delete_seconds))
            if action == "softban":
                await self._discord("unban", guild.unban(user, reason=f"Softban: {why}"[:512]))
        expires = self.bot.clock.now() + timedelta(seconds=seconds) if seconds else None
        async with self.pool.acquire() as conn, conn.transaction():
            case = await self.cases.record(guild, action, target_id=user.id, moderator_id=interaction.user.id,
                                           reason=reason, duration_seconds=seconds, expires_at=expires, conn=conn)
            if expires is not None:
                await self.bot.timers.schedule(guild.id, TEMPBAN_KIND, tempban_key(guild.id, case.number), expires,
                                               {"user_id": user.id, "case": case.number}, conn=conn)
        self.bot.timers.rearm()
        case = await self.cases.post(guild, case)
        done = {"ban": "🔨 Banned", "tempban": f"🔨 Banned for {length}", "softban": "🧹 Softbanned"}[action]
        await self._answer(interaction, case, f"{done} {user.mention}", note)

    @app_commands.command(name="unban", description="Lift a ban")
    @app_commands.describe(user="The banned user (name or id)", reason="Why")
    @app_commands.guild_only()
    @app_commands.default_permissions(ban_members=True)
    async def unban(self, interaction: discord.Interaction, user: str, reason: Reason | None = None) -> None:
        guild = interaction.guild
        check_action("unban", interaction.user, None, guild, needs_member=False)
        if not user.strip().isdigit():
            raise UserFacingError("Pick the user from the list, or paste their id.")
        target = discord.Object(int(user.strip()))
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            with self.cases.acting_on(guild.id, target.id, "unban"):
                await guild.unban(target, reason=audit_reason(interaction.user, reason))
        except discord.NotFound:
            raise UserFacingError(f"<@{target.id}> is not banned here.") from None
        except discord.Forbidden as exc:
            raise UserFacingError(missing_permission_message(exc)) from None
        case = await self.record_unban(guild, target.id, interaction.user.id, reason)
        await self._answer(interaction, case, f"✅ Unbanned <@{target.id}>", None)

    async def record_unban(self, guild: discord.Guild, user_id: int, moderator_id: int | None,
                           reason: str | None, *, from_job: bool = False) -> Case:
        """Record an unban closing the member's open ban case (a tempban's job is cancelled in the same
        transaction, so it never runs after; `from_job`: that job is the one running)."""
        async with self.pool.acquire() as conn, conn.transaction():
            ban = await repo.open_ban(conn, guild.id, user_id)
            if ban is not None and ban["type"] == "tempban" and not from_job:
                await self.bot.timers.cancel(TEMPBAN_KIND, tempban_key(guild.id, ban["number"]), conn=conn)
            case = await self.cases.record(guild, "unban", target_id=user_id, moderator_id=moderator_id,
                                           reason=reason, linked_case=ban["number"] if ban else None, conn=conn)
        return await self.cases.post(guild, case)

    @unban.autocomplete("user")
    async def _banned_users(self, interaction: discord.Interaction,
                            current: str) -> list[app_commands.Choice[str]]:
        # The command's own rule: only someone who may ban sees who is banned.
        if not isinstance(interaction.user, discord.Member) or missing_own_permission("unban", interaction.user):
            return []
        wanted = current.strip().lower()
        choices = []
        async for entry in interaction.guild.bans(limit=1000):
            if wanted in entry.user.name.lower() or wanted in str(entry.user.id):
                choices.append(app_commands.Choice(name=f"{entry.user.name} ({entry.user.id})"[:100],
                                                   value=str(entry.user.id)))
            if len(choices) == 25:
                break
        return choices

    # --- the tempban's end (timers) ------------------------------------------------------------------------

    async def lift_tempban(self, job: Job) -> None:
        """Unban once the tempban ends and record the unban as a case closing it. Idempotent: a retry after the
        unban worked finds the closing case (or Discord's 404) and records nothing twice."""
        guild = self.bot.get_guild(job.guild_id)
        if guild is None:
            return None  # the bot left the server: its bans are not ours to lift any more
        number, user_id = int(job.payload["case"]), int(job.payload["user_id"])
        if await repo.closing_case(self.pool, guild.id, number, "unban") is not None:
            return None
        current = await repo.open_ban(self.pool, guild.id, user_id)
        if current is None or current["number"] != number:
            return None  # closed or replaced by a later ban (a permanent one must not be lifted by this job)
        try:
            with self.cases.acting_on(guild.id, user_id, "unban"):
                await guild.unban(discord.Object(user_id), reason=f"Temporary ban (case #{number}) ended")
        except discord.NotFound:
            pass  # already unbanned (by hand, in Discord's menus): the case below still closes the tempban
        await self.record_unban(guild, user_id, self.bot.user.id if self.bot.user else None,
                                f"Temporary ban (case #{number}) ended", from_job=True)
        return None
