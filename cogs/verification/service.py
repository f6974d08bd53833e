"""The verification flow: start (private channel), screenshot check (vision model), review, close.

Statuses of `verification_tickets`: pending (channel open, waiting for a screenshot or the AI), manual_review
(the AI was not sure: reviewers decide), error (the AI check failed: reviewers decide), verified (role granted,
by the AI or a reviewer) and closed_manual (rejected by a reviewer, or closed without a screenshot).

The screenshot is never stored by the bot: its bytes are read into memory, sent to the model as a data URL and
dropped. The upload itself stays in the private channel (visible to the member and the reviewers only) until the
verification closes and the channel is deleted.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import discord

from cogs.verification import repo
from cogs.verification.assessment import Assessment, Decision, decide, sanitise
from cogs.verification.prompts import ANSWER_KEYS, verification_messages
from cogs.verification.views import review_view
from gpt.errors import AIDisabled, AIInvalidResponse, AINotConfigured, AIUnavailable, QuotaExceeded
from gpt.service import LLMService
from utils.channel_access import ChannelBlocked
from utils.cooldowns import Cooldown, OnCooldown
from utils.errors import UserFacingError, missing_permission_message, permission_name
from utils.timers import Job

if TYPE_CHECKING:
    from utils.db import HearthPool
    from utils.hearth_bot import HearthBot

log = logging.getLogger(__name__)

NONE = discord.AllowedMentions.none()
CLEANUP = "verification_cleanup"
IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpeg", "image/webp": "webp", "image/gif": "gif"}
_EXTENSIONS = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp",
               ".gif": "image/gif"}
MAX_IMAGE_BYTES = 10 * 1024 * 1024
STALE_START = timedelta(minutes=5)  # a start that never got its channel (the process died) no longer blocks
CHECK_RATE = (3, 3600.0)  # AI screenshot checks per member and server: (checks, per seconds), in memory
NEEDED = ("manage_channels", "manage_roles", "view_channel", "send_messages", "embed_links", "read_message_history")
LABELS = {repo.PENDING: "waiting for a screenshot", repo.MANUAL_REVIEW: "waiting for a reviewer",
          repo.ERROR: "waiting for a reviewer", repo.VERIFIED: "verified", repo.CLOSED_MANUAL: "closed"}

MEMBER = discord.PermissionOverwrite(view_channel=True, send_messages=True, attach_files=True,
                                     read_message_history=True, embed_links=True)
MEMBER_READ_ONLY = discord.PermissionOverwrite(view_channel=True, send_messages=False, attach_files=False,
                                               read_message_history=True)
REVIEWER = discord.PermissionOverwrite(view_channel=True, send_messages=True, read_message_history=True,
                                       attach_files=True)
BOT = discord.PermissionOverwrite(view_channel=True, send_messages=True, read_message_history=True,
                                  embed_links=True, attach_files=True, manage_channels=True, manage_messages=True)
HIDDEN = discord.PermissionOverwrite(view_channel=False)


@dataclass(frozen=True)
class ChannelRef:
    """An open verification's private channel, as the message listener needs it."""

    verification_id: int
    guild_id: int
    user_id: int


def _ai_failure(exc: BaseException) -> str:
    """A short, safe description of why the AI check did not happen."""
    if isinstance(exc, AINotConfigured):
        return "AI is not configured"
    if isinstance(exc, AIDisabled):
        return "AI is turned off on this server"
    if isinstance(exc, AIInvalidResponse):
        return "the AI's answer was unusable"
    if isinstance(exc, AIUnavailable | QuotaExceeded):
        return "the AI service did not answer"
    return "unexpected error"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")[:60] or "member"


def image_of(message: discord.Message) -> tuple[discord.Attachment, str] | None:
    """The first attachment that is a supported image of acceptable size, with its content type."""
    for attachment in message.attachments:
        content_type = (attachment.content_type or "").split(";")[0].strip().lower()
        if content_type not in IMAGE_TYPES:
            suffix = attachment.filename[attachment.filename.rfind("."):].lower() if "." in attachment.filename else ""
            content_type = _EXTENSIONS.get(suffix, "")
        if content_type and 0 < attachment.size <= MAX_IMAGE_BYTES:
            return attachment, content_type
    return None


class VerificationService:
    """Everything the cog's commands, buttons, listeners and timer jobs do."""

    def __init__(self, bot: HearthBot, pool: HearthPool, llm: LLMService) -> None:
        self.bot = bot
        self.pool = pool
        self.llm = llm
        self.channels: dict[int, ChannelRef] = {}  # open verification channels seen so far
        self._not_verification: set[int] = set()  # channels known not to be open verification channels
        self._checking: set[int] = set()  # verifications whose screenshot is being checked right now
        # Every check is an LLM call with an image the member chose; a failed or skipped one gives its use back.
        self.check_cooldown = Cooldown(*CHECK_RATE, bot.clock, what="screenshot checks")

    # --- settings and roles -------------------------------------------------------------------------------------

    async def setting(self, guild_id: int, key: str) -> Any:
        return await self.bot.guild_settings.get(guild_id, "verification", key)

    async def verified_role(self, guild: discord.Guild) -> discord.Role | None:
        role_id = await self.setting(guild.id, "verified_role")
        return guild.get_role(role_id) if role_id else None

    async def reviewer_role(self, guild: discord.Guild) -> discord.Role | None:
        """The verification reviewer role, else the server's staff role."""
        role_id = await self.setting(guild.id, "reviewer_role") or await self.bot.guild_settings.get(
            guild.id, "system", "staff_role")
        return guild.get_role(role_id) if role_id else None

    async def is_reviewer(self, member: discord.Member) -> bool:
        if member.guild_permissions.manage_guild:
            return True
        role = await self.reviewer_role(member.guild)
        return role is not None and role in member.roles

    async def local_today(self, guild_id: int) -> date:
        zone = await self.bot.guild_settings.get(guild_id, "system", "timezone")
        return self.bot.clock.now().astimezone(ZoneInfo(zone or "UTC")).date()

    @staticmethod
    def missing_permissions(guild: discord.Guild) -> list[str]:
        """Discord's names of the server permissions the bot lacks for verification (empty = all there)."""
        have = guild.me.guild_permissions
        return [permission_name(flag) for flag in NEEDED if not getattr(have, flag)]

    @staticmethod
    def role_problem(guild: discord.Guild, role: discord.Role) -> str | None:
        """Why the bot could not grant `role`, or None."""
        if role.is_default() or role.managed:
            return f"@{role.name} can't be granted: pick a normal role."
        if role >= guild.me.top_role:
            return (f"My highest role must be above **@{role.name}** to grant it: move my role up in Server "
                    "Settings → Roles.")
        return None

    async def setup_problems(self, guild: discord.Guild) -> list[str]:
        """What stops verification from working on this server (for admins)."""
        problems = []
        missing = self.missing_permissions(guild)
        if missing:
            problems.append(f"I'm missing the **{', '.join(missing)}** permission(s) in this server: grant them to "
                            "my role in Server Settings → Roles.")
        role = await self.verified_role(guild)
        if role is None:
            problems.append("No verified role is set: run `/config verification setup verified_role:`.")
        else:
            problem = self.role_problem(guild, role)
            if problem:
                problems.append(problem)
        return problems

    # --- the log channel ----------------------------------------------------------------------------------------

    async def log_channel(self, guild: discord.Guild) -> discord.TextChannel | None:
        channel_id = await self.setting(guild.id, "log_channel") or await self.bot.guild_settings.get(
            guild.id, "system", "log_channel")
        channel = guild.get_channel(channel_id) if channel_id else None
        return channel if isinstance(channel, discord.TextChannel) else None

    async def post_log(self, guild: discord.Guild, **kwargs: Any) -> discord.Message | None:
        """Post to the verification log channel (or the system one); never raises for Discord problems."""
        channel = await self.log_channel(guild)
        if channel is None:
            return None
        kwargs.setdefault("allowed_mentions", NONE)
        try:
            return await self.bot.channel_access.send(channel, what="a verification log entry", **kwargs)
        except ChannelBlocked:
            return None  # the admins were told once
        except discord.HTTPException as exc:
            log.warning("Guild %s: could not post to the verification log %s: %s", guild.id, channel.id, exc.text)
            return None

    # --- starting -------------------------------------------------------------------------------------------------

    async def check_can_start(self, guild: discord.Guild, member: discord.Member) -> None:
        """Refuse early what needs no lock: no premium, not set up, already verified."""
        if not await self.bot.premium.guild_has_premium(guild.id):
            raise UserFacingError("Verification is a premium feature, and this server has no active premium right "
                                  "now. An admin can see `/premium`.")
        role = await self.verified_role(guild)
        if role is not None and role in member.roles:
            raise UserFacingError(f"You're already verified (you have **@{role.name}**).")
        problems = await self.setup_problems(guild)
        if problems:
            await self.post_log(guild, content="⚠️ A member could not start a verification: " + " ".join(problems))
            if member.guild_permissions.manage_guild:
                raise UserFacingError(" ".join(problems))
            raise UserFacingError("Verification isn't available right now because of a setup problem on my side; "
                                  "the admins have been told.")

    async def start(self, interaction: discord.Interaction) -> None:
        """The panel's Verify button: open the member's private channel."""
        guild, member = interaction.guild, interaction.user
        assert guild is not None and isinstance(member, discord.Member)
        await self.check_can_start(guild, member)
        await interaction.response.defer(ephemeral=True, thinking=True)
        channel = await self.open(guild, member)
        await interaction.followup.send(f"🔐 Your verification channel is open: {channel.mention}. Upload a "
                                        "screenshot of your payment there.", ephemeral=True)

    async def _claim_start(self, guild: discord.Guild, member: discord.Member, now: datetime) -> int:
        """One open verification per member and the rate limit, checked and claimed under a lock."""
        cooldown = timedelta(seconds=await self.setting(guild.id, "cooldown") or 0)
        async with self.pool.acquire() as conn, conn.transaction():
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
        """Create the verification and its private channel."""
        now = self.bot.clock.now()
        verification_id = await self._claim_start(guild, member, now)
        reviewer = await self.reviewer_role(guild)
        overwrites: dict[Any, discord.PermissionOverwrite] = {guild.default_role: HIDDEN, guild.me: BOT,
                                                              member: MEMBER}
        if reviewer is not None:
            overwrites[reviewer] = REVIEWER
        category_id = await self.setting(guild.id, "category")
        category = guild.get_channel(category_id) if category_id else None
        try:
            channel = await guild.create_text_channel(
                f"verify-{verification_id}-{_slug(member.name)}", overwrites=overwrites,
                category=category if isinstance(category, discord.CategoryChannel) else None,
                topic=f"Verification #{verification_id} of {member} ({member.id})",
                reason=f"Verification #{verification_id} started by {member} ({member.id})")
        except discord.Forbidden as exc:
            await repo.delete(self.pool, guild.id, verification_id)
            problem = missing_permission_message(exc)
            await self.post_log(guild, content=f"⚠️ A member could not start a verification: {problem}")
            raise UserFacingError(problem if member.guild_permissions.manage_guild else
                                  "Verification isn't available right now because of a setup problem on my side; "
                                  "the admins have been told.") from exc
        except BaseException:
            await repo.delete(self.pool, guild.id, verification_id)
            raise
        await repo.set_channel(self.pool, guild.id, verification_id, channel.id)
        self.remember(ChannelRef(verification_id, guild.id, member.id), channel.id)
        timeout = await self.setting(guild.id, "upload_timeout")
        await self.bot.timers.schedule(guild.id, CLEANUP, str(verification_id), now + timedelta(seconds=timeout),
                                       {"verification_id": verification_id})
        requirements = await self.setting(guild.id, "instructions")
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

    # --- the channel map ----------------------------------------------------------------------------------------

    def remember(self, ref: ChannelRef, channel_id: int) -> None:
        self.channels[channel_id] = ref
        self._not_verification.discard(channel_id)

    def forget(self, channel_id: int) -> None:
        self.channels.pop(channel_id, None)

    def forget_user(self, user_id: int) -> None:
        """Drop every channel of the user's verifications from memory (GDPR erasure deleted them)."""
        self.channels = {channel: ref for channel, ref in self.channels.items() if ref.user_id != user_id}

    async def _lookup(self, guild_id: int, channel_id: int) -> ChannelRef | None:
        """The open verification of a channel: memory first, the database once per unknown channel."""
        ref = self.channels.get(channel_id)
        if ref is not None or channel_id in self._not_verification:
            return ref if ref is not None and ref.guild_id == guild_id else None
        found = await repo.open_by_channel(self.pool, guild_id, channel_id)
        if found is None:
            if len(self._not_verification) > 50_000:
                self._not_verification.clear()
            self._not_verification.add(channel_id)
            return None
        ref = ChannelRef(found.id, guild_id, found.user_id)
        self.channels[channel_id] = ref
        return ref

    # --- the screenshot -------------------------------------------------------------------------------------------

    async def on_message(self, message: discord.Message) -> None:
        """A member's upload in their verification channel."""
        if message.guild is None or message.author.bot or not message.attachments:
            return
        ref = await self._lookup(message.guild.id, message.channel.id)
        if ref is None or message.author.id != ref.user_id:
            return
        if ref.verification_id in self._checking:
            await self._reply(message, "⏳ I'm still checking your previous screenshot.")
            return
        self._checking.add(ref.verification_id)
        try:
            await self._check_upload(message, ref)
        finally:
            self._checking.discard(ref.verification_id)

    @staticmethod
    async def _reply(message: discord.Message, text: str) -> discord.Message | None:
        try:
            return await message.channel.send(text, reference=message, mention_author=False, allowed_mentions=NONE)
        except discord.HTTPException as exc:
            log.warning("Could not answer in verification channel %s: %s", message.channel.id, exc)
            return None

    async def _check_upload(self, message: discord.Message, ref: ChannelRef) -> None:
        guild = message.guild
        assert guild is not None
        verification = await repo.get(self.pool, guild.id, ref.verification_id)
        if verification is None or not verification.is_open:
            self.forget(message.channel.id)
            return
        if verification.status != repo.PENDING:
            await self._reply(message, "🕵️ Your verification is with the reviewers; they can see everything you "
                                       "post in this channel.")
            return
        found = image_of(message)
        if found is None:
            await self._reply(message, "That isn't an image I can check: upload a PNG, JPEG, WebP or GIF screenshot "
                                       "of up to 10 MB.")
            return
        attachment, content_type = found
        member_key = (guild.id, ref.user_id)
        try:
            self.check_cooldown.hit(member_key)
        except OnCooldown as exc:
            await self._reply(message, f"⏳ {exc.message} Upload your screenshot again then.")
            return
        status_message = await self._reply(message, "🔎 Checking your screenshot…")
        try:
            image = await attachment.read()
        except discord.HTTPException as exc:
            self.check_cooldown.refund(member_key)
            log.warning("Guild %s: could not download verification upload %s: %s", guild.id, attachment.id, exc)
            await self._reply(message, "I couldn't download that image: please upload it again.")
            return
        assessment, decision, status = await self._assess(guild.id, image, content_type)
        del image  # never kept: not in the database, not on disk
        if status == repo.ERROR:
            self.check_cooldown.refund(member_key)  # the AI did not check it (a reviewer decides instead)
        member = guild.get_member(ref.user_id)
        role = await self.verified_role(guild)
        if decision.verified:
            problem = ("The member is no longer on the server." if member is None else
                       "No verified role is set." if role is None else await self._grant(member, role, verification.id))
            if problem:
                decision, status = Decision(False, f"The AI verified the payment, but {problem}"), repo.MANUAL_REVIEW
        now = self.bot.clock.now()
        reason = sanitise(decision.note) if status == repo.ERROR else (assessment.reason if assessment else None)
        saved = await repo.record_assessment(
            self.pool, guild.id, verification.id, status=status,
            can_verify=assessment.can_verify if assessment else None,
            needs_review=assessment.needs_manual_review if assessment else None, reason=reason,
            payment_date=assessment.payment_date if assessment else None,
            resolved_at=now if status == repo.VERIFIED else None)
        if saved is None:  # resolved meanwhile (closed by its time limit, or erased)
            if status == repo.VERIFIED and member is not None and role is not None:
                await self._revoke(member, role, verification.id)
            return
        if status == repo.VERIFIED:
            assert member is not None and role is not None
            await self._verified(guild, saved, member, role, by=None)
            return
        await self.bot.timers.cancel(CLEANUP, str(saved.id))
        if status_message is not None:
            try:
                await status_message.edit(content="🕵️ I couldn't verify this automatically, so a reviewer will look "
                                                  "at your screenshot. You'll hear back here.")
            except discord.HTTPException:
                pass
        await self._ask_reviewers(guild, saved, decision.note)

    async def _assess(self, guild_id: int, image: bytes, content_type: str
                      ) -> tuple[Assessment | None, Decision, str]:
        """The model's assessment, the decision and the status it leads to; an AI failure means manual review."""
        today = await self.local_today(guild_id)
        messages = verification_messages(image, content_type, today, await self.setting(guild_id, "instructions"))
        try:
            answer = await self.llm.ask_json(messages, guild_id=guild_id, required=ANSWER_KEYS)
        except Exception as exc:  # no AI, turned off, failing, unusable: a human decides instead
            if not isinstance(exc, AINotConfigured | AIDisabled | AIUnavailable | AIInvalidResponse | QuotaExceeded):
                log.exception("Guild %s: the verification AI check failed unexpectedly", guild_id)
            else:
                log.info("Guild %s: verification AI check unavailable: %s", guild_id, exc)
            return None, Decision(False, f"The AI check failed ({_ai_failure(exc)}), so a reviewer decides."), \
                repo.ERROR
        assessment = Assessment.from_answer(answer)
        decision = decide(assessment, today, await self.setting(guild_id, "max_payment_age_days"))
        return assessment, decision, repo.VERIFIED if decision.verified else repo.MANUAL_REVIEW

    # --- outcomes -----------------------------------------------------------------------------------------------------

    async def _grant(self, member: discord.Member, role: discord.Role, verification_id: int) -> str | None:
        """Give the verified role; the problem in words when Discord refuses."""
        problem = self.role_problem(member.guild, role)
        if problem:
            return problem
        # Checked again now, against whoever set verification.verified_role (the log channel is told once why not).
        refusal = await self.bot.role_grants.setting_refusal(member.guild, role, "verification", "verified_role")
        if refusal is not None:
            return refusal.reason
        try:
            await member.add_roles(role, reason=f"Verification #{verification_id}")
        except discord.Forbidden as exc:
            return missing_permission_message(exc)
        except discord.HTTPException as exc:
            return f"Discord refused to grant the role ({exc.status})."
        return None

    async def _revoke(self, member: discord.Member, role: discord.Role, verification_id: int) -> None:
        try:
            await member.remove_roles(role, reason=f"Verification #{verification_id} was closed meanwhile")
        except discord.HTTPException as exc:
            log.warning("Could not take back role %s from %s: %s", role.id, member.id, exc)

    async def _dm(self, user_id: int, text: str) -> bool:
        user = self.bot.get_user(user_id)
        if user is None:
            return False
        try:
            await user.send(text, allowed_mentions=NONE)
        except discord.HTTPException as exc:
            log.info("Could not DM user %s about their verification: %s", user_id, exc)
            return False
        return True

    async def _verified(self, guild: discord.Guild, verification: repo.Verification, member: discord.Member,
                        role: discord.Role, *, by: discord.Member | None) -> None:
        """After the role was granted and the row resolved: tell the member and the log, close the channel."""
        await self._dm(member.id, f"✅ You're verified on **{guild.name}**: you now have the **{role.name}** role.")
        how = f"approved by {by.mention}" if by else "automatically"
        paid = f", payment of {verification.payment_date.isoformat()}" if verification.payment_date else ""
        await self.post_log(guild, content=f"✅ {member.mention} was verified {how} (verification "
                                           f"#{verification.id}{paid}).")
        await self.close_channel(guild, verification)

    def review_embed(self, verification: repo.Verification, note: str | None) -> discord.Embed:
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

    async def _ask_reviewers(self, guild: discord.Guild, verification: repo.Verification, note: str | None) -> None:
        """Approve / Reject buttons in the verification channel (reviewers see it) and in the log channel."""
        embed = self.review_embed(verification, note)
        reviewer = await self.reviewer_role(guild)
        ping = discord.AllowedMentions(roles=[reviewer]) if reviewer else NONE
        content = f"{reviewer.mention}: a verification needs a review." if reviewer else None
        channel = guild.get_channel(verification.channel_id)
        if isinstance(channel, discord.TextChannel):
            try:
                await channel.send(content=content, embed=embed, view=review_view(verification.id),
                                   allowed_mentions=ping)
            except discord.HTTPException as exc:
                log.warning("Guild %s: could not post the review request in %s: %s", guild.id, channel.id, exc)
        await self.post_log(guild, content=content, embed=embed, view=review_view(verification.id),
                            allowed_mentions=ping)

    # --- reviewers ----------------------------------------------------------------------------------------------------

    async def check_reviewable(self, interaction: discord.Interaction, verification_id: int) -> repo.Verification:
        """The open verification a reviewer acts on; refuses non-reviewers and one's own verification."""
        guild, member = interaction.guild, interaction.user
        assert guild is not None and isinstance(member, discord.Member)
        if not await self.is_reviewer(member):
            raise UserFacingError("Only reviewers can do that (the verification reviewer role, the staff role or "
                                  "Manage Server).")
        verification = await repo.get(self.pool, guild.id, verification_id)
        if verification is None:
            raise UserFacingError(f"There is no verification #{verification_id} on this server.")
        if not verification.is_open:
            raise UserFacingError(f"Verification #{verification_id} is already {LABELS[verification.status]}.")
        if verification.user_id == member.id:
            raise UserFacingError("You can't review your own verification.")
        return verification

    async def _mark_decided(self, interaction: discord.Interaction, verification: repo.Verification,
                            line: str) -> None:
        """Take the buttons off the log's review message the reviewer clicked (the channel's goes with it)."""
        message = interaction.message
        if message is None or message.channel.id == verification.channel_id:
            return
        embeds = [discord.Embed.from_dict({**e.to_dict(), "description": line}) for e in message.embeds[:1]]
        try:
            await message.edit(embeds=embeds, view=None, allowed_mentions=NONE)
        except discord.HTTPException as exc:
            log.info("Could not update the review message %s: %s", message.id, exc)

    async def approve(self, interaction: discord.Interaction, verification_id: int) -> None:
        verification = await self.check_reviewable(interaction, verification_id)
        guild, reviewer = interaction.guild, interaction.user
        assert guild is not None and isinstance(reviewer, discord.Member)
        await interaction.response.defer(ephemeral=True, thinking=True)
        role = await self.verified_role(guild)
        if role is None:
            raise UserFacingError("No verified role is set: an admin can run `/config verification setup`.")
        member = guild.get_member(verification.user_id)
        if member is None:
            raise UserFacingError(f"<@{verification.user_id}> is no longer on the server: reject the verification "
                                  "instead.")
        problem = await self._grant(member, role, verification.id)
        if problem:
            raise UserFacingError(problem)
        done = await repo.resolve(self.pool, guild.id, verification.id, status=repo.VERIFIED,
                                  now=self.bot.clock.now(), by=reviewer.id)
        if done is None:
            raise UserFacingError(f"Verification #{verification.id} was resolved meanwhile.")
        await interaction.followup.send(f"✅ Approved: {member.mention} now has {role.mention}.", ephemeral=True,
                                        allowed_mentions=NONE)
        await self._mark_decided(interaction, done, f"✅ Approved by {reviewer.mention}.")
        await self._verified(guild, done, member, role, by=reviewer)

    async def reject(self, interaction: discord.Interaction, verification_id: int, reason: str) -> None:
        verification = await self.check_reviewable(interaction, verification_id)
        guild, reviewer = interaction.guild, interaction.user
        assert guild is not None and isinstance(reviewer, discord.Member)
        reason = " ".join(reason.split())
        if not reason:
            raise UserFacingError("Give the member a reason.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        now = self.bot.clock.now()
        done = await repo.resolve(self.pool, guild.id, verification.id, status=repo.CLOSED_MANUAL, now=now,
                                  by=reviewer.id, rejection_reason=reason)
        if done is None:
            raise UserFacingError(f"Verification #{verification.id} was resolved meanwhile.")
        delay = timedelta(seconds=await self.setting(guild.id, "close_delay"))
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
        if not await self._dm(done.user_id, f"✖️ Your verification on **{guild.name}** was not accepted.\n"
                                            f"Reason: {reason}"):
            notes.append("I couldn't DM the member" + (" (the reason is in their channel)." if delay else "."))
        if delay:
            await self.bot.timers.schedule(guild.id, CLEANUP, str(done.id), now + delay, {"verification_id": done.id})
        answer = f"✖️ Rejected verification #{done.id} of <@{done.user_id}>."
        answer += f" The channel closes {closes}." if delay else ""
        await interaction.followup.send(" ".join([answer, *notes]), ephemeral=True, allowed_mentions=NONE)
        await self._mark_decided(interaction, done, f"✖️ Rejected by {reviewer.mention}: {reason}")
        await self.post_log(guild, content=f"✖️ Verification #{done.id} of <@{done.user_id}> was rejected by "
                                           f"{reviewer.mention}: {reason}")
        if not delay:
            await self.close_channel(guild, done)

    # --- closing ------------------------------------------------------------------------------------------------------

    async def close_channel(self, guild: discord.Guild, verification: repo.Verification) -> None:
        """Delete the verification's channel (with the screenshot in it) and its pending clean-up job."""
        await self.bot.timers.cancel(CLEANUP, str(verification.id))
        self.forget(verification.channel_id)
        channel = guild.get_channel(verification.channel_id)
        if channel is None:
            return
        try:
            await channel.delete(reason=f"Verification #{verification.id} {LABELS[verification.status]}")
        except discord.NotFound:
            pass
        except discord.HTTPException as exc:
            problem = missing_permission_message(exc) if isinstance(exc, discord.Forbidden) else exc.text
            await self.post_log(guild, content=f"⚠️ I couldn't delete the channel of verification #{verification.id} "
                                               f"({channel.mention}): {problem} Please delete it by hand: it holds "
                                               "the member's payment screenshot.")

    async def run_cleanup(self, job: Job) -> datetime | None:
        """The time limit of a verification without a screenshot, or the delayed close after a rejection."""
        verification = await repo.get(self.pool, job.guild_id, int(job.payload.get("verification_id", 0)))
        if verification is None:
            return None
        if verification.is_open:
            if verification.status != repo.PENDING:
                return None  # a reviewer decides; the channel stays until then
            verification = await repo.resolve(self.pool, job.guild_id, verification.id, status=repo.CLOSED_MANUAL,
                                              now=self.bot.clock.now(), by=None,
                                              rejection_reason="No screenshot was uploaded in time.")
            if verification is None:
                return None
            guild = self.bot.get_guild(job.guild_id)
            await self._dm(verification.user_id, "⌛ Your verification" + (f" on **{guild.name}**" if guild else "")
                           + " was closed because no screenshot arrived in time. You can start again from the panel.")
        guild = self.bot.get_guild(job.guild_id)
        if guild is not None:
            await self.close_channel(guild, verification)
        return None

    def describe(self, job: Job) -> str:
        return f"clean-up of verification #{job.payload.get('verification_id')}"

    async def channel_deleted(self, channel: discord.abc.GuildChannel) -> None:
        """Someone deleted an open verification's channel: close the verification (the member may start again)."""
        self.forget(channel.id)
        verification = await repo.open_by_channel(self.pool, channel.guild.id, channel.id)
        if verification is None:
            return
        await repo.resolve(self.pool, channel.guild.id, verification.id, status=repo.CLOSED_MANUAL,
                           now=self.bot.clock.now(), by=None, rejection_reason="The verification channel was deleted.")
        await self.bot.timers.cancel(CLEANUP, str(verification.id))
