"""Appeals and false positives: buttons that keep working after a restart (persistent items, `core.persistent_items`,
with the guild and automod_logs id in their custom_id).

- **Appeal** (in the member's DM) → a modal for the reason → the moderators get an embed with **Approve** /
  **Deny** in the log channel. Approve reverses the action (timeout cleared, mute role removed, unban) and
  removes the points; either way the member is told the outcome. With the moderation cog loaded, the reversal is a
  case closing the action's case (unban, untimeout, unmute), by the moderator who approved. Each appeal is
  decided once. Approving needs the permission the reversal itself needs (Ban Members for an unban, Timeout
  Members for a timeout, Manage Roles and role safety for the mute role); without it nothing is reversed and the
  appeal stays open.
- **False positive** (on the log embed) → counted in automod_stats.false_positives, the points are removed.
"""

from __future__ import annotations

import logging
from typing import Any

import discord

from cogs.automod import actions, cases, repo
from cogs.automod.contract import AutomodContract
from cogs.automod.staff import MODERATORS
from core.guild_kit import AppealForm, is_staff, post_to_log
from core.persistent_items import ItemT, Look, PersistentItem, choices
from core.role_safety import role_refusal

log = logging.getLogger(__name__)


async def is_moderator(cog: AutomodContract, interaction: discord.Interaction) -> bool:
    """Timeout Members, Manage Server, or the server's staff role (`staff.MODERATORS`)."""
    return await is_staff(cog.bot, MODERATORS, interaction)


def reversal_refusal(approver: discord.Member, context: dict[str, Any]) -> str | None:
    """Why `approver` may not approve an appeal of this action (None = they may): approving reverses it, and the
    reversal needs what doing it by hand needs: Ban Members to unban, Timeout Members to lift a timeout, Manage Roles
    and role safety (`core.role_safety`) to take the mute role off."""
    kind = context.get("kind")
    permissions = approver.guild_permissions
    refused = "Nothing was changed and the appeal is still open: someone who has it can approve it."
    if kind == "ban" and not permissions.ban_members:
        return f"Approving this appeal unbans the member, which needs the **Ban Members** permission. {refused}"
    if kind == "timeout" and not permissions.moderate_members:
        return f"Approving this appeal lifts the timeout, which needs the **Timeout Members** permission. {refused}"
    if kind == "mute":
        if not permissions.manage_roles:
            return (f"Approving this appeal takes the mute role off, which needs the **Manage Roles** permission. "
                    f"{refused}")
        guild = approver.guild
        role = guild.get_role(context.get("role_id") or 0)
        problem = role_refusal(role, approver, guild.me) if role is not None else None
        if problem is not None:
            return f"Approving this appeal takes @{role.name} off: {problem.reason} {refused}"  # type: ignore[union-attr]
    return None


class AutomodItem(PersistentItem[ItemT, AutomodContract], cog="Automod", prefix="am",
                  unavailable="Automod is not available right now, try again later."):
    """Automod's persistent buttons (`hearth:am:…`): each acts on one automod log entry of a guild."""

    guild_id: int
    log_id: int


class AppealButton(AutomodItem[discord.ui.Button[Any]], template=r"appeal:(?P<guild_id>\d+):(?P<log_id>\d+)",
                   what="the automod appeal button"):
    """In the member's DM: opens the appeal form."""

    look = Look("Appeal", discord.ButtonStyle.primary, "📨")

    async def clicked(self, interaction: discord.Interaction, cog: AutomodContract) -> None:
        row = await repo.get_log(cog.pool, self.guild_id, self.log_id)
        if row is None or row["user_id"] != interaction.user.id:
            await interaction.response.send_message("This appeal is not yours to make.", ephemeral=True)
            return
        if row["appeal_status"] != "none":
            await interaction.response.send_message(f"You already appealed (status: {row['appeal_status']}).",
                                                    ephemeral=True)
            return
        await interaction.response.send_modal(AppealModal(cog, self.guild_id, self.log_id))


class AppealModal(AppealForm, title="Appeal an automatic moderation"):
    """Why the member thinks the action was a mistake."""

    what = "an automod appeal"

    def __init__(self, cog: AutomodContract, guild_id: int, log_id: int) -> None:
        super().__init__(custom_id=f"hearth:am:appealform:{guild_id}:{log_id}")
        self.cog, self.guild_id, self.log_id = cog, guild_id, log_id

    async def on_submit(self, interaction: discord.Interaction) -> None:  # type: ignore[override]
        cog = self.cog
        reason = self.reason_text
        if not await repo.open_appeal(cog.pool, self.guild_id, self.log_id, interaction.user.id, reason):
            await interaction.response.send_message("This appeal was already sent.", ephemeral=True)
            return
        await interaction.response.send_message("📨 Your appeal was sent to the moderators. You'll get a message "
                                                "when they have decided.", ephemeral=True)
        row = await repo.get_log(cog.pool, self.guild_id, self.log_id)
        guild = cog.bot.get_guild(self.guild_id)
        if guild is None or row is None:
            return
        embed = discord.Embed(title=f"📨 Appeal of automod action #{self.log_id}", colour=discord.Colour.gold(),
                              description=reason[:4000])
        embed.add_field(name="Member", value=f"<@{row['user_id']}>")
        embed.add_field(name="Action", value=row["action_taken"])
        embed.add_field(name="Rule reason", value=str((row["context"] or {}).get("reason", "?"))[:1024],
                        inline=False)
        if row["message_content"]:
            embed.add_field(name="Message", value=row["message_content"][:1024], inline=False)
        await post_to_log(cog.bot, guild, feature="automod", what="an automod log entry", embed=embed,
                          view=DecideButton.view_of(self.guild_id, self.log_id))


class DecideButton(AutomodItem[discord.ui.Button[Any]],
                   template=r"decide:(?P<verdict>approve|deny):(?P<guild_id>\d+):(?P<log_id>\d+)",
                   what="an appeal decision"):
    """Approve / Deny on an appeal (moderators)."""

    verdict: str
    looks = choices(approve=Look("Approve", discord.ButtonStyle.success),
                    deny=Look("Deny", discord.ButtonStyle.danger))

    async def clicked(self, interaction: discord.Interaction, cog: AutomodContract) -> None:
        if interaction.guild_id != self.guild_id or not await is_moderator(cog, interaction):
            await interaction.response.send_message("Only moderators (Timeout Members or the staff role) can decide "
                                                    "appeals.", ephemeral=True)
            return
        if self.verdict == "approve":
            # Approving reverses the action: the approver must be allowed to do that reversal themselves.
            current = await repo.get_log(cog.pool, self.guild_id, self.log_id)
            refusal = (reversal_refusal(interaction.user, current["context"] or {})  # type: ignore[arg-type]
                       if current is not None and current["appeal_status"] == "pending" else None)
            if refusal is not None:
                await interaction.response.send_message(refusal, ephemeral=True)
                return
        await interaction.response.defer()
        status = "approved" if self.verdict == "approve" else "denied"
        row = await repo.decide_appeal(cog.pool, self.guild_id, self.log_id, status, interaction.user.id,
                                       cog.bot.clock.now())
        if row is None:
            await interaction.followup.send("This appeal was already decided.", ephemeral=True)
            return
        guild = interaction.guild
        notes: list[str] = []
        if status == "approved":
            context = row["context"] or {}
            with cases.acting_on(cog.bot, guild.id, row["user_id"], str(context.get("kind")), reversal=True):
                note = await actions.revert(guild, row["user_id"], context, f"Appeal approved by {interaction.user}")
            if note:
                cases.not_acting(cog.bot, guild.id, row["user_id"], str(context.get("kind")), reversal=True)
                notes.append(note)
            elif context.get("case") is not None:
                # The reversal closes the action's case in the one case log (when moderation is loaded).
                await cases.record_reversal(cog.bot, guild, str(context.get("kind")), target_id=row["user_id"],
                                            moderator_id=interaction.user.id, case_number=int(context["case"]),
                                            reason=f"Appeal approved: {row['appeal_reason'] or 'no reason given'}")
            if not row["false_positive"]:
                await cog.violations.remove_points(row)
        text = (f"Your appeal in **{discord.utils.escape_markdown(guild.name)}** was **{status}**."
                + (" The action was reversed." if status == "approved" else ""))
        user = cog.bot.get_user(row["user_id"]) or await cog.bot.fetch_user(row["user_id"])
        dm_note = await actions.send_dm(user, discord.Embed(title="Your appeal", description=text,
                                                            colour=discord.Colour.green() if status == "approved"
                                                            else discord.Colour.red()), None)
        if dm_note:
            notes.append(dm_note)
        icon = "✅" if status == "approved" else "❌"
        summary = f"{icon} Appeal {status} by {interaction.user.mention}." + "".join(f"\n⚠️ {n}" for n in notes)
        await interaction.edit_original_response(content=summary, view=None)


class FalsePositiveButton(AutomodItem[discord.ui.Button[Any]], template=r"fp:(?P<guild_id>\d+):(?P<log_id>\d+)",
                          what="the false-positive button"):
    """On the log embed: a moderator says the rule should not have fired."""

    look = Look("False positive", discord.ButtonStyle.secondary, "🙅")

    async def clicked(self, interaction: discord.Interaction, cog: AutomodContract) -> None:
        if interaction.guild_id != self.guild_id or not await is_moderator(cog, interaction):
            await interaction.response.send_message("Only moderators can mark false positives.", ephemeral=True)
            return
        row = await repo.mark_false_positive(cog.pool, self.guild_id, self.log_id, interaction.user.id)
        if row is None:
            await interaction.response.send_message("Already marked as a false positive.", ephemeral=True)
            return
        if row["appeal_status"] != "approved":
            await cog.violations.remove_points(row)
        if row["rule_id"] is not None:
            cog.stats.add(self.guild_id, row["rule_id"], row["timestamp"].date(), false_positives=1)
        await interaction.response.edit_message(
            content=f"🙅 Marked as a false positive by {interaction.user.mention}; the points were removed.",
            view=None)


ITEMS: tuple[Any, ...] = (AppealButton, DecideButton, FalsePositiveButton)
