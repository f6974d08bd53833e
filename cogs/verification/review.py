"""Deciding a verification: granting the verified role (by the AI check or a reviewer), asking the reviewers
with Approve / Reject buttons when the AI could not decide, and the reviewers' decisions."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING

import discord

from cogs.verification import repo
from cogs.verification.assessment import sanitise
from cogs.verification.channels import MEMBER_READ_ONLY
from cogs.verification.desk import CLEANUP, LABELS, NONE, role_problem
from cogs.verification.settings import VERIFICATION_CLOSE_DELAY
from cogs.verification.views import ReviewButton
from core.guild_kit import post_to_log
from utils.errors import UserFacingError, missing_permission_message

if TYPE_CHECKING:
    from cogs.verification.channels import PrivateChannels
    from cogs.verification.desk import VerificationDesk

log = logging.getLogger(__name__)


def rejection_reason(text: str) -> str:
    """The reason a reviewer typed, on one line; refused when empty (the member is always told why)."""
    reason = " ".join(text.split())
    if not reason:
        raise UserFacingError("Give the member a reason.")
    return reason


@dataclass(frozen=True)
class Decided:
    """A reviewer's decision, made: the resolved verification, the answer for the reviewer, the line that replaces
    the review message's text, and what follows once the reviewer has their answer (`Review.conclude`)."""

    verification: repo.Verification
    answer: str
    line: str
    then: Callable[[], Awaitable[None]]


def review_embed(verification: repo.Verification, note: str | None) -> discord.Embed:
    """What the reviewers see: the member, why a human decides, the AI's reading."""
    embed = discord.Embed(title=f"Verification #{verification.id} needs a review", colour=discord.Colour.orange())
    embed.add_field(name="Member", value=f"<@{verification.user_id}> ({verification.user_id})", inline=False)
    embed.add_field(name="Why", value=sanitise(note) or "—", inline=False)
    if verification.status == repo.MANUAL_REVIEW:
        embed.add_field(name="AI says", value=verification.ai_reason or "—", inline=False)
    embed.add_field(name="Payment date",
                    value=verification.payment_date.isoformat() if verification.payment_date else "not read")
    embed.add_field(name="Channel", value=f"<#{verification.channel_id}>")
    embed.set_footer(text="The screenshot is in the member's verification channel.")
    return embed


class Review:
    """The verified role, the review request, Approve and Reject."""

    def __init__(self, desk: VerificationDesk, channels: PrivateChannels) -> None:
        self.desk = desk
        self.channels = channels

    # --- outcomes -----------------------------------------------------------------------------------------------------

    async def grant(self, member: discord.Member, role: discord.Role, verification_id: int) -> str | None:
        """Give the verified role; the problem in words when it can't be given."""
        problem = role_problem(member.guild, role)
        if problem:
            return problem
        # Checked again now, against whoever set verification.verified_role (the log channel is told once why not).
        refusal = await self.desk.bot.role_grants.setting_refusal(member.guild, role, "verification",
                                                                  "verified_role")
        if refusal is not None:
            return refusal.reason
        try:
            await member.add_roles(role, reason=f"Verification #{verification_id}")
        except discord.Forbidden as exc:
            return missing_permission_message(exc)
        except discord.HTTPException as exc:
            return f"Discord refused to grant the role ({exc.status})."
        return None

    @staticmethod
    async def revoke(member: discord.Member, role: discord.Role, verification_id: int) -> None:
        """Take back a role granted for a verification that was resolved meanwhile."""
        try:
            await member.remove_roles(role, reason=f"Verification #{verification_id} was closed meanwhile")
        except discord.HTTPException as exc:
            log.warning("Could not take back role %s from %s: %s", role.id, member.id, exc)

    async def verified(self, guild: discord.Guild, verification: repo.Verification, member: discord.Member,
                       role: discord.Role, *, by: discord.Member | None) -> None:
        """After the role was granted and the row resolved: tell the member and the log, close the channel.

        Other features learn that the member passed from the event `hearth_member_verified(member)` (the roles
        cog's autoroles "after verification")."""
        self.desk.bot.dispatch("hearth_member_verified", member)
        await self.desk.dm(member.id, f"✅ You're verified on **{guild.name}**: you now have the **{role.name}** "
                                      "role.")
        how = f"approved by {by.mention}" if by else "automatically"
        paid = f", payment of {verification.payment_date.isoformat()}" if verification.payment_date else ""
        await post_to_log(self.desk.bot, guild, feature="verification", what="a verification log entry",
                          content=f"✅ {member.mention} was verified {how} (verification "
                                  f"#{verification.id}{paid}).")
        await self.channels.close_channel(guild, verification)

    async def ask_reviewers(self, guild: discord.Guild, verification: repo.Verification, note: str | None) -> None:
        """Approve / Reject buttons in the verification channel (reviewers see it) and in the log channel."""
        embed = review_embed(verification, note)
        reviewer = await self.desk.reviewer_role(guild)
        ping = discord.AllowedMentions(roles=[reviewer]) if reviewer else NONE
        content = f"{reviewer.mention}: a verification needs a review." if reviewer else None
        channel = guild.get_channel(verification.channel_id)
        if isinstance(channel, discord.TextChannel):
            try:
                await channel.send(content=content, embed=embed, view=ReviewButton.view_of(verification.id),
                                   allowed_mentions=ping)
            except discord.HTTPException as exc:
                log.warning("Guild %s: could not post the review request in %s: %s", guild.id, channel.id, exc)
        await post_to_log(self.desk.bot, guild, feature="verification", what="a verification log entry",
                          content=content, embed=embed, view=ReviewButton.view_of(verification.id),
                          allowed_mentions=ping)

    # --- reviewers ----------------------------------------------------------------------------------------------------

    async def check_reviewable(self, guild: discord.Guild, member: discord.Member,
                               verification_id: int) -> repo.Verification:
        """The open verification a reviewer acts on; refuses non-reviewers and one's own verification."""
        if not await self.desk.is_reviewer(member):
            raise UserFacingError("Only reviewers can do that (the verification reviewer role, the staff role or "
                                  "Manage Server).")
        verification = await repo.get(self.desk.pool, guild.id, verification_id)
        if verification is None:
            raise UserFacingError(f"There is no verification #{verification_id} on this server.")
        if not verification.is_open:
            raise UserFacingError(f"Verification #{verification_id} is already {LABELS[verification.status]}.")
        if verification.user_id == member.id:
            raise UserFacingError("You can't review your own verification.")
        return verification

    async def conclude(self, decided: Decided, reviewed: discord.Message | None) -> None:
        """After the reviewer has their answer: take the buttons off the log's review message they clicked (the
        channel's goes with the channel), then what follows the decision (the member, the log, the channel)."""
        if reviewed is not None and reviewed.channel.id != decided.verification.channel_id:
            embeds = [discord.Embed.from_dict({**e.to_dict(), "description": decided.line})
                      for e in reviewed.embeds[:1]]
            try:
                await reviewed.edit(embeds=embeds, view=None, allowed_mentions=NONE)
            except discord.HTTPException as exc:
                log.info("Could not update the review message %s: %s", reviewed.id, exc)
        await decided.then()

    async def approve(self, guild: discord.Guild, reviewer: discord.Member,
                      verification: repo.Verification) -> Decided:
        """A reviewer's Approve (of a verification `check_reviewable` returned): grant the role and resolve; then
        (`conclude`) tell everyone and close the channel."""
        role = await self.desk.verified_role(guild)
        if role is None:
            raise UserFacingError("No verified role is set: an admin can run `/config verification setup`.")
        member = guild.get_member(verification.user_id)
        if member is None:
            raise UserFacingError(f"<@{verification.user_id}> is no longer on the server: reject the verification "
                                  "instead.")
        problem = await self.grant(member, role, verification.id)
        if problem:
            raise UserFacingError(problem)
        done = await repo.resolve(self.desk.pool, guild.id, verification.id, status=repo.VERIFIED,
                                  now=self.desk.bot.clock.now(), by=reviewer.id)
        if done is None:
            raise UserFacingError(f"Verification #{verification.id} was resolved meanwhile.")
        return Decided(done, f"✅ Approved: {member.mention} now has {role.mention}.",
                       f"✅ Approved by {reviewer.mention}.",
                       partial(self.verified, guild, done, member, role, by=reviewer))

    async def reject(self, guild: discord.Guild, reviewer: discord.Member, verification: repo.Verification,
                     reason: str) -> Decided:
        """A reviewer's Reject (with the reason from the modal, see `rejection_reason`): tell the member, close the
        channel now or after `verification.close_delay` (the member can read the reason there meanwhile)."""
        desk = self.desk
        now = desk.bot.clock.now()
        done = await repo.resolve(desk.pool, guild.id, verification.id, status=repo.CLOSED_MANUAL, now=now,
                                  by=reviewer.id, rejection_reason=reason)
        if done is None:
            raise UserFacingError(f"Verification #{verification.id} was resolved meanwhile.")
        delay = timedelta(seconds=await desk.bot.guild_settings.setting(guild.id, VERIFICATION_CLOSE_DELAY))
        closes = discord.utils.format_dt(now + delay, "R")
        channel = guild.get_channel(done.channel_id)
        notes = []
        if isinstance(channel, discord.TextChannel) and delay:
            member = guild.get_member(done.user_id)
            try:
                await channel.send(f"<@{done.user_id}> ✖️ Your verification was not accepted.\n**Reason:** {reason}\n"
                                   f"This channel closes {closes}; you can start a new verification from the panel "
                                   "later.", allowed_mentions=discord.AllowedMentions(users=[discord.Object(
                                       done.user_id)]))
                if member is not None:
                    await channel.set_permissions(member, overwrite=MEMBER_READ_ONLY,
                                                  reason=f"Verification #{done.id} rejected")
            except discord.HTTPException as exc:
                notes.append(missing_permission_message(exc) if isinstance(exc, discord.Forbidden) else
                             f"Discord answered {exc.status} while I posted the reason in the channel.")
        if not await desk.dm(done.user_id, f"✖️ Your verification on **{guild.name}** was not accepted.\n"
                                           f"Reason: {reason}"):
            notes.append("I couldn't DM the member" + (" (the reason is in their channel)." if delay else "."))
        if delay:
            await desk.bot.timers.schedule(guild.id, CLEANUP, str(done.id), now + delay, {"verification_id": done.id})
        answer = f"✖️ Rejected verification #{done.id} of <@{done.user_id}>."
        answer += f" The channel closes {closes}." if delay else ""

        async def then() -> None:
            await post_to_log(desk.bot, guild, feature="verification", what="a verification log entry",
                              content=f"✖️ Verification #{done.id} of <@{done.user_id}> was rejected by "
                                      f"{reviewer.mention}: {reason}")
            if not delay:
                await self.channels.close_channel(guild, done)

        return Decided(done, " ".join([answer, *notes]), f"✖️ Rejected by {reviewer.mention}: {reason}", then)
