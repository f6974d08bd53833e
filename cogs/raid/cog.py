"""Raid protection: the join-rate detector and its brake, the cross-member mention brake, the alert with its one-click
undo, and `/raid status|end|undo`.

The parts: `watch` (the hot path: joins and the message pipeline stage), `brake` (opening an incident and acting),
`restore` (undo, end, the `raid_end` timers job), `alert` (the log channel message), `views` (the undo button),
`desk` (what they share). Everything the brake does to members is a case in the one case log
(`core.case_log.CaseRecorder`, named "Raid protection").

Who may do what: `/raid status` — Manage Server, Timeout Members or the staff role; `/raid end` — Manage Server (it
may put the verification level and invites back); `/raid undo` and the button — Manage Server for the level and
invites, Timeout Members (and a higher role than the member) for each timeout.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from cogs.raid import alert, repo
from cogs.raid.brake import Brake
from cogs.raid.desk import END_KIND, JOINS, RaidDesk
from cogs.raid.detector import mentions_in
from cogs.raid.restore import NEEDS, Restorer
from cogs.raid.settings import (
    RAID_ENABLED,
    RAID_JOIN_THRESHOLD,
    RAID_JOIN_WINDOW,
    RAID_MENTION_BRAKE,
    RAID_MENTION_MEMBERS,
    RAID_MENTION_THRESHOLD,
    RAID_MENTION_WINDOW,
    RAID_QUIET_PERIOD,
    SETTINGS,
)
from cogs.raid.staff import STAFF
from cogs.raid.views import ITEMS
from cogs.raid.watch import Watch
from core.cog_base import HearthCog
from core.guild_kit import is_staff
from core.guild_settings import GuildValues
from core.message_pipeline import ORDER_CUSTOM_COMMANDS, MessageContext, attach
from utils.durations import format_duration
from utils.errors import UserFacingError
from utils.paginator import Paginator

log = logging.getLogger(__name__)

STAGE = "raid"
# After automod and custom commands, before engagement: a message automod deleted still counts (run_after_delete).
ORDER = ORDER_CUSTOM_COMMANDS + 10
PER_PAGE = 10
IncidentId = app_commands.Range[int, 1, 2**53]
NOT_STAFF = "Only moderators (Timeout Members, Manage Server or the staff role) can see raid protection's status."


class RaidCog(HearthCog, name="Raid"):
    """Raid protection; the undo button sees it as `cogs.raid.contract.RaidActions`."""

    pool_size = 1  # an incident is rare; ordinary joins and messages touch no database
    settings = SETTINGS
    persistent_items = ITEMS

    raid = app_commands.Group(name="raid", description="Raid protection (moderators)", guild_only=True,
                              default_permissions=discord.Permissions(moderate_members=True))

    def __init__(self, bot: Any) -> None:
        super().__init__(bot)
        self.desk: RaidDesk | None = None
        self.brake: Brake
        self.restorer: Restorer
        self.watch: Watch

    async def load(self) -> None:
        self.desk = RaidDesk(self.bot, self.pool)
        self.brake = Brake(self.desk)
        self.restorer = Restorer(self.desk)
        self.watch = Watch(self.desk, self.brake)
        # An incident must end (its quiet period), across restarts: the default policy retries until it does.
        self.bot.timers.register(END_KIND, self.restorer.end_job, on_skip=self.restorer.end_job,
                                 describe=lambda job: f"the end of raid incident #{job.key}")
        attach(self.bot).register(STAGE, self.on_message, order=ORDER, run_after_delete=True, wanted=self.brake_on)

    async def unload(self) -> None:
        pipeline = getattr(self.bot, "pipeline", None)
        if pipeline is not None:
            pipeline.unregister(STAGE)
        self.bot.timers.unregister(END_KIND)

    async def forget_erased_user(self, user_id: int) -> None:
        """GDPR erasure (the tables: cogs/raid/gdpr.py): the detectors' windows (a few seconds of joins and
        mentions) are dropped too."""
        self.watch.joins.forget()
        self.watch.mentions.forget()

    # --- the hot path --------------------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_member_join(self, member: discord.Member) -> None:
        """Count the join, or catch the joiner of a raid that is on."""
        await self.watch.joined(member)

    @staticmethod
    def brake_on(_guild_id: int, settings: GuildValues) -> bool:
        """Whether the guild's messages go through the mention brake (its stage is left out where it is off)."""
        return bool(settings.value(RAID_MENTION_BRAKE))

    def on_message(self, ctx: MessageContext) -> Awaitable[None] | None:
        """The mention brake: only messages that ping someone go further than this (no coroutine for the rest)."""
        message = ctx.message
        if not (message.mentions or message.role_mentions or message.mention_everyone):
            return None
        if not ctx.settings.value(RAID_MENTION_BRAKE):
            return None
        return self._mention_brake(message)

    async def _mention_brake(self, message: discord.Message) -> None:
        member = message.author
        count = mentions_in(message)
        if not count or not isinstance(member, discord.Member):
            return
        if await is_staff(self.bot, STAFF, member):
            return  # staff ping people: that is no wave
        await self.watch.mentioned(member, count)

    # --- the undo button and /raid undo --------------------------------------------------------------------

    @staticmethod
    def _undoer(interaction: discord.Interaction) -> discord.Member:
        """The member undoing, when they hold one of the permissions an undo needs (else refused, nothing done)."""
        clicker = interaction.user
        if not isinstance(clicker, discord.Member) or interaction.guild is None:
            raise UserFacingError("Raid incidents are undone in their server.")
        permissions = clicker.guild_permissions
        if not (permissions.manage_guild or permissions.moderate_members):
            raise UserFacingError(NEEDS)
        return clicker

    async def undo_clicked(self, interaction: discord.Interaction, incident_id: int) -> None:
        """Undo as far as the clicker may; the answer is theirs alone."""
        clicker = self._undoer(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        answer = await self.restorer.undo(clicker.guild, clicker, incident_id)
        await interaction.followup.send(answer, ephemeral=True, allowed_mentions=discord.AllowedMentions.none())

    @raid.command(name="undo", description="Undo what the raid brake did (the alert's button, as a command)")
    @app_commands.describe(incident="The incident number (default: the latest)")
    async def undo_command(self, interaction: discord.Interaction, incident: IncidentId | None = None) -> None:
        guild = self._undoer(interaction).guild
        if incident is None:
            latest = await repo.latest(self.pool, guild.id)
            if latest is None:
                raise UserFacingError("Raid protection has not stepped in on this server yet: nothing to undo.")
            incident = latest.id
        await self.undo_clicked(interaction, incident)

    # --- /raid end -----------------------------------------------------------------------------------------

    @raid.command(name="end", description="End the raid incidents that are on now (admins)")
    async def end_command(self, interaction: discord.Interaction) -> None:
        guild, user = interaction.guild, interaction.user
        assert guild is not None and isinstance(user, discord.Member)
        if not user.guild_permissions.manage_guild:
            raise UserFacingError("Ending a raid incident needs **Manage Server** (ending may put the verification "
                                  "level and invites back): **Timeout Members** is not enough.")
        active = await repo.active(self.pool, guild.id)
        if not active:
            raise UserFacingError("No raid incident is on in this server.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        lines = []
        for incident in active:
            ended = await self.restorer.end(guild.id, incident.id, "ended", user)
            if ended is not None:
                lines.append(f"Incident #{incident.id} ended.")
                lines += [f"• {line}" for line in ended[1]]
        await interaction.followup.send("\n".join(lines or ["It had already ended."])[:2000], ephemeral=True,
                                        allowed_mentions=discord.AllowedMentions.none())

    # --- /raid status --------------------------------------------------------------------------------------

    @raid.command(name="status", description="Raid protection's settings and its latest incident")
    async def status_command(self, interaction: discord.Interaction) -> None:
        guild, user = interaction.guild, interaction.user
        assert guild is not None
        if not isinstance(user, discord.Member) or not await is_staff(self.bot, STAFF, user):
            raise UserFacingError(NOT_STAFF)
        head = await self._detection(guild)
        incident = await repo.latest(self.pool, guild.id)
        if incident is None:
            embed = discord.Embed(title="Raid protection", description=head + "\n\nNo incident yet.",
                                  colour=discord.Colour.blurple())
            await interaction.response.send_message(embed=embed, ephemeral=True)
            return
        members = await repo.members(self.pool, guild.id, incident.id)
        quiet = await self.bot.guild_settings.setting(guild.id, RAID_QUIET_PERIOD)

        async def page(index: int) -> tuple[discord.Embed, int]:
            embed = alert.alert_embed(incident, members, quiet, page=index, per_page=PER_PAGE)
            embed.description = f"{head}\n\n**Latest incident**\n{embed.description or ''}"[:4096]
            return embed, len(members)

        await Paginator(user.id, page, PER_PAGE).send(interaction)

    async def _detection(self, guild: discord.Guild) -> str:
        """What the detectors watch for, in words."""
        setting = self.bot.guild_settings.setting
        gid = guild.id
        if await setting(gid, RAID_ENABLED):
            counted = sum(j.weight for j in self.watch.joins.pending(gid))
            joins = (f"Join detection: **on**: a raid is {await setting(gid, RAID_JOIN_THRESHOLD)} weighted joins "
                     f"within {format_duration(await setting(gid, RAID_JOIN_WINDOW))} (counted now: {counted:g}).")
        else:
            joins = "Join detection: **off** (`/config set scope:raid key:enabled value:true`)."
        if await setting(gid, RAID_MENTION_BRAKE):
            mentions = (f"Mention brake: **on**: {await setting(gid, RAID_MENTION_THRESHOLD)} mentions from "
                        f"{await setting(gid, RAID_MENTION_MEMBERS)} members within "
                        f"{format_duration(await setting(gid, RAID_MENTION_WINDOW))}.")
        else:
            mentions = "Mention brake: **off** (`/config set scope:raid key:mention_brake value:true`)."
        on = await self.desk.on(gid, JOINS) if self.desk is not None else None
        return "\n".join([joins, mentions] + ([f"A raid is on: incident #{on}."] if on else []))
