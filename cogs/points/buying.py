"""`/buy` and what a purchase delivers; mixed into the points cog.

A purchase is charged first, in one transaction that locks the buyer's balance row (two purchases at once run one
after the other; the balance CHECK is the last word), with the interaction's id as the ledger reference (a replayed
interaction is charged once). The same transaction writes what the purchase promises: a custom reward's request
for the staff, or a temporary role's end as a timers job. Only then does the bot act on Discord — give the role,
post the request with its Approve / Refuse buttons to the staff log — and when Discord refuses, the points come
back through the ledger (a `refund` row) and the promise is withdrawn.

Role items pass the role-safety check again at every purchase, against the admin who set the role. A temporary role
is removed by the timers service (`points_temp_role`, a job that must happen: retried until it works, once across
processes and restarts); buying it again while it runs extends it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import discord
from discord import app_commands

from cogs.points import repo
from cogs.points.contract import MixinMeta, answer_replay, charging, reference_of
from cogs.points.redeems import RedeemButton
from cogs.points.render import clean, points, redeem_embed, ts
from cogs.points.settings import POINTS_ENABLED, SCOPE
from core.guild_kit import find_log_channel, post_to_log
from core.timers import Job
from utils.errors import BadInput, UserFacingError, missing_permission_message
from utils.members import find_member

TEMP_ROLE_JOB = "points_temp_role"
TEMP_ROLE_TIMEOUT = timedelta(minutes=1)
Note = app_commands.Range[str, 1, 300]


def temp_role_key(guild_id: int, user_id: int, role_id: int) -> str:
    """The timers key of one member's temporary role: one job per member and role (buying again moves it)."""
    return f"{guild_id}:{user_id}:{role_id}"


class BuyingMixin(MixinMeta):
    """/buy, delivery with refunds, and the end of temporary roles."""

    @app_commands.command(name="buy", description="Buy an item of the shop with your points")
    @app_commands.describe(item="The item (see /shop list)", note="For custom rewards: anything staff need to know")
    @app_commands.guild_only()
    async def buy(self, interaction: discord.Interaction, item: app_commands.Range[str, 1, 60],
                  note: Note | None = None) -> None:
        guild, member = interaction.guild, interaction.user
        if not await self.bot.guild_settings.setting(guild.id, POINTS_ENABLED):
            raise UserFacingError("Points are turned off on this server.")
        found = await repo.item_named(self.pool, guild.id, " ".join(item.split()))
        if found is None:
            raise BadInput(f"The shop has no item called **{clean(item)[:100]}**.", example="/shop list")
        role, extends = await self._deliverable(guild, member, found)
        reference = reference_of(interaction)
        now = self.bot.clock.now()
        await self.flush()
        async with charging(self.pool) as conn:
            held = await repo.balance(conn, guild.id, member.id, lock=True)
            replayed = await repo.has_reference(conn, guild.id, member.id, reference)
            if not replayed:
                if held < found.price:
                    raise UserFacingError(f"**{clean(found.name)}** costs {points(found.price)}; you have "
                                          f"{points(held)}.")
                posted = await repo.post(conn, [repo.Entry(guild.id, member.id, -found.price, "buy", reference,
                                                           f"Bought {found.name}"[:200], member.id)], now)
                promise = await self._promise(conn, found, member, (note or "").strip(), extends, now)
        if replayed:
            await answer_replay(interaction)
            return
        if found.kind == "temp_role":
            self.bot.timers.rearm()
        await interaction.response.defer(ephemeral=True, thinking=True)
        left = posted.balances[(guild.id, member.id)]
        text = await self._deliver(guild, member, found, role, extends, promise, reference)
        if text is None:
            text = f"✅ You bought **{clean(found.name)}** for {points(found.price)}. You have {points(left)} left."
            if found.kind == "custom":
                text += f"\nRequest #{promise} is with the staff; you'll get a DM when they decide."
            elif found.kind == "temp_role":
                text += f"\nThe role is yours until {ts(promise)}."
        await interaction.followup.send(text, ephemeral=True)

    async def _deliverable(self, guild: discord.Guild, member: discord.Member,
                           item: repo.ShopItem) -> tuple[discord.Role | None, datetime | None]:
        """Refuse, before any charge, what cannot be delivered; the role to give, and for a temporary role the
        member still holds from the shop, when it runs out now (buying again extends it)."""
        if item.kind == "custom":
            if (await find_log_channel(self.bot, guild, SCOPE))[1] is None:
                raise UserFacingError("Custom rewards can't be bought right now: the staff have no channel for "
                                      "requests. Ask an admin to set `points.log_channel`.")
            return None, None
        role = guild.get_role(item.role_id or 0)
        if role is None:
            raise UserFacingError("This item's role no longer exists; the admins need to fix the shop item.")
        # Checked again now, against whoever set the role (the log channel is told once why not).
        refusal = await self.bot.role_grants.refusal(guild, role, item.role_set_by,
                                                     source=f"the shop item “{item.name}”")
        if refusal is not None:
            raise UserFacingError(refusal.member_text(role))
        if not guild.me.guild_permissions.manage_roles:
            raise UserFacingError("I can't give roles on this server right now (I'm missing **Manage Roles**); "
                                  "nothing was charged. Tell an admin.")
        holds = member.get_role(role.id) is not None
        if item.kind == "role":
            if holds:
                raise BadInput(f"You already have **{clean(role.name)}**.")
            return role, None
        due = await self.bot.timers.due_at(TEMP_ROLE_JOB, temp_role_key(guild.id, member.id, role.id))
        if holds and due is None:
            raise BadInput(f"You already have **{clean(role.name)}** for good, so there is nothing to buy.")
        return role, due if holds else None

    async def _promise(self, conn: Any, item: repo.ShopItem, member: discord.Member, note: str,
                       extends: datetime | None, now: datetime) -> Any:
        """Inside the charge's transaction: the request for the staff (its number) or the temporary role's end."""
        if item.kind == "custom":
            return await repo.add_redeem(conn, item, member.id, note, now)
        if item.kind == "temp_role":
            until = max(extends or now, now) + timedelta(seconds=item.duration_seconds or 0)
            await self.bot.timers.schedule(item.guild_id, TEMP_ROLE_JOB,
                                           temp_role_key(item.guild_id, member.id, item.role_id or 0), until,
                                           {"user_id": member.id, "role_id": item.role_id, "item_id": item.id},
                                           conn=conn)
            return until
        return None

    async def _deliver(self, guild: discord.Guild, member: discord.Member, item: repo.ShopItem,
                       role: discord.Role | None, extends: datetime | None, promise: Any,
                       reference: str) -> str | None:
        """Act on Discord; None when delivered, else what the member is told (the points came back)."""
        if item.kind == "custom":
            request = await repo.redeem(self.pool, guild.id, promise)
            problem = await post_to_log(self.bot, guild, feature=SCOPE, what="a shop request", required=True,
                                        embed=redeem_embed(request, "pending"), view=RedeemButton.view_of(promise))
            if problem is None:
                return None
            await self.cancel_redeem(guild.id, promise, item.price)
            return f"⚠️ Your request could not reach the staff ({problem}). Your {points(item.price)} came back."
        assert role is not None
        if extends is not None:
            return None  # the member holds the role already: only its end moved
        try:
            await member.add_roles(role, reason=f"Hearth: bought “{item.name}” in the shop")
        except discord.HTTPException as exc:
            if item.kind == "temp_role":
                await self.bot.timers.cancel(TEMP_ROLE_JOB, temp_role_key(guild.id, member.id, role.id))
            await self.refund(guild.id, member.id, item.price, f"refund:{reference}", f"Not delivered: {item.name}")
            why = missing_permission_message(exc) if isinstance(exc, discord.Forbidden) else f"Discord: {exc.status}"
            await post_to_log(self.bot, guild, feature=SCOPE, content=f"⚠️ {member.mention} bought "
                              f"“{clean(item.name)}” but I could not give {role.mention} ({why}); refunded.")
            return (f"⚠️ I couldn't give you **{clean(role.name)}** right now; your {points(item.price)} came back. "
                    "The admins were told.")
        return None

    async def refund(self, guild_id: int, user_id: int, amount: int, reference: str, reason: str,
                     actor_id: int | None = None, conn: Any = None) -> None:
        """Give points back through the ledger (once per `reference`)."""
        await repo.post(conn or self.pool, [repo.Entry(guild_id, user_id, amount, "refund", reference, reason[:200],
                                                       actor_id)], self.bot.clock.now())

    async def cancel_redeem(self, guild_id: int, redeem_id: int, price: int) -> None:
        """A request that never reached the staff: refused by nobody, and refunded (the same refund reference as a
        staff refusal, so it can only happen once)."""
        async with self.pool.acquire() as conn, conn.transaction():
            row = await repo.decide_redeem(conn, guild_id, redeem_id, "refused", None, self.bot.clock.now())
            if row is not None:
                await self.refund(guild_id, row["user_id"], price, f"refund:redeem:{redeem_id}",
                                  f"Request #{redeem_id} could not reach the staff", conn=conn)

    @buy.autocomplete("item")
    async def _buy_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self.item_choices(interaction, current)

    # --- the end of a temporary role (timers job) ---------------------------------------------------------------

    async def run_temp_role_end(self, job: Job) -> None:
        """Take the temporary role back; a member who left, or no longer has it, has nothing to remove. Discord
        errors propagate: the job is retried until it works."""
        guild = self.bot.get_guild(job.guild_id)
        role = guild.get_role(int(job.payload.get("role_id", 0))) if guild else None
        if guild is None or role is None:
            return None
        member = await find_member(guild, int(job.payload.get("user_id", 0)))
        if member is None or member.get_role(role.id) is None:
            return None
        await member.remove_roles(role, reason="Hearth: the temporary role bought in the shop ran out")
        return None

    def describe_temp_role(self, job: Job) -> str:
        """The job in words, for the log channel when it keeps failing."""
        return f"taking back the temporary role <@&{job.payload.get('role_id')}> of <@{job.payload.get('user_id')}>"
