"""Appeals of manual bans and timeouts: the **Appeal** button in the DM a member gets before a ban or tempban
(and with a timeout), the form it opens, and **Approve** / **Deny** for the moderators in the mod log.

- The button names the guild and the member, not a case: the DM is sent before the ban (afterwards the bot may
  share no server with them), when the case has no number yet. A click appeals the member's latest case that can
  still be reversed (a ban or tempban no unban closed, a timeout still running); each case is appealed once.
- Approving reverses the action, so it needs what doing that by hand needs (the trust boundary): Ban Members to
  unban, Timeout Members to lift a timeout, and the bot's own permission. Without it nothing changes and the
  appeal stays open for someone who has it. The reversal is a case closing the appealed one (an unban, an
  untimeout), by the moderator who approved. If Discord refuses it, the appeal is put back to pending.
- Either way the member is told the outcome by DM (when Discord lets the bot reach them).

Automod's own actions keep their appeals in automod (cogs/automod/appeals.py): they are tied to its log rows.
"""

from __future__ import annotations

import logging
from typing import Any

import discord

from cogs.moderation import repo
from cogs.moderation.cases import TITLES, Case
from cogs.moderation.checks import MODERATORS, missing_bot_permission, missing_own_permission
from cogs.moderation.contract import MixinMeta
from core.guild_kit import AppealForm, is_staff, post_to_log
from core.persistent_items import ItemT, Look, PersistentItem, choices
from utils.errors import UserFacingError

log = logging.getLogger(__name__)

APPEALABLE = ("ban", "tempban", "timeout")  # kicks and softbans are over at once: there is nothing to reverse
REVERSAL = {"ban": "unban", "tempban": "unban", "timeout": "untimeout"}


class ModerationItem(PersistentItem[ItemT, MixinMeta], cog="Moderation", prefix="mod",
                     unavailable="Moderation is not available right now, try again later."):
    """Moderation's persistent buttons (`hearth:mod:…`)."""

    guild_id: int


class AppealButton(ModerationItem[discord.ui.Button[Any]], template=r"appeal:(?P<guild_id>\d+):(?P<user_id>\d+)",
                   what="the moderation appeal button"):
    """In the member's DM: opens the appeal form for their latest ban or timeout on that server."""

    user_id: int
    look = Look("Appeal", discord.ButtonStyle.primary, "📨")

    async def clicked(self, interaction: discord.Interaction, cog: MixinMeta) -> None:
        if interaction.user.id != self.user_id:
            raise UserFacingError("This appeal is not yours to make.")
        row = await repo.case_to_appeal(cog.pool, self.guild_id, self.user_id, cog.bot.clock.now())
        if row is None:
            raise UserFacingError("There is nothing left to appeal: the ban or timeout has already ended or been "
                                  "lifted.")
        appeal = await repo.appeal_of_case(cog.pool, self.guild_id, row["number"])
        if appeal is not None:
            raise UserFacingError(f"You already appealed case #{row['number']} (status: {appeal['status']}).")
        await interaction.response.send_modal(AppealModal(cog, self.guild_id, row["number"]))


class AppealModal(AppealForm, title="Appeal a moderation action"):
    """Why the member thinks the action should be reversed."""

    what = "a moderation appeal"

    def __init__(self, cog: MixinMeta, guild_id: int, case_number: int) -> None:
        super().__init__(custom_id=f"hearth:mod:appealform:{guild_id}:{case_number}")
        self.cog, self.guild_id, self.case_number = cog, guild_id, case_number

    async def on_submit(self, interaction: discord.Interaction) -> None:  # type: ignore[override]
        cog = self.cog
        reason = self.reason_text
        appeal_id = await repo.open_appeal(cog.pool, self.guild_id, self.case_number, interaction.user.id, reason,
                                           cog.bot.clock.now())
        if appeal_id is None:
            raise UserFacingError("This appeal was already sent.")
        guild = cog.bot.get_guild(self.guild_id)
        case = await cog.cases.get(self.guild_id, self.case_number)
        problem = None
        if guild is not None and case is not None:
            problem = await post_to_log(cog.bot, guild, feature="moderation", what="a moderation appeal",
                                        required=True, embed=appeal_embed(case, interaction.user, reason),
                                        view=DecideButton.view_of(self.guild_id, appeal_id))
        if problem is not None:
            log.warning("Guild %s: appeal of case #%s not posted: %s", self.guild_id, self.case_number, problem)
        await interaction.response.send_message(
            "📨 Your appeal was sent to the moderators. You'll get a message when they have decided.", ephemeral=True)


def appeal_embed(case: Case, user: discord.abc.User, reason: str) -> discord.Embed:
    """The moderators' view of an appeal: the case, the member and why they appeal."""
    embed = discord.Embed(title=f"📨 Appeal of case #{case.number} ({TITLES[case.type].lower()})",
                          description=reason[:4000], colour=discord.Colour.gold())
    embed.add_field(name="Member", value=f"{user.mention} ({user.id})")
    embed.add_field(name="Moderator", value=case.by)
    embed.add_field(name="Case reason", value=(case.reason or "no reason given")[:1024], inline=False)
    return embed


class DecideButton(ModerationItem[discord.ui.Button[Any]],
                   template=r"decide:(?P<verdict>approve|deny):(?P<guild_id>\d+):(?P<appeal_id>\d+)",
                   what="a moderation appeal decision"):
    """Approve / Deny on an appeal (moderators; approving needs the reversal's own permission)."""

    verdict: str
    appeal_id: int
    looks = choices(approve=Look("Approve", discord.ButtonStyle.success),
                    deny=Look("Deny", discord.ButtonStyle.danger))

    async def clicked(self, interaction: discord.Interaction, cog: MixinMeta) -> None:
        moderator = interaction.user
        if (interaction.guild_id != self.guild_id or not isinstance(moderator, discord.Member)
                or not await is_staff(cog.bot, MODERATORS, moderator)):
            raise UserFacingError("Only moderators can decide appeals.")
        guild = moderator.guild
        appeal = await repo.get_appeal(cog.pool, guild.id, self.appeal_id)
        case = await cog.cases.get(guild.id, appeal["case_number"]) if appeal is not None else None
        if appeal is None or case is None or appeal["status"] != "pending":
            raise UserFacingError("This appeal was already decided.")
        reversal = REVERSAL[case.type]
        if self.verdict == "approve":
            refusal = missing_own_permission(reversal, moderator) or missing_bot_permission(reversal, guild)
            if refusal is not None:
                raise UserFacingError(f"{refusal} Nothing was changed and the appeal is still open.")
        status = "approved" if self.verdict == "approve" else "denied"
        if await repo.decide_appeal(cog.pool, guild.id, self.appeal_id, status, moderator.id,
                                    cog.bot.clock.now()) is None:
            raise UserFacingError("This appeal was already decided.")
        await interaction.response.defer()
        notes: list[str] = []
        if status == "approved":
            problem = await reverse(cog, guild, case, moderator, appeal["reason"])
            if problem is not None:
                await repo.reopen_appeal(cog.pool, guild.id, self.appeal_id)
                await interaction.followup.send(f"{problem} The appeal is still open.", ephemeral=True)
                return
        note = await tell_outcome(cog, guild, appeal["user_id"], case, status)
        if note:
            notes.append(note)
        icon = "✅" if status == "approved" else "❌"
        summary = (f"{icon} Appeal {status} by {moderator.mention}"
                   + (" and the action was reversed." if status == "approved" else ".")
                   + "".join(f"\n⚠️ {n}" for n in notes))
        await interaction.edit_original_response(content=summary, view=None,
                                                 allowed_mentions=discord.AllowedMentions.none())


async def reverse(cog: MixinMeta, guild: discord.Guild, case: Case, moderator: discord.Member,
                  appeal_reason: str) -> str | None:
    """Reverse an approved appeal's action and record the closing case; the problem when Discord refused."""
    user_id = case.target_id
    if user_id is None:
        return "The case no longer names its member (their data was erased), so I can't reverse it."
    reason = f"Appeal approved: {appeal_reason}"[:500]
    audit = f"{moderator} ({moderator.id}): appeal of case #{case.number} approved"[:512]
    try:
        if case.type in ("ban", "tempban"):
            try:
                with cog.cases.acting_on(guild.id, user_id, "unban"):
                    await guild.unban(discord.Object(user_id), reason=audit)
            except discord.NotFound:
                pass  # already unbanned (in Discord's menus): the unban case below still closes the ban
            await cog.record_unban(guild, user_id, moderator.id, reason)
            return None
        member = guild.get_member(user_id)
        if member is not None and member.is_timed_out():
            with cog.cases.acting_on(guild.id, user_id, "timeout"):
                await member.timeout(None, reason=audit)
        await cog.record_untimeout(guild, user_id, moderator.id, reason)
    except discord.HTTPException as exc:
        return f"Discord refused to reverse case #{case.number} ({exc.status}: {exc.text or 'no detail'})."
    return None


async def tell_outcome(cog: MixinMeta, guild: discord.Guild, user_id: int | None, case: Case,
                       status: str) -> str | None:
    """DM the member the decision; a note for the moderators when they could not be reached."""
    if user_id is None:
        return None
    text = f"Your appeal of case #{case.number} in **{discord.utils.escape_markdown(guild.name)}** was **{status}**."
    if status == "approved":
        text += " The ban was lifted." if case.type in ("ban", "tempban") else " The timeout was lifted."
    embed = discord.Embed(title="Your appeal", description=text,
                          colour=discord.Colour.green() if status == "approved" else discord.Colour.red())
    try:
        user = cog.bot.get_user(user_id) or await cog.bot.fetch_user(user_id)
        await user.send(embed=embed, allowed_mentions=discord.AllowedMentions.none())
    except discord.Forbidden:
        return "I couldn't DM the member the decision (they share no server with me or their DMs are closed)."
    except discord.HTTPException as exc:
        return f"The DM with the decision failed (Discord answered {exc.status})."
    return None
