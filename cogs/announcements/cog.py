"""`/announce post|list|cancel` and `/embed create|edit`: posts for members with Manage Messages in the target
channel, mention-safe (cogs/announcements/pings.py), now or later through the timers service (kind `announcement`,
waiting while the module is off; exactly once across restarts: the row is deleted when posted). `/embed edit`
changes only embeds posted with `/embed create` (recorded in `posted_embeds`), never another feature's panel or log."""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

import discord
from discord import app_commands

from cogs.announcements import repo
from cogs.announcements.embeds import EmbedBuilder, form_of
from cogs.announcements.pings import pings_for, refuse_pings
from cogs.reminders.when import parse_when
from core.cog_base import HearthCog
from core.guild_kit import post_to_log
from core.modules import declare
from core.settings_registry import SYSTEM_TIMEZONE
from core.timers import Job
from utils.errors import DATABASE_ERRORS, BadInput, UserFacingError, permission_name
from utils.members import find_member
from utils.message_links import parse_message_link
from utils.options import RowId
from utils.paginator import Paginator

KIND = "announcement"
MESSAGE_LIMIT = 1900  # leaves room for the pings before it within Discord's 2000
TEXT_NEEDS = ("view_channel", "send_messages")
EMBED_NEEDS = ("view_channel", "send_messages", "embed_links")
PAGE = 10
LINK_EXAMPLE = "/embed edit message_link:https://discord.com/channels/123456789012345678/234567890123456789/3456789"

log = logging.getLogger(__name__)

Target = discord.TextChannel | discord.Thread


def bot_missing(channel: Target, needs: tuple[str, ...]) -> list[str]:
    """The permissions among `needs` the bot lacks in `channel`, by Discord's names."""
    allowed = channel.permissions_for(channel.guild.me)
    return [permission_name(flag) for flag in needs if not getattr(allowed, flag)]


def require_bot(channel: Target, needs: tuple[str, ...]) -> None:
    """Refuse with what the bot is missing in `channel`."""
    missing = bot_missing(channel, needs)
    if missing:
        raise UserFacingError(f"I can't post in {channel.mention}: I'm missing **{', '.join(missing)}** there. "
                              "Grant it to my role (or fix the channel's overrides), or pick another channel.")


def require_manage_messages(member: discord.Member, channel: Target) -> None:
    """Only members with Manage Messages in the target channel post there through the bot."""
    if not channel.permissions_for(member).manage_messages:
        raise UserFacingError(f"You need the **Manage Messages** permission in {channel.mention} to post there "
                              "through me.")


class AnnouncementsCog(HearthCog, name="Announcements"):
    """Announcements and embeds posted by the bot for staff."""

    pool_size = 1
    module = declare("announcements", "Announcements", docs="announcements.md",
                     summary="staff posts with /announce and /embed")

    announce = app_commands.Group(name="announce", description="Post an announcement, now or later",
                                  guild_only=True)
    embed = app_commands.Group(name="embed", description="Build and post an embed, or edit one I posted",
                               guild_only=True)

    async def load(self) -> None:
        assert self.module is not None
        self.bot.timers.register(KIND, self._post_due, on_skip=self._skipped, give_up=True,
                                 switch=self.module.switch,
                                 describe=lambda job: f"announcement #{job.key}")

    async def unload(self) -> None:
        self.bot.timers.unregister(KIND)

    # --- /announce ---------------------------------------------------------------------------------------

    @announce.command(name="post", description="Post a message in a channel, now or at a time you give")
    @app_commands.describe(channel="Where to post", message="The text (it pings nobody by itself)",
                           when="When to post it, in the server's time zone (e.g. tomorrow 18:00, in 2h); empty: now",
                           ping_role="A role to ping (if you may mention it)",
                           ping_everyone="Ping @everyone (needs your Mention Everyone there)")
    async def post(self, interaction: discord.Interaction, channel: Target,
                   message: app_commands.Range[str, 1, MESSAGE_LIMIT], when: str | None = None,
                   ping_role: discord.Role | None = None, ping_everyone: bool = False) -> None:
        assert isinstance(interaction.user, discord.Member) and interaction.guild is not None
        require_manage_messages(interaction.user, channel)
        refuse_pings(interaction.user, channel, ping_role, ping_everyone)
        require_bot(channel, TEXT_NEEDS)
        if when is None or not when.strip():
            pings = pings_for(interaction.user, channel, ping_role, ping_everyone)
            sent = await channel.send(pings.content(message), allowed_mentions=pings.allowed)
            await interaction.response.send_message(f"✅ Posted in {channel.mention}: {sent.jump_url}",
                                                    ephemeral=True)
            return
        due = await self._moment(interaction.guild.id, when)
        async with self.pool.acquire() as conn, conn.transaction():
            saved = await repo.create(conn, interaction.guild.id, channel.id, interaction.user.id, message,
                                      ping_role.id if ping_role else None, ping_everyone, due)
            await self.bot.timers.schedule(interaction.guild.id, KIND, str(saved.id), due, conn=conn)
        self.bot.timers.rearm()
        await interaction.response.send_message(
            f"🗓️ Announcement **#{saved.id}** will be posted in {channel.mention} {_at(due)}. "
            "`/announce list` shows it, `/announce cancel` withdraws it.", ephemeral=True)

    async def _moment(self, guild_id: int, text: str) -> datetime:
        tz = ZoneInfo(await self.bot.guild_settings.setting(guild_id, SYSTEM_TIMEZONE))
        parsed = parse_when(text, tz, self.bot.clock.now())
        if parsed.at is None:
            raise BadInput("An announcement is posted once: give one moment, not a repeating schedule "
                           "(for repeating posts use /reminder).", example="/announce post when:tomorrow 18:00 …")
        return parsed.at

    @announce.command(name="list", description="The announcements waiting to be posted")
    async def list_scheduled(self, interaction: discord.Interaction) -> None:
        waiting = await self._visible(interaction)
        if not waiting:
            await interaction.response.send_message("No announcement is waiting to be posted.", ephemeral=True)
            return
        lines = [_line(a) for a in waiting]

        async def page(index: int) -> tuple[discord.Embed, int]:
            chunk = "\n".join(lines[index * PAGE:(index + 1) * PAGE])
            return discord.Embed(title="Scheduled announcements", description=chunk[:4000],
                                 colour=discord.Colour.blurple()), len(lines)

        await Paginator(interaction.user.id, page, PAGE).send(interaction)

    @announce.command(name="cancel", description="Withdraw a scheduled announcement")
    @app_commands.describe(announcement="The announcement's number (from /announce list)")
    async def cancel(self, interaction: discord.Interaction, announcement: RowId) -> None:
        assert interaction.guild is not None and isinstance(interaction.user, discord.Member)
        found = await repo.get(self.pool, interaction.guild.id, announcement)
        if found is None:
            raise BadInput(f"There is no scheduled announcement #{announcement} (posted already, or cancelled). "
                           "`/announce list` shows the waiting ones.")
        channel = interaction.guild.get_channel_or_thread(found.channel_id)
        if channel is not None and not channel.permissions_for(interaction.user).manage_messages:
            raise UserFacingError(f"You need the **Manage Messages** permission in {channel.mention} to cancel "
                                  "an announcement for it.")
        async with self.pool.acquire() as conn, conn.transaction():
            deleted = await repo.delete(conn, interaction.guild.id, found.id)
            await self.bot.timers.cancel(KIND, str(found.id), conn=conn)
        if not deleted:
            raise BadInput(f"Announcement #{found.id} was just posted or cancelled.")
        await interaction.response.send_message(f"🗑️ Announcement #{found.id} is cancelled; it won't be posted.",
                                                ephemeral=True)

    @cancel.autocomplete("announcement")
    async def _announcement_choices(self, interaction: discord.Interaction,
                                    current: str) -> list[app_commands.Choice[int]]:
        wanted = current.strip().lstrip("#").lower()
        found = await self._visible(interaction)
        return [app_commands.Choice(name=f"#{a.id} {a.content}"[:100], value=a.id) for a in found
                if wanted in f"{a.id} {a.content}".lower()][:25]

    async def _visible(self, interaction: discord.Interaction) -> list[repo.Announcement]:
        """The guild's waiting announcements for channels where the member has Manage Messages (or whose channel
        is gone)."""
        guild, member = interaction.guild, interaction.user
        if guild is None or not isinstance(member, discord.Member):
            return []
        visible = []
        for found in await repo.scheduled(self.pool, guild.id):
            channel = guild.get_channel_or_thread(found.channel_id)
            if channel is None or channel.permissions_for(member).manage_messages:
                visible.append(found)
        return visible

    async def _skipped(self, job: Job) -> datetime | None:
        """Too late to be news (the bot was down past the server's grace): forget it; the timers service tells the
        log channel which jobs it skipped."""
        await repo.delete(self.pool, job.guild_id, int(job.key))
        return None

    async def _post_due(self, job: Job) -> datetime | None:
        """Post a scheduled announcement with the pings its author may still make; a ping they lost is left out
        and the log channel told. The row goes once posted, so a retry after a restart posts nothing twice."""
        found = await repo.get(self.pool, job.guild_id, int(job.key))
        guild = self.bot.get_guild(job.guild_id)
        if found is None or guild is None:
            return None
        channel = guild.get_channel_or_thread(found.channel_id)
        if not isinstance(channel, discord.TextChannel | discord.Thread):
            await repo.delete(self.pool, guild.id, found.id)
            await post_to_log(self.bot, guild, what="an announcement problem",
                              content=f"⚠️ Announcement #{found.id} was not posted: its channel no longer exists.")
            return None
        missing = bot_missing(channel, TEXT_NEEDS)
        if missing:
            await repo.delete(self.pool, guild.id, found.id)
            await post_to_log(self.bot, guild, what="an announcement problem", content=(
                f"⚠️ Announcement #{found.id} was not posted in {channel.mention}: I'm missing "
                f"**{', '.join(missing)}** there."))
            return None
        author = await find_member(guild, found.author_id)
        role = guild.get_role(found.ping_role_id) if found.ping_role_id else None
        pings = pings_for(author, channel, role, found.ping_everyone)
        await channel.send(pings.content(found.content), allowed_mentions=pings.allowed)
        await repo.delete(self.pool, guild.id, found.id)
        if pings.withheld:
            who = f"<@{found.author_id}>" if found.author_id else "its author (no longer known)"
            await post_to_log(self.bot, guild, what="an announcement without its ping", content=(
                f"ℹ️ Announcement #{found.id} was posted in {channel.mention} without pinging "
                f"{', '.join(pings.withheld)}: {who} may no longer ping that there."))
        return None

    # --- /embed ------------------------------------------------------------------------------------------

    @embed.command(name="create", description="Build an embed in a form and post it")
    @app_commands.describe(channel="Where to post the embed")
    async def embed_create(self, interaction: discord.Interaction, channel: Target) -> None:
        assert isinstance(interaction.user, discord.Member)
        require_manage_messages(interaction.user, channel)
        require_bot(channel, EMBED_NEEDS)

        async def submit(answer: discord.Interaction, built: discord.Embed) -> None:
            assert isinstance(answer.user, discord.Member)
            require_manage_messages(answer.user, channel)  # again: the form may have been open for a while
            require_bot(channel, EMBED_NEEDS)
            sent = await channel.send(embed=built, allowed_mentions=discord.AllowedMentions.none())
            try:
                await repo.record_embed(self.pool, channel.guild.id, channel.id, sent.id, answer.user.id,
                                        self.bot.clock.now())
            except DATABASE_ERRORS:
                log.warning("Guild %s: embed %s posted but not recorded (database unavailable)", channel.guild.id,
                            sent.id)
                await answer.response.send_message(f"✅ Posted in {channel.mention}: {sent.jump_url}\n"
                                                   "⚠️ The database was unavailable, so `/embed edit` will not be "
                                                   "able to change this one; post it again later to edit it.",
                                                   ephemeral=True)
                return
            await answer.response.send_message(f"✅ Posted in {channel.mention}: {sent.jump_url}", ephemeral=True)

        await interaction.response.send_modal(EmbedBuilder(submit))

    @embed.command(name="edit", description="Change an embed I posted on this server")
    @app_commands.describe(message_link="The message's link (right-click it → Copy Message Link)")
    async def embed_edit(self, interaction: discord.Interaction, message_link: str) -> None:
        assert interaction.guild is not None and isinstance(interaction.user, discord.Member)
        link = parse_message_link(message_link, interaction.guild.id, example=LINK_EXAMPLE)
        channel = interaction.guild.get_channel_or_thread(link.channel_id)
        if not isinstance(channel, discord.TextChannel | discord.Thread):
            raise BadInput("That message's channel no longer exists (or I can't see it).", example=LINK_EXAMPLE)
        require_manage_messages(interaction.user, channel)
        try:
            message = await channel.fetch_message(link.message_id)
        except discord.NotFound:
            await repo.forget_embed(self.pool, interaction.guild.id, link.message_id)
            raise BadInput("That message no longer exists.", example=LINK_EXAMPLE) from None
        if message.author.id != self.bot.user.id:
            raise UserFacingError("I can only edit my own messages, and that one was posted by someone else.")
        if not await repo.is_posted_embed(self.pool, interaction.guild.id, message.id):
            # Panels, case logs and other features' posts are theirs to change, not a free-form embed.
            raise UserFacingError("I can only edit embeds that were posted with `/embed create`; that message "
                                  "belongs to another feature (a panel, a log entry…). Change it where it was made.")
        if not message.embeds:
            raise UserFacingError("That message of mine has no embed to edit.")

        async def submit(answer: discord.Interaction, built: discord.Embed) -> None:
            assert isinstance(answer.user, discord.Member) and isinstance(channel, discord.TextChannel | discord.Thread)
            require_manage_messages(answer.user, channel)
            await message.edit(embed=built, allowed_mentions=discord.AllowedMentions.none())
            await answer.response.send_message(f"✅ Embed updated: {message.jump_url}", ephemeral=True)

        await interaction.response.send_modal(EmbedBuilder(submit, form_of(message.embeds[0])))


def _at(moment: datetime) -> str:
    unix = int(moment.timestamp())
    return f"<t:{unix}:F> (<t:{unix}:R>)"


def _line(found: repo.Announcement) -> str:
    pings = " ".join(p for p in ("@everyone" if found.ping_everyone else "",
                                 f"<@&{found.ping_role_id}>" if found.ping_role_id else "") if p)
    text = discord.utils.escape_markdown(found.content.replace("\n", " "))
    short = text if len(text) <= 80 else text[:79] + "…"
    return f"**#{found.id}** {_at(found.due_at)} in <#{found.channel_id}>{' ' + pings if pings else ''}: {short}"
