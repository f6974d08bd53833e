"""`/rank [member]` and `/levels [page]` (PNG cards, or text when files can't be sent), and the admin group
`/xp give|remove|reset|import` (Manage Server; a change that would give or take level roles also needs what the
admin could do with those roles themselves: the trust boundary)."""

from __future__ import annotations

import io
from functools import partial

import discord
from discord import app_commands

from cogs.levels import cards, curve, importer, repo
from cogs.levels.api import LevelUp
from cogs.levels.contract import MixinMeta
from cogs.levels.rules import LevelRole
from cogs.levels.settings import LEVELS_ENABLED, LEVELS_ROLE_MODE
from cogs.levels.views import ResetConfirmView
from core.role_safety import role_refusal
from utils.cards import LeaderboardRow, avatar_bytes, leaderboard_card
from utils.errors import BadInput, UserFacingError

PAGE = 10
EMPTY = "Nobody has earned XP yet."
NONE = discord.AllowedMentions.none()
Amount = app_commands.Range[int, 1, 10_000_000]
OFF = ("Levels are off on this server. An admin can turn them on with "
       "`/config set scope:levels key:enabled value:yes`.")


class CommandsMixin(MixinMeta):
    """The levels commands; mixed into the levels cog."""

    xp = app_commands.Group(name="xp", description="Members' XP (admins)", guild_only=True,
                            default_permissions=discord.Permissions(manage_guild=True))

    # --- /rank and /levels ------------------------------------------------------------------------------------

    @app_commands.command(name="rank", description="A member's level, rank and XP towards the next level")
    @app_commands.describe(member="Whose rank (default: yours)")
    @app_commands.guild_only()
    async def rank(self, interaction: discord.Interaction, member: discord.Member | None = None) -> None:
        guild = interaction.guild
        assert guild is not None
        target = member or interaction.user
        if target.bot:
            raise UserFacingError("Bots don't earn XP.")
        if not await self.bot.guild_settings.setting(guild.id, LEVELS_ENABLED):
            raise UserFacingError(OFF)
        self.card_cooldown.hit((guild.id, interaction.user.id))
        await interaction.response.defer(thinking=True)
        await self.flush()  # fresh figures
        progress = await self.api.rank(guild.id, target.id)  # the same figures as the dashboard's member page
        rank, xp = progress.rank, progress.xp
        data = cards.RankData(name=target.display_name, subtitle=f"@{target.name}", user_id=target.id,
                              level=progress.level, rank=rank, xp=xp, into_level=progress.into_level,
                              needed=progress.needed, messages=progress.messages,
                              voice_minutes=progress.voice_minutes)
        if interaction.app_permissions.attach_files:
            data.avatar = await avatar_bytes(target)
            png = await self.draw(cards.rank_card, data)
            if png is not None:
                await interaction.followup.send(file=discord.File(io.BytesIO(png), filename="rank.png"),
                                                allowed_mentions=NONE)
                return
        embed = discord.Embed(title=f"{target.display_name}'s rank", colour=discord.Colour.orange())
        embed.add_field(name="Level", value=str(progress.level))
        embed.add_field(name="Rank", value=f"#{rank}" if rank else "—")
        embed.add_field(name="XP", value=f"{xp:,} in total")
        embed.add_field(name=f"Towards level {progress.level + 1}", inline=False,
                        value=f"{progress.into_level:,} / {progress.needed:,} XP ({progress.fraction:.0%})")
        await interaction.followup.send(embed=embed, allowed_mentions=NONE)

    @app_commands.command(name="levels", description="The members with the most XP")
    @app_commands.describe(page="Which page of 10 (default: the top)")
    @app_commands.guild_only()
    async def levels(self, interaction: discord.Interaction, page: app_commands.Range[int, 1, 1000] = 1) -> None:
        guild = interaction.guild
        assert guild is not None
        if not await self.bot.guild_settings.setting(guild.id, LEVELS_ENABLED):
            raise UserFacingError(OFF)
        self.card_cooldown.hit((guild.id, interaction.user.id))
        await interaction.response.defer(thinking=True)
        await self.flush()
        board = await self.api.leaderboard(guild.id, page, PAGE)  # the dashboard's levels page reads the same
        title = f"🏆 {guild.name} · levels"
        subtitle = f"Total XP · page {board.page} of {board.pages}"
        entries = [(rank, user_id, xp) for rank, user_id, xp, _ in board.entries]
        if interaction.app_permissions.attach_files:
            rows = [LeaderboardRow(rank, f"{self.display_name(guild, user_id)} · level {curve.level_of(xp)}", user_id,
                                   xp, await avatar_bytes(guild.get_member(user_id)))
                    for rank, user_id, xp in entries]
            png = await self.draw(partial(leaderboard_card, empty=EMPTY), title, subtitle, rows)
            if png is not None:
                await interaction.followup.send(file=discord.File(io.BytesIO(png), filename="levels.png"),
                                                allowed_mentions=NONE)
                return
        lines = [f"**#{rank}** {discord.utils.escape_markdown(self.display_name(guild, user_id))} — level "
                 f"{curve.level_of(xp)} ({xp:,} XP)" for rank, user_id, xp in entries]
        embed = discord.Embed(title=title, colour=discord.Colour.orange(),
                              description="\n".join(lines) or EMPTY)
        embed.set_footer(text=subtitle)
        await interaction.followup.send(embed=embed, allowed_mentions=NONE)

    # --- /xp (admins) -----------------------------------------------------------------------------------------

    @xp.command(name="give", description="Give a member XP (their level and level roles follow)")
    @app_commands.describe(member="Who", amount="How much XP")
    async def xp_give(self, interaction: discord.Interaction, member: discord.Member, amount: Amount) -> None:
        await self._change(interaction, member, amount)

    @xp.command(name="remove", description="Take XP away from a member (never below 0)")
    @app_commands.describe(member="Who", amount="How much XP")
    async def xp_remove(self, interaction: discord.Interaction, member: discord.Member, amount: Amount) -> None:
        await self._change(interaction, member, -amount)

    @xp.command(name="reset", description="Reset a member's XP to 0, or everyone's (with a confirmation)")
    @app_commands.describe(member="Whose XP (leave empty for every member of the server)")
    async def xp_reset(self, interaction: discord.Interaction, member: discord.Member | None = None) -> None:
        guild = self._admin_guild(interaction)
        if member is not None:
            await self._change(interaction, member, None)
            return
        count = await repo.ranked_members(self.pool, guild.id)

        async def reset_all() -> str:
            async with self.flush_lock:
                self.forget_guild_pending(guild.id)
                removed = await repo.reset_guild(self.pool, guild.id)
            return (f"🧹 Reset the XP of {removed:,} member(s): everyone is back to level 0. Level roles members "
                    "already have were left as they are.")

        view = ResetConfirmView(interaction.user.id, reset_all)
        await interaction.response.send_message(
            f"⚠️ This resets the XP of **every member** of this server ({count:,} with XP) to 0. It can't be "
            "undone (an export made before, `/xp import`, can bring it back).", view=view, ephemeral=True)

    @xp.command(name="import", description="Import levels or XP from a CSV export (e.g. from MEE6)")
    @app_commands.describe(file="A CSV file with a header: user_id and xp (or level), optionally messages")
    async def xp_import(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        guild = self._admin_guild(interaction)
        if file.size > importer.MAX_BYTES:
            raise BadInput(f"The file is {file.size / 1024 / 1024:.1f} MB; the limit is "
                           f"{importer.MAX_BYTES // 1024 // 1024} MB.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        parsed = importer.parse(await file.read())
        async with self.flush_lock:
            events = await self.write_buffered()  # XP earned before the import is written, then replaced
            async with self.pool.acquire() as conn, conn.transaction():
                created, replaced = await repo.import_rows(conn, guild.id, parsed.rows, self.bot.clock.now())
        await self.celebrate(events)
        source = "levels (converted to XP on MEE6's curve)" if parsed.from_levels else "XP"
        await interaction.followup.send(
            f"📥 Imported the {source} of {len(parsed.rows):,} member(s): {created:,} new, {replaced:,} replaced"
            f"{', with their message counts' if parsed.with_messages else ''}. Level roles follow at each member's "
            "next level-up.", ephemeral=True, allowed_mentions=NONE)

    # --- helpers ----------------------------------------------------------------------------------------------

    def _admin_guild(self, interaction: discord.Interaction) -> discord.Guild:
        """The guild, for a member with Manage Server (Discord hides the group from others, but a crafted
        interaction still arrives)."""
        if not interaction.permissions.manage_guild:
            raise app_commands.MissingPermissions(["manage_guild"])
        assert interaction.guild is not None
        return interaction.guild

    async def _change(self, interaction: discord.Interaction, member: discord.Member, delta: int | None) -> None:
        """Give (`delta` > 0), take (< 0) or reset (None) a member's XP, refusing a change whose level roles the
        admin could not give or take themselves."""
        guild = self._admin_guild(interaction)
        actor = interaction.user
        assert isinstance(actor, discord.Member)
        if member.bot:
            raise UserFacingError("Bots don't earn XP.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        async with self.flush_lock:
            events = await self.write_buffered()  # what they earned so far counts
            before = await repo.xp_of(self.pool, guild.id, member.id)
            after = 0 if delta is None else max(0, before + delta)
            rules = await self.guild_rules(guild.id)
            mode = await self.bot.guild_settings.setting(guild.id, LEVELS_ROLE_MODE)
            self._check_roles(actor, member, rules.role_ids, rules.wanted(curve.level_of(after), mode))
            now = self.bot.clock.now()
            async with self.pool.acquire() as conn, conn.transaction():
                if delta is None:
                    self.forget_guild_pending(guild.id, member.id)
                    await repo.reset_member(conn, guild.id, member.id)
                elif delta > 0:
                    before, after = await repo.add_xp(conn, guild.id, member.id, delta, now)
                else:
                    before, after = await repo.remove_xp(conn, guild.id, member.id, -delta, now)
        await self.celebrate(events)
        old_level, new_level = curve.level_of(before), curve.level_of(after)
        # A level-up goes through the hook like an earned one (without an announcement); any change syncs roles.
        change = await self.celebrate_one(LevelUp(guild.id, member.id, old_level, new_level, after, "give"))
        verb = "Reset" if delta is None else "Gave" if delta > 0 else "Took"
        amount = "" if delta is None else f" {abs(delta):,} XP {'to' if delta > 0 else 'from'}"
        text = f"✅ {verb}{amount} {member.mention}: now {after:,} XP, level {new_level}"
        text += f" (was {old_level})." if new_level != old_level else "."
        if change.added:
            text += " Given: " + ", ".join(role.mention for role in change.added) + "."
        if change.removed:
            text += " Taken away: " + ", ".join(role.mention for role in change.removed) + "."
        if change.refused:
            text += (" Not changed (role safety; the log channel has the reason): "
                     + ", ".join(role.mention for role in change.refused) + ".")
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NONE)

    @staticmethod
    def _check_roles(actor: discord.Member, member: discord.Member, level_roles: set[int],
                     wanted: list[LevelRole]) -> None:
        """Refuse (BadInput) when the change gives or takes a level role `actor` may not hand out themselves."""
        held = {role.id for role in member.roles}
        keep = {role.role_id for role in wanted}
        moving = (keep - held) | ((level_roles & held) - keep)
        for role_id in sorted(moving):
            role = member.guild.get_role(role_id)
            refusal = role_refusal(role, actor, member.guild.me, actor=True) if role is not None else None
            if refusal is not None:
                raise BadInput(f"Nothing changed: this would give or take the level role @{role.name}, and "
                               f"{refusal.reason[0].lower()}{refusal.reason[1:]}")
