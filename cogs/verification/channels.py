"""A verification's private channel (only the member, the reviewers and the bot see it): opening one when a
member starts (one open verification per member, and not too often), and closing it — with the screenshot in
it — when the verification is done, after a rejection's delay, or when no screenshot came in time (the clean-up
job), or noticing that someone deleted it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING

import discord

from cogs.premium.api import premium_of
from cogs.verification import repo
from cogs.verification.cache import ChannelRef
from cogs.verification.desk import CLEANUP, LABELS, REVIEWERS, VERIFICATION_CHANNELS
from cogs.verification.settings import VERIFICATION_COOLDOWN, VERIFICATION_INSTRUCTIONS, VERIFICATION_UPLOAD_TIMEOUT
from core.guild_kit import Placement, post_to_log, staff_roles
from utils.errors import UserFacingError, missing_permission_message

if TYPE_CHECKING:
    from cogs.verification.cache import ChannelCache
    from cogs.verification.desk import VerificationDesk
    from core.timers import Job

STALE_START = timedelta(minutes=5)  # a start that never got its channel (the process died) no longer blocks

MEMBER_READ_ONLY = discord.PermissionOverwrite(view_channel=True, send_messages=False, attach_files=False,
                                               read_message_history=True)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")[:60] or "member"


class PrivateChannels:
    """Start a verification in its own channel; close the channel again."""

    def __init__(self, desk: VerificationDesk, cache: ChannelCache) -> None:
        self.desk = desk
        self.cache = cache

    # --- starting -------------------------------------------------------------------------------------------------

    async def check_can_start(self, guild: discord.Guild, member: discord.Member) -> None:
        """Refuse early what needs no lock: no premium, not set up, already verified."""
        if not await premium_of(self.desk.bot).guild_has_premium(guild.id):
            raise UserFacingError("Verification is a premium feature, and this server has no active premium right "
                                  "now. An admin can see `/premium`.")
        role = await self.desk.verified_role(guild)
        if role is not None and role in member.roles:
            raise UserFacingError(f"You're already verified (you have **@{role.name}**).")
        problems = await self.desk.setup_problems(guild)
        if problems:
            raise await self._setup_problem(guild, member, " ".join(problems))

    async def _claim_start(self, guild: discord.Guild, member: discord.Member, now: datetime) -> int:
        """One open verification per member and the rate limit, checked and claimed under a lock."""
        cooldown = timedelta(seconds=await self.desk.bot.guild_settings.setting(guild.id, VERIFICATION_COOLDOWN) or 0)
        async with self.desk.pool.acquire() as conn, conn.transaction():
            await repo.lock_member(conn, guild.id, member.id)
            existing = await repo.open_of_member(conn, guild.id, member.id)
            if existing is not None:
                channel = guild.get_channel(existing.channel_id) if existing.channel_id else None
                stale = (channel is None and existing.channel_id != 0) or (
                    existing.channel_id == 0 and now - existing.created_at > STALE_START)
                if not stale:
                    where = f": {channel.mention}" if channel is not None else " (its channel is being created)"
                    raise UserFacingError(f"You already have an open verification{where}. Finish that one first.")
                await repo.resolve(conn, guild.id, existing.id, status=repo.CLOSED_MANUAL, now=now, by=None,
                                   rejection_reason="The verification channel was deleted.")
            last = await repo.last_started(conn, guild.id, member.id)
            if last is not None and cooldown and now < last + cooldown:
                again = discord.utils.format_dt(last + cooldown, "R")
                raise UserFacingError(f"You started a verification recently. You can start a new one {again}.")
            return await repo.create(conn, guild.id, member.id, now)

    async def open(self, guild: discord.Guild, member: discord.Member) -> discord.TextChannel:
        """Create the verification and its private channel; the clean-up job closes it without a screenshot."""
        desk = self.desk
        now = desk.bot.clock.now()
        verification_id = await self._claim_start(guild, member, now)
        reviewers = await staff_roles(desk.bot, REVIEWERS, guild)
        placement = await Placement.of(desk.bot, guild, VERIFICATION_CHANNELS, reviewers)
        try:
            channel = await placement.create(
                f"verify-{verification_id}-{_slug(member.name)}",
                VERIFICATION_CHANNELS.overwrites(guild, member, reviewers),
                topic=f"Verification #{verification_id} of {member} ({member.id})",
                reason=f"Verification #{verification_id} started by {member} ({member.id})",
                rollback=partial(repo.delete, desk.pool, guild.id, verification_id))
        except discord.Forbidden as exc:
            raise await self._setup_problem(guild, member, missing_permission_message(exc)) from exc
        await repo.set_channel(desk.pool, guild.id, verification_id, channel.id)
        self.cache.remember(ChannelRef(verification_id, guild.id, member.id), channel.id)
        timeout = await desk.bot.guild_settings.setting(guild.id, VERIFICATION_UPLOAD_TIMEOUT)
        await desk.bot.timers.schedule(guild.id, CLEANUP, str(verification_id), now + timedelta(seconds=timeout),
                                       {"verification_id": verification_id})
        requirements = await desk.bot.guild_settings.setting(guild.id, VERIFICATION_INSTRUCTIONS)
        embed = discord.Embed(title=f"Verification #{verification_id}", colour=discord.Colour.green(), description=(
            "Upload a **screenshot of your payment** in this channel (PNG, JPEG, WebP or GIF, up to 10 MB).\n"
            "An AI checks it; when it can't be sure, a reviewer decides.\n\n"
            "Only you and the reviewers see this channel. It is deleted, screenshot included, when your "
            "verification is done; the bot does not keep your screenshot."))
        if requirements:
            embed.add_field(name="What counts", value=requirements[:1024], inline=False)
        deadline = discord.utils.format_dt(now + timedelta(seconds=timeout), "R")
        embed.add_field(name="Time limit", value=f"Upload it {deadline}, or this channel closes.", inline=False)
        await channel.send(content=f"{member.mention}, welcome!", embed=embed,
                           allowed_mentions=discord.AllowedMentions(users=[member]))
        return channel

    async def _setup_problem(self, guild: discord.Guild, member: discord.Member, problem: str) -> UserFacingError:
        """Tell the admins (log channel) why a verification could not start; the error for the member: the
        problem itself for an admin, else that the admins know."""
        await post_to_log(self.desk.bot, guild, feature="verification", what="a verification log entry",
                          content=f"⚠️ A member could not start a verification: {problem}")
        if member.guild_permissions.manage_guild:
            return UserFacingError(problem)
        return UserFacingError("Verification isn't available right now because of a setup problem on my side; "
                               "the admins have been told.")

    # --- closing ------------------------------------------------------------------------------------------------------

    async def close_channel(self, guild: discord.Guild, verification: repo.Verification) -> None:
        """Delete the verification's channel (with the screenshot in it) and its pending clean-up job."""
        await self.desk.bot.timers.cancel(CLEANUP, str(verification.id))
        self.cache.forget(verification.channel_id)
        channel = guild.get_channel(verification.channel_id)
        if channel is None:
            return
        try:
            await channel.delete(reason=f"Verification #{verification.id} {LABELS[verification.status]}")
        except discord.NotFound:
            pass
        except discord.HTTPException as exc:
            problem = missing_permission_message(exc) if isinstance(exc, discord.Forbidden) else exc.text
            await post_to_log(self.desk.bot, guild, feature="verification", what="a verification log entry", content=(
                f"⚠️ I couldn't delete the channel of verification #{verification.id} ({channel.mention}): {problem} "
                "Please delete it by hand: it holds the member's payment screenshot."))

    async def run_cleanup(self, job: Job) -> datetime | None:
        """The time limit of a verification without a screenshot, or the delayed close after a rejection."""
        desk = self.desk
        verification = await repo.get(desk.pool, job.guild_id, int(job.payload.get("verification_id", 0)))
        if verification is None:
            return None
        guild = desk.bot.get_guild(job.guild_id)
        if verification.is_open:
            if verification.status != repo.PENDING:
                return None  # a reviewer decides; the channel stays until then
            verification = await repo.resolve(desk.pool, job.guild_id, verification.id, status=repo.CLOSED_MANUAL,
                                              now=desk.bot.clock.now(), by=None,
                                              rejection_reason="No screenshot was uploaded in time.")
            if verification is None:
                return None
            await desk.dm(verification.user_id, "⌛ Your verification" + (f" on **{guild.name}**" if guild else "")
                          + " was closed because no screenshot arrived in time. You can start again from the panel.")
        if guild is not None:
            await self.close_channel(guild, verification)
        return None

    async def channel_deleted(self, channel: discord.abc.GuildChannel) -> None:
        """Someone deleted an open verification's channel: close the verification (the member may start again)."""
        self.cache.forget(channel.id)
        desk = self.desk
        verification = await repo.open_by_channel(desk.pool, channel.guild.id, channel.id)
        if verification is None:
            return
        await repo.resolve(desk.pool, channel.guild.id, verification.id, status=repo.CLOSED_MANUAL,
                           now=desk.bot.clock.now(), by=None, rejection_reason="The verification channel was deleted.")
        await desk.bot.timers.cancel(CLEANUP, str(verification.id))
