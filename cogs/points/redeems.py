"""The redeem queue: a custom reward bought in the shop waits in the staff log with Approve / Refuse buttons
(persistent: they work after restarts); mixed into the points cog.

Deciding is a conditional UPDATE of a pending request, so two staff clicking at once (or on two processes) decide
it once. A refusal refunds the price through the ledger in the same transaction (reference `refund:redeem:<id>`:
never twice). The member hears the outcome by DM when their DMs are open. Staff here: Manage Server, or the role
in `points.staff_role` (else `system.staff_role`).
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

import discord

from cogs.points import repo
from cogs.points.contract import MixinMeta
from cogs.points.render import STATUS_WORDS, clean, points, redeem_embed
from cogs.points.settings import POINTS_STAFF_ROLE
from core.guild_kit import StaffRule, is_staff
from core.persistent_items import Look, PersistentItem, choices
from core.settings_registry import SYSTEM_STAFF_ROLE
from utils.errors import UserFacingError
from utils.members import find_member

log = logging.getLogger(__name__)

POINTS_STAFF = StaffRule(permissions=("manage_guild",), roles=(POINTS_STAFF_ROLE, SYSTEM_STAFF_ROLE))
DECISIONS = {"approve": "approved", "refuse": "refused"}


class RedeemDesk(Protocol):
    """What the request buttons call on the points cog (`RedeemMixin` provides it)."""

    async def decide_redeem(self, interaction: discord.Interaction, redeem_id: int, choice: str) -> None:
        """Approve or refuse request `redeem_id` as the staff member who clicked."""


class RedeemButton(PersistentItem[discord.ui.Button[Any], RedeemDesk], cog="Points", prefix="redeem",
                   template=r"(?P<choice>approve|refuse):(?P<redeem_id>\d+)", what="a shop request decision",
                   unavailable="The points shop is not available right now, try again later."):
    """Approve / Refuse on a request in the staff log; the request's number is in the custom id."""

    choice: str
    redeem_id: int
    looks = choices(approve=Look("Approve", discord.ButtonStyle.success, "✅"),
                    refuse=Look("Refuse and refund", discord.ButtonStyle.danger, "↩️"))

    @classmethod
    def usable(cls, interaction: discord.Interaction) -> bool:
        return interaction.guild_id is not None

    async def clicked(self, interaction: discord.Interaction, cog: RedeemDesk) -> None:
        await cog.decide_redeem(interaction, self.redeem_id, self.choice)


class RedeemMixin(MixinMeta):
    """Deciding requests."""

    async def decide_redeem(self, interaction: discord.Interaction, redeem_id: int, choice: str) -> None:
        guild = interaction.guild
        assert guild is not None  # `usable`
        if not await is_staff(self.bot, POINTS_STAFF, interaction):
            raise UserFacingError("Only staff (Manage Server or the points staff role) can decide shop requests.")
        status = DECISIONS[choice]
        async with self.pool.acquire() as conn, conn.transaction():
            row = await repo.decide_redeem(conn, guild.id, redeem_id, status, interaction.user.id,
                                           self.bot.clock.now())
            if row is not None and status == "refused":
                await self.refund(guild.id, row["user_id"], row["price"], f"refund:redeem:{redeem_id}",
                                  f"Request #{redeem_id} refused: {row['item_name']}", interaction.user.id, conn=conn)
        if row is None:
            current = await repo.redeem(self.pool, guild.id, redeem_id)
            if current is None:
                raise UserFacingError("This request no longer exists (its member's data may have been erased).")
            who = f" by <@{current['decided_by']}>" if current["decided_by"] else ""
            raise UserFacingError(f"Request #{redeem_id} was already decided: {STATUS_WORDS[current['status']]}{who}.")
        await interaction.response.edit_message(embed=redeem_embed(row, status, interaction.user.id),
                                                view=RedeemButton.view_of(redeem_id, disabled=True))
        await self._tell_buyer(guild, row, status)

    async def _tell_buyer(self, guild: discord.Guild, row: Any, status: str) -> None:
        """A DM to the member with the outcome; closed DMs (or a member who left) are fine."""
        text = (f"✅ Your request #{row['id']} for **{clean(row['item_name'])}** on **{clean(guild.name)}** was "
                "approved." if status == "approved" else
                f"↩️ Your request #{row['id']} for **{clean(row['item_name'])}** on **{clean(guild.name)}** was "
                f"refused; your {points(row['price'])} came back.")
        try:
            member = await find_member(guild, row["user_id"])
            if member is not None:
                await member.send(text, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException as exc:
            log.info("Guild %s: could not tell member %s about request %s: %s", guild.id, row["user_id"], row["id"],
                     exc)
