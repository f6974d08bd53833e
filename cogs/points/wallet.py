"""`/balance`, `/give` (member to member, with limits) and `/points give|take|history`; mixed into the points cog.

Every change goes through `repo.post` with the interaction's id as its reference, inside a transaction that first
locks the member's balance row: a member's gifts and spends run one at a time, so the daily cap and the balance
check see each other, and a replayed interaction finds its reference and changes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import discord
from discord import app_commands

from cogs.points import repo
from cogs.points.contract import MixinMeta, answer_replay, charging, reference_of
from cogs.points.render import COLOUR, ledger_line, points
from cogs.points.settings import (
    MAX_AMOUNT,
    POINTS_ENABLED,
    POINTS_GIVE_DAILY_CAP,
    POINTS_GIVE_MIN_ACCOUNT_AGE,
    POINTS_GIVE_MIN_MEMBERSHIP,
    SCOPE,
)
from core.guild_kit import post_to_log
from core.settings_registry import SYSTEM_TIMEZONE
from utils.durations import format_duration
from utils.errors import BadInput, UserFacingError
from utils.paginator import Paginator

Amount = app_commands.Range[int, 1, MAX_AMOUNT]
Reason = app_commands.Range[str, 1, 200]
HISTORY_PAGE = 10


def _target(member: discord.Member | discord.User) -> discord.Member:
    """A member of the server who can hold points (not a bot, not someone who left)."""
    if not isinstance(member, discord.Member):
        raise BadInput(f"{member.mention} is not a member of this server.")
    if member.bot:
        raise BadInput("Bots don't collect points.")
    return member


class WalletMixin(MixinMeta):
    """Balances, gifts, staff grants and the ledger history."""

    points_group = app_commands.Group(name="points", description="Points: your history; grants by admins",
                                      guild_only=True)

    # --- members ------------------------------------------------------------------------------------------------

    @app_commands.command(name="balance", description="How many points you (or another member) have")
    @app_commands.describe(member="Whose balance (default: yours)")
    @app_commands.guild_only()
    async def balance(self, interaction: discord.Interaction, member: discord.Member | None = None) -> None:
        target = _target(member or interaction.user)
        held = await self.balance_of(interaction.guild_id, target.id)  # the last messages count
        whose = "You have" if target.id == interaction.user.id else f"{target.mention} has"
        await interaction.response.send_message(f"💰 {whose} **{points(held)}**.", ephemeral=True)

    @app_commands.command(name="give", description="Give some of your points to another member")
    @app_commands.describe(member="Who gets them", amount="How many points")
    @app_commands.guild_only()
    async def give(self, interaction: discord.Interaction, member: discord.Member, amount: Amount) -> None:
        guild, giver = interaction.guild, interaction.user
        receiver = _target(member)
        if receiver.id == giver.id:
            raise BadInput("You can't give points to yourself.", example="/give member:@friend amount:10")
        settings = self.bot.guild_settings
        if not await settings.setting(guild.id, POINTS_ENABLED):
            raise UserFacingError("Points are turned off on this server.")
        cap = await settings.setting(guild.id, POINTS_GIVE_DAILY_CAP)
        if cap == 0:
            raise UserFacingError("Giving points to other members is turned off on this server.")
        now = self.bot.clock.now()
        await self._may_give(giver, now)
        day_start = await self._day_start(guild.id, now)
        reference = reference_of(interaction)
        await self.flush()
        async with charging(self.pool) as conn:
            held = (await repo.lock_accounts(conn, guild.id, [giver.id, receiver.id])).get(giver.id, 0)
            if await repo.has_reference(conn, guild.id, giver.id, reference):
                replayed = True
            else:
                replayed = False
                given = await repo.given_since(conn, guild.id, giver.id, day_start)
                if given + amount > cap:
                    left = max(0, cap - given)
                    raise UserFacingError(f"You can give up to {points(cap)} a day; you have {points(left)} left "
                                          "today.")
                if held < amount:
                    raise UserFacingError(f"You have only {points(held)}.")
                posted = await repo.post(conn, [
                    repo.Entry(guild.id, giver.id, -amount, "give", reference, "Gift to another member", giver.id),
                    repo.Entry(guild.id, receiver.id, amount, "give", reference, "Gift", giver.id)], now)
        if replayed:
            await answer_replay(interaction)
            return
        left = posted.balances[(guild.id, giver.id)]
        await interaction.response.send_message(
            f"🎁 You gave **{points(amount)}** to {receiver.mention}. You have {points(left)} left.", ephemeral=True)

    async def _may_give(self, giver: discord.Member, now: datetime) -> None:
        """The account-age and membership limits of /give (fresh accounts are how points get farmed)."""
        settings = self.bot.guild_settings
        min_age = await settings.setting(giver.guild.id, POINTS_GIVE_MIN_ACCOUNT_AGE)
        if now - giver.created_at < timedelta(seconds=min_age):
            raise UserFacingError(f"Your Discord account must be at least {format_duration(min_age)} old to give "
                                  "points.")
        min_membership = await settings.setting(giver.guild.id, POINTS_GIVE_MIN_MEMBERSHIP)
        joined = giver.joined_at
        if min_membership and (joined is None or now - joined < timedelta(seconds=min_membership)):
            raise UserFacingError(f"You must have been on this server for at least {format_duration(min_membership)}"
                                  " to give points.")

    async def _day_start(self, guild_id: int, now: datetime) -> datetime:
        """Midnight of today in the server's time zone (`system.timezone`): when the daily cap starts again."""
        tz = ZoneInfo(await self.bot.guild_settings.setting(guild_id, SYSTEM_TIMEZONE))
        return now.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)

    @points_group.command(name="history", description="Your points history (admins: any member's)")
    @app_commands.describe(member="Whose history (admins only; default: yours)")
    async def history(self, interaction: discord.Interaction, member: discord.Member | None = None) -> None:
        target = member or interaction.user
        if target.id != interaction.user.id and not interaction.permissions.manage_guild:
            raise UserFacingError("Only admins (Manage Server) can see another member's points history.")
        guild_id = interaction.guild_id
        await self.flush()

        async def page(index: int) -> tuple[discord.Embed, int]:
            rows, total = await repo.history(self.pool, guild_id, target.id, HISTORY_PAGE, index * HISTORY_PAGE)
            held = await repo.balance(self.pool, guild_id, target.id)
            embed = discord.Embed(title=f"Points history of {target.display_name}"[:256], colour=COLOUR,
                                  description="\n".join(ledger_line(r) for r in rows)[:4000]
                                  or "Nothing yet: points come from chatting, levels, challenges and gifts.")
            embed.add_field(name="Balance", value=points(held))
            return embed, total

        await Paginator(interaction.user.id, page, HISTORY_PAGE).send(interaction)

    # --- admins ---------------------------------------------------------------------------------------------------

    @points_group.command(name="give", description="Grant points to a member (admins)")
    @app_commands.describe(member="Who gets them", amount="How many points", reason="Why (shown in their history)")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def staff_give(self, interaction: discord.Interaction, member: discord.Member, amount: Amount,
                         reason: Reason) -> None:
        await self._staff_change(interaction, _target(member), amount, reason)

    @points_group.command(name="take", description="Take points from a member (admins)")
    @app_commands.describe(member="Whose points", amount="How many points", reason="Why (shown in their history)")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def staff_take(self, interaction: discord.Interaction, member: discord.Member, amount: Amount,
                         reason: Reason) -> None:
        await self._staff_change(interaction, _target(member), -amount, reason)

    async def _staff_change(self, interaction: discord.Interaction, member: discord.Member, amount: int,
                            reason: str) -> None:
        guild, staff = interaction.guild, interaction.user
        reason = reason.strip()
        if not reason:
            raise BadInput("Give a reason: the member sees it in their history.",
                           example="/points give member:@bob amount:50 reason:Event winner")
        reference = reference_of(interaction)
        await self.flush()
        async with charging(self.pool) as conn:
            held = await repo.balance(conn, guild.id, member.id, lock=True)
            replayed = await repo.has_reference(conn, guild.id, member.id, reference)
            if not replayed:
                if held + amount < 0:
                    raise UserFacingError(f"{member.mention} has only {points(held)}: you can take at most that.")
                posted = await repo.post(conn, [repo.Entry(guild.id, member.id, amount, "staff", reference, reason,
                                                           staff.id)], self.bot.clock.now())
        if replayed:
            await answer_replay(interaction)
            return
        now_held = posted.balances[(guild.id, member.id)]
        verb = f"gave **{points(amount)}** to" if amount > 0 else f"took **{points(-amount)}** from"
        problem = await post_to_log(self.bot, guild, feature=SCOPE, what="a points grant",
                                    content=f"💰 {staff.mention} {verb} {member.mention}: "
                                            f"{discord.utils.escape_markdown(reason)[:300]} (now {points(now_held)})")
        note = f"\n⚠️ Not logged: {problem}" if problem else ""
        await interaction.response.send_message(f"✅ You {verb} {member.mention}: they have {points(now_held)} "
                                                f"now.{note}", ephemeral=True)
