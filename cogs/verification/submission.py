"""The member's submission: a screenshot uploaded in their verification channel, checked by a vision model,
and what follows — the verified role at once, or the reviewers (the AI was not sure, or failed).

The screenshot is never stored by the bot: its bytes are read into memory, sent to the model as a data URL and
dropped. The upload itself stays in the private channel (visible to the member and the reviewers only) until the
verification closes and the channel is deleted.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import discord

from cogs.verification import repo
from cogs.verification.assessment import Assessment, Decision, decide, sanitise
from cogs.verification.desk import CLEANUP, NONE
from cogs.verification.prompts import ANSWER_KEYS, verification_messages
from cogs.verification.settings import VERIFICATION_INSTRUCTIONS, VERIFICATION_MAX_PAYMENT_AGE_DAYS
from core.settings_registry import SYSTEM_TIMEZONE
from gpt.errors import AIDisabled, AIInvalidResponse, AINotConfigured, AIUnavailable, QuotaExceeded
from utils.cooldowns import Cooldown, OnCooldown

if TYPE_CHECKING:
    from cogs.verification.cache import ChannelCache, ChannelRef
    from cogs.verification.desk import VerificationDesk
    from cogs.verification.review import Review
    from gpt.service import LLMService

log = logging.getLogger(__name__)

_EXTENSIONS = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp",
               ".gif": "image/gif"}
IMAGE_TYPES = frozenset(_EXTENSIONS.values())
MAX_IMAGE_BYTES = 10 * 1024 * 1024
CHECK_RATE = (3, 3600.0)  # AI screenshot checks per member and server: (checks, per seconds), in memory


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


async def _reply(message: discord.Message, text: str) -> discord.Message | None:
    try:
        return await message.channel.send(text, reference=message, mention_author=False, allowed_mentions=NONE)
    except discord.HTTPException as exc:
        log.warning("Could not answer in verification channel %s: %s", message.channel.id, exc)
        return None


class Submission:
    """The message listener of verification channels and the AI check of an upload."""

    def __init__(self, desk: VerificationDesk, cache: ChannelCache, review: Review, llm: LLMService) -> None:
        self.desk = desk
        self.cache = cache
        self.review = review
        self.llm = llm
        self._checking: set[int] = set()  # verifications whose screenshot is being checked right now
        # Every check is an LLM call with an image the member chose; a failed or skipped one gives its use back.
        self.check_cooldown = Cooldown(*CHECK_RATE, desk.bot.clock, what="screenshot checks")

    async def on_message(self, message: discord.Message) -> None:
        """A member's upload in their verification channel."""
        if message.guild is None or message.author.bot or not message.attachments:
            return
        ref = await self.cache.lookup(message.guild.id, message.channel.id)
        if ref is None or message.author.id != ref.user_id:
            return
        if ref.verification_id in self._checking:
            await _reply(message, "⏳ I'm still checking your previous screenshot.")
            return
        self._checking.add(ref.verification_id)
        try:
            await self._check_upload(message, ref)
        finally:
            self._checking.discard(ref.verification_id)

    async def _check_upload(self, message: discord.Message, ref: ChannelRef) -> None:
        guild = message.guild
        assert guild is not None
        desk = self.desk
        verification = await repo.get(desk.pool, guild.id, ref.verification_id)
        if verification is None or not verification.is_open:
            self.cache.forget(message.channel.id)
            return
        if verification.status != repo.PENDING:
            await _reply(message, "🕵️ Your verification is with the reviewers; they can see everything you post in "
                                  "this channel.")
            return
        found = image_of(message)
        if found is None:
            await _reply(message, "That isn't an image I can check: upload a PNG, JPEG, WebP or GIF screenshot of up "
                                  "to 10 MB.")
            return
        attachment, content_type = found
        member_key = (guild.id, ref.user_id)
        try:
            self.check_cooldown.hit(member_key)
        except OnCooldown as exc:
            await _reply(message, f"⏳ {exc.message} Upload your screenshot again then.")
            return
        status_message = await _reply(message, "🔎 Checking your screenshot…")
        try:
            image = await attachment.read()
        except discord.HTTPException as exc:
            self.check_cooldown.refund(member_key)
            log.warning("Guild %s: could not download verification upload %s: %s", guild.id, attachment.id, exc)
            await _reply(message, "I couldn't download that image: please upload it again.")
            return
        assessment, decision, status = await self._assess(guild.id, image, content_type)
        del image  # never kept: not in the database, not on disk
        if status == repo.ERROR:
            self.check_cooldown.refund(member_key)  # the AI did not check it (a reviewer decides instead)
        member = guild.get_member(ref.user_id)
        role = await desk.verified_role(guild)
        if decision.verified:
            problem = ("The member is no longer on the server." if member is None else
                       "No verified role is set." if role is None else
                       await self.review.grant(member, role, verification.id))
            if problem:
                decision, status = Decision(False, f"The AI verified the payment, but {problem}"), repo.MANUAL_REVIEW
        now = desk.bot.clock.now()
        reason = sanitise(decision.note) if status == repo.ERROR else (assessment.reason if assessment else None)
        saved = await repo.record_assessment(
            desk.pool, guild.id, verification.id, status=status,
            can_verify=assessment.can_verify if assessment else None,
            needs_review=assessment.needs_manual_review if assessment else None, reason=reason,
            payment_date=assessment.payment_date if assessment else None,
            resolved_at=now if status == repo.VERIFIED else None)
        if saved is None:  # resolved meanwhile (closed by its time limit, or erased)
            if status == repo.VERIFIED and member is not None and role is not None:
                await self.review.revoke(member, role, verification.id)
            return
        if status == repo.VERIFIED:
            assert member is not None and role is not None
            await self.review.verified(guild, saved, member, role, by=None)
            return
        await desk.bot.timers.cancel(CLEANUP, str(saved.id))
        if status_message is not None:
            try:
                await status_message.edit(content="🕵️ I couldn't verify this automatically, so a reviewer will look "
                                                  "at your screenshot. You'll hear back here.")
            except discord.HTTPException:
                pass
        await self.review.ask_reviewers(guild, saved, decision.note)

    async def _local_today(self, guild_id: int) -> date:
        """Today in the server's time zone (`system.timezone`): how old a payment is counts in its days."""
        zone = await self.desk.bot.guild_settings.setting(guild_id, SYSTEM_TIMEZONE)
        return self.desk.bot.clock.now().astimezone(ZoneInfo(zone or "UTC")).date()

    async def _assess(self, guild_id: int, image: bytes, content_type: str
                      ) -> tuple[Assessment | None, Decision, str]:
        """The model's assessment, the decision and the status it leads to; an AI failure means manual review."""
        today = await self._local_today(guild_id)
        messages = verification_messages(
            image, content_type, today, await self.desk.bot.guild_settings.setting(guild_id, VERIFICATION_INSTRUCTIONS))
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
        decision = decide(assessment, today,
                          await self.desk.bot.guild_settings.setting(guild_id, VERIFICATION_MAX_PAYMENT_AGE_DAYS))
        return assessment, decision, repo.VERIFIED if decision.verified else repo.MANUAL_REVIEW
