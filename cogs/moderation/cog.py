"""Moderation: the case log, warnings and notes (`case_commands`), member actions (`member_actions`), context
menus and `/whois`; publishes `ModerationApi` as the `core.case_log.CaseRecorder` so other features (automod)
record cases in the same log.

Who may do what (`checks`): warnings, cases, notes and /whois need a moderation permission (Timeout Members, Kick
Members, Ban Members, Manage Server) or the staff role; each member action needs the moderator's own Discord
permission for it; deleting a case needs Manage Server.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from cogs.moderation import repo
from cogs.moderation.api import ModerationApi
from cogs.moderation.appeals import APPEALABLE, AppealButton, DecideButton
from cogs.moderation.case_commands import NOT_MODERATOR, CaseCommands
from cogs.moderation.cases import TITLES, CaseLog
from cogs.moderation.channel_tools import ChannelTools
from cogs.moderation.checks import MODERATORS, VERBS
from cogs.moderation.external import ExternalActions
from cogs.moderation.http import include_routes
from cogs.moderation.member_actions import TEMPBAN_KIND, MemberActions
from cogs.moderation.menus import MenuActions
from cogs.moderation.settings import MODERATION_DM_ON_ACTION, SETTINGS
from core.case_log import CaseRecorder
from core.cog_base import CompositeMetaClass, HearthCog
from core.guild_kit import StaffRule, is_staff
from core.modules import declare
from utils.errors import UserFacingError

log = logging.getLogger(__name__)

DONE = {"warn": "were warned", "timeout": "were timed out", "kick": "were kicked", "ban": "were banned",
        "tempban": "were banned", "softban": "were kicked (softban: your recent messages were deleted)"}


class ModerationCog(MenuActions, CaseCommands, MemberActions, ExternalActions, ChannelTools,
                    HearthCog, metaclass=CompositeMetaClass, name="Moderation"):
    """Cases, warnings, notes, member actions; the mixins see it as `cogs.moderation.contract.MixinMeta`."""

    pool_size = 3
    settings = SETTINGS
    module = declare("moderation", "Moderation", docs="moderation.md", summary="warns, timeouts, bans and the case log")
    persistent_items = (AppealButton, DecideButton)

    def __init__(self, bot: Any) -> None:
        super().__init__(bot)
        self.api: ModerationApi | None = None
        self.menus: list[app_commands.ContextMenu] = []

    async def load(self) -> None:
        self.cases = CaseLog(self.bot, self.pool)
        self.api = ModerationApi(self.cases)
        self.bot.apis.publish(CaseRecorder, self.api)  # automod records its cases through it
        self.bot.apis.publish(ModerationApi, self.api)  # the dashboard and the REST API read the case log
        self.router = include_routes(self.bot)  # GET /api/v1/guilds/{id}/cases[/{number}] (cogs/moderation/http.py)
        # A tempban must end: retried until the unban is done (the default policy of the timers service).
        self.bot.timers.register(TEMPBAN_KIND, self.lift_tempban, on_skip=self.lift_tempban,
                                 describe=lambda job: f"the end of temporary ban case #{job.payload.get('case')}")
        self.menus = self.context_menus()
        for menu in self.menus:
            self.bot.tree.add_command(menu)

    async def unload(self) -> None:
        for menu in self.menus:
            self.bot.tree.remove_command(menu.name, type=menu.type)
        self.bot.timers.unregister(TEMPBAN_KIND)
        if self.api is not None:
            self.bot.apis.withdraw(CaseRecorder, self.api)
            self.bot.apis.withdraw(ModerationApi, self.api)
            self.bot.api.remove(self.router)

    # --- the contract --------------------------------------------------------------------------------------

    async def require(self, interaction: discord.Interaction, rule: StaffRule, refusal: str) -> discord.Member:
        """The member using the command when `rule` makes them staff; else `UserFacingError(refusal)`."""
        user = interaction.user
        if not isinstance(user, discord.Member) or not await is_staff(self.bot, rule, user):
            raise UserFacingError(refusal)
        return user

    async def tell_member(self, guild: discord.Guild, user: discord.abc.User, action: str, reason: str | None, *,
                          duration: str | None = None) -> str | None:
        """DM the member the action and its reason (when `moderation.dm_on_action` is on); a note for the
        moderator when the DM could not be sent."""
        if not await self.bot.guild_settings.setting(guild.id, MODERATION_DM_ON_ACTION):
            return None
        text = f"You {DONE[action]} in **{discord.utils.escape_markdown(guild.name)}**."
        if duration:
            text += f" It lasts {duration}."
        embed = discord.Embed(title=TITLES[action], description=text, colour=discord.Colour.orange())
        embed.add_field(name="Reason", value=(reason or "no reason given")[:1024])
        # A ban or timeout can be appealed from this DM (`appeals`): it is sent while the bot still reaches them.
        view = AppealButton.view_of(guild.id, user.id) if action in APPEALABLE else discord.utils.MISSING
        try:
            await user.send(embed=embed, view=view, allowed_mentions=discord.AllowedMentions.none())
        except discord.Forbidden:
            return f"Their DMs are closed: they were not told why I had to {VERBS[action]} them."
        except discord.HTTPException as exc:
            return f"The DM to them failed (Discord answered {exc.status})."
        return None

    # --- /whois --------------------------------------------------------------------------------------------

    @app_commands.command(name="whois", description="A member's account age, join date, roles and cases")
    @app_commands.describe(user="The member")
    @app_commands.guild_only()
    @app_commands.default_permissions(moderate_members=True)
    async def whois(self, interaction: discord.Interaction, user: discord.User) -> None:
        await self.require(interaction, MODERATORS, NOT_MODERATOR)
        guild = interaction.guild
        member = user if isinstance(user, discord.Member) else guild.get_member(user.id)
        embed = discord.Embed(title=str(user)[:256], colour=discord.Colour.blurple())
        embed.add_field(name="User", value=f"{user.mention} ({user.id})", inline=False)
        embed.add_field(name="Account created", value=discord.utils.format_dt(user.created_at, "R"))
        if member is not None:
            if member.joined_at:
                embed.add_field(name="Joined", value=discord.utils.format_dt(member.joined_at, "R"))
            roles = [role.mention for role in reversed(member.roles) if not role.is_default()]
            embed.add_field(name=f"Roles ({len(roles)})", value=" ".join(roles)[:1024] or "none", inline=False)
            if member.is_timed_out() and member.timed_out_until:
                embed.add_field(name="Timed out until", value=discord.utils.format_dt(member.timed_out_until))
        else:
            embed.add_field(name="Joined", value="not on this server")
        counts = await repo.counts(self.pool, guild.id, user.id)
        embed.add_field(name="Cases", inline=False, value=", ".join(
            f"{TITLES[kind].lower()}: {counts[kind]}" for kind in TITLES if counts.get(kind)) or "none")
        await interaction.response.send_message(embed=embed, ephemeral=True,
                                                allowed_mentions=discord.AllowedMentions.none())
