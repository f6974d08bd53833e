"""`/config verification …`: setup, the panel and the open verifications, for admins (Manage Server, checked at
run time: Discord ignores default permissions on subcommands).

The group is attached under the config cog's `/config` group when the verification cog loads (and detached
when it unloads), so the command is `/config verification panel`.
"""

from __future__ import annotations

import discord
from discord import app_commands

from cogs.premium.api import premium_of
from cogs.verification import repo
from cogs.verification.desk import LABELS, NONE
from cogs.verification.settings import VERIFICATION_INSTRUCTIONS, VERIFICATION_MAX_PAYMENT_AGE_DAYS
from cogs.verification.views import VerifyButton
from core.guild_kit import find_log_channel
from core.setting_values import set_checked
from utils.config_group import AdminConfigGroup
from utils.errors import BadInput, UserFacingError, permission_name

PANEL_NEEDS = ("view_channel", "send_messages", "embed_links")


class VerificationCommands(AdminConfigGroup, name="verification", description="Payment verification (admins)"):
    """The `/config verification` subgroup; `self.cog` is the verification cog."""

    @app_commands.command(name="setup", description="The verified role, reviewers, where channels and logs go")
    @app_commands.describe(verified_role="Role granted to verified members", reviewer_role="Role that reviews "
                           "(default: the server's staff role)", category="Category for verification channels",
                           log_channel="Where reviews and results go (default: the server's log channel)",
                           max_payment_age_days="How old a payment may be for automatic verification (default 35)")
    async def setup(self, interaction: discord.Interaction, verified_role: discord.Role | None = None,
                    reviewer_role: discord.Role | None = None, category: discord.CategoryChannel | None = None,
                    log_channel: discord.TextChannel | None = None,
                    max_payment_age_days: app_commands.Range[int, 1, 366] | None = None) -> None:
        guild = interaction.guild
        assert guild is not None
        desk = self.cog.desk
        values = {"verified_role": verified_role and verified_role.id,
                  "reviewer_role": reviewer_role and reviewer_role.id, "category": category and category.id,
                  "log_channel": log_channel and log_channel.id,
                  "max_payment_age_days": max_payment_age_days}
        # The same checks as /config set (role safety for the verified role, never @everyone), all or nothing.
        await set_checked(self.cog.bot, guild, interaction.user, "verification", values)
        role = await desk.verified_role(guild)
        reviewers = await desk.reviewer_role(guild)
        lines = [f"✅ Verified members get {role.mention}." if role else "Verified role: not set yet."]
        lines.append(f"Reviewers: {reviewers.mention}." if reviewers else
                     "⚠️ No reviewer role (`reviewer_role:` or `system.staff_role`): only members with Manage Server "
                     "can review, and they don't see verification channels unless they are admins.")
        _, target = await find_log_channel(self.cog.bot, guild, "verification")
        lines.append(f"Reviews and results go to {target.mention}." if target else
                     "⚠️ No log channel: reviews are only posted in the verification channels.")
        max_age = await desk.bot.guild_settings.setting(guild.id, VERIFICATION_MAX_PAYMENT_AGE_DAYS)
        lines.append(f"Payments up to {max_age} days old are verified automatically.")
        lines += [f"⚠️ {problem}" for problem in await desk.setup_problems(guild)]
        if not await premium_of(self.cog.bot).guild_has_premium(guild.id):
            lines.append("⚠️ Verification is a premium feature: members can't start one until the server has "
                         "premium.")
        await interaction.response.send_message("\n".join(lines), ephemeral=True, allowed_mentions=NONE)

    @app_commands.command(name="panel", description="Post the \"Verify\" panel in a channel")
    @app_commands.describe(channel="Where to post it (default: here)", title="Panel title", text="Panel text")
    async def panel(self, interaction: discord.Interaction, channel: discord.TextChannel | None = None,
                    title: app_commands.Range[str, 1, 200] | None = None,
                    text: app_commands.Range[str, 1, 2000] | None = None) -> None:
        guild = interaction.guild
        assert guild is not None
        if not await premium_of(self.cog.bot).guild_has_premium(guild.id):
            raise UserFacingError("Verification is a premium feature, and this server has no active premium. "
                                  "See `/premium`.")
        target = channel or interaction.channel
        if not isinstance(target, discord.TextChannel):
            raise BadInput("Pick a text channel for the panel.", example="/config verification panel channel:#verify")
        problems = await self.cog.desk.setup_problems(guild)
        if await self.cog.desk.verified_role(guild) is None:
            raise UserFacingError(" ".join(problems))
        allowed = target.permissions_for(guild.me)
        lacking = [permission_name(p) for p in PANEL_NEEDS if not getattr(allowed, p)]
        if lacking:
            raise UserFacingError(f"I can't post in {target.mention}: I'm missing **{', '.join(lacking)}** there.")
        requirements = await self.cog.desk.bot.guild_settings.setting(guild.id, VERIFICATION_INSTRUCTIONS)
        embed = discord.Embed(title=title or "Verify your membership", colour=discord.Colour.green(), description=(
            text or "Paid for a membership? Press **Verify**: you get a private channel where you upload a screenshot "
                    "of your payment, and you receive your role as soon as it is checked."))
        if requirements:
            embed.add_field(name="What counts", value=requirements[:1024], inline=False)
        await target.send(embed=embed, view=VerifyButton.view_of(), allowed_mentions=NONE)
        notes = [f"✅ Panel posted in {target.mention}.", *(f"⚠️ {p}" for p in problems)]
        await interaction.response.send_message("\n".join(notes), ephemeral=True, allowed_mentions=NONE)

    @app_commands.command(name="open", description="The verifications that are still open")
    async def open_(self, interaction: discord.Interaction) -> None:
        guild_id = interaction.guild_id
        assert guild_id is not None
        rows = await repo.open_list(self.cog.pool, guild_id)
        lines = [f"**#{v.id}** <@{v.user_id}> · {LABELS[v.status]} · <#{v.channel_id}> · "
                 f"{discord.utils.format_dt(v.created_at, 'R')}" for v in rows]
        embed = discord.Embed(title="Open verifications", colour=discord.Colour.green(),
                              description="\n".join(lines) or "None: every verification is resolved.")
        await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=NONE)
