"""`/reminder`: weekly reminders and one-off events (an early reminder at T−offset, an on-time post at T0); and,
through `PersonalMixin`, every member's own reminders (`/remindme`, `/timezone`, "Remind me about this").

Who may manage server reminders: members with Manage Events, or the role in `reminders.manager_role` (checked by
the `/reminder` group alone: personal reminders are for every member).
"""

from __future__ import annotations

import asyncio
import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from cogs.premium.api import premium_of
from cogs.reminders import planner, repo, snooze
from cogs.reminders.personal import PersonalMixin
from cogs.reminders.personal_sender import PersonalSender
from cogs.reminders.posting import reminder_embed, ts
from cogs.reminders.repo import Reminder
from cogs.reminders.schedule import describe_days
from cogs.reminders.sender import ReminderSender
from cogs.reminders.settings import (
    REMINDERS_DEFAULT_CHANNEL,
    REMINDERS_MANAGER_ROLE,
    REMINDERS_PRE_EVENT_MINUTES,
    SETTINGS,
)
from cogs.reminders.watcher import WATCH_ITEMS, WatcherMixin
from cogs.reminders.when import When, parse_when
from core.cog_base import CompositeMetaClass, HearthCog
from core.message_pipeline import ORDER_WATCHER
from core.modules import declare
from core.settings_registry import SYSTEM_TIMEZONE
from gpt.service import LLMService
from utils.errors import BadInput, UserFacingError, permission_name
from utils.mentions import withheld_pings
from utils.message_links import parse_message_link
from utils.options import RowId
from utils.paginator import Paginator

FREE_ACTIVE_LIMIT = 10
PREMIUM_ACTIVE_LIMIT = 100
PAGE = 10
URL = re.compile(r"^https?://\S{1,500}$")
NEEDED = ("view_channel", "send_messages", "embed_links")


class ManagersGroup(app_commands.Group):
    """`/reminder`: for members with Manage Events, or the role in `reminders.manager_role`."""

    async def interaction_check(self, interaction: discord.Interaction) -> bool:  # type: ignore[override]
        if interaction.permissions.manage_events:
            return True
        role_id = await interaction.client.guild_settings.setting(  # type: ignore[attr-defined]
            interaction.guild_id, REMINDERS_MANAGER_ROLE)
        if role_id and isinstance(interaction.user, discord.Member) and interaction.user.get_role(role_id):
            return True
        raise app_commands.MissingPermissions(["manage_events"])


class RemindersCog(WatcherMixin, PersonalMixin, HearthCog, metaclass=CompositeMetaClass, name="Reminders"):
    """Reminder commands, the embed watcher, personal reminders, and the handlers of their timer jobs.

    The watcher and the personal reminders see the cog through `cogs.reminders.contract`; this class provides what
    they declare."""

    pool_size = 5
    module = declare("reminders", "Reminders", docs="reminders.md",
                     summary="scheduled announcements and personal reminders")
    persistent_items = (*WATCH_ITEMS, *snooze.ITEMS)
    settings = SETTINGS

    reminder = ManagersGroup(name="reminder", description="Reminders and events", guild_only=True)

    def __init__(self, bot: Any) -> None:
        super().__init__(bot)
        self.sender: ReminderSender | None = None
        self.menus: list[app_commands.ContextMenu] = []

    async def load(self) -> None:
        self.sender = ReminderSender(self.bot, self.pool)
        personal = PersonalSender(self.bot, self.pool)
        # A recurring personal reminder whose delivery keeps failing moves to its next occurrence; a one-off is
        # then dropped (the guild's log channel is told once, without the member's text).
        self.bot.timers.register(planner.PERSONAL_KIND, personal.run, on_skip=personal.skip,
                                 describe=personal.describe, next_occurrence=personal.skip,
                                 switch=self.module.switch)
        self.menus = self.personal_menus()
        for menu in self.menus:
            self.bot.tree.add_command(menu)
        # The embed watcher's fallback parser.
        self.llm = LLMService.from_bot(self.bot, self.pool, premium=premium_of(self.bot))
        # After the last failed attempt the post is lost, never the reminder: the job is handled as a skipped one
        # (a weekly reminder moves to its next occurrence, a finished event is cleaned up, and an early reminder
        # before its event is dropped: its loss is acceptable, the event's own post is a separate job).
        self.bot.timers.register(planner.JOB_KIND, self.sender.run, on_skip=self.sender.skip,
                                 describe=self.sender.describe, next_occurrence=self.sender.skip,
                                 switch=self.module.switch)
        # Other bots' announcements count too (event bots post embeds): include_bots.
        self.bot.pipeline.register("embed_watcher", self.watch_stage, order=ORDER_WATCHER, include_bots=True,
                                   module=self.module, wanted=self.watches_any)

    async def unload(self) -> None:
        for menu in self.menus:
            self.bot.tree.remove_command(menu.name, type=menu.type)
        self.bot.timers.unregister(planner.PERSONAL_KIND)
        self.bot.timers.unregister(planner.JOB_KIND)
        self.bot.pipeline.unregister("embed_watcher")
        await self.llm.close()

    async def create_from_announcement(self, interaction: discord.Interaction, channel_id: int,
                                       message_id: int) -> None:
        """The "Create reminder" button: a one-off reminder for the announcement (replacing an older one)."""
        channel = interaction.guild.get_channel(channel_id)
        try:
            message = await channel.fetch_message(message_id) if isinstance(channel, discord.TextChannel) else None
        except discord.NotFound:
            message = None
        event = await self.spot(message, requested=True) if message is not None else None
        if event is None:
            await interaction.response.edit_message(
                content="The announcement is gone or no longer names an upcoming date and time: nothing created.",
                view=None)
            return
        self._check_channel(channel)
        guild_id = interaction.guild_id
        async with self.pool.acquire() as conn, conn.transaction():
            for old in await repo.by_origin(conn, guild_id, message_id):
                await self.bot.timers.cancel(planner.JOB_KIND, f"{old.id}:", prefix=True, conn=conn)
                await repo.delete(conn, guild_id, old.id)
        await self._check_limit(guild_id)
        pre = await self.bot.guild_settings.setting(guild_id, REMINDERS_PRE_EVENT_MINUTES)
        fields = {"name": event.title, "channel_id": channel_id, "location": event.location,
                  "created_by": interaction.user.id, "message_set_by": interaction.user.id,
                  "origin_channel_id": channel_id, "origin_message_id": message_id,
                  **self._schedule_fields(When(at=event.at), await self._tz(guild_id), pre)}
        saved, next_due = await self._save(guild_id, fields, None)
        await interaction.response.edit_message(
            content=f"✅ {interaction.user.mention} created {self._summary(saved, next_due)}", view=None)

    # --- helpers -----------------------------------------------------------------------------------------

    async def _tz(self, guild_id: int) -> ZoneInfo:
        return ZoneInfo(await self.bot.guild_settings.setting(guild_id, SYSTEM_TIMEZONE))

    def _check_channel(self, channel: discord.TextChannel) -> None:
        me = channel.guild.me
        allowed = channel.permissions_for(me)
        missing = [name for name in NEEDED if not getattr(allowed, name)]
        if missing:
            names = ", ".join(permission_name(p) for p in missing)
            raise BadInput(f"I can't post in {channel.mention}: I'm missing **{names}** there. "
                           "Grant it to my role, or pick another channel.")

    async def _check_texts(self, name: str | None, message: str | None, location: str | None,
                           image: str | None, user_id: int, guild_id: int) -> None:
        if name is not None and not 1 <= len(name.strip()) <= 100:
            raise BadInput("The name must be 1 to 100 characters.", example="/reminder add name:Game night …")
        if message is not None and len(message) > 1900:
            raise BadInput(f"The message is {len(message)} characters; the limit is 1900.")
        if location is not None and len(location) > 200:
            raise BadInput(f"The location is {len(location)} characters; the limit is 200.")
        if image:
            if not URL.match(image):
                raise BadInput("The image must be a web address starting with https://.",
                               example="image:https://example.org/banner.png")
            if not await premium_of(self.bot).is_premium(user_id, guild_id):
                raise UserFacingError("Reminder images are a premium feature. See `/premium` to unlock them.")

    async def _check_limit(self, guild_id: int) -> None:
        premium = await premium_of(self.bot).guild_has_premium(guild_id)
        limit = PREMIUM_ACTIVE_LIMIT if premium else FREE_ACTIVE_LIMIT
        if await repo.count(self.pool, guild_id) >= limit:
            extra = "" if premium else f" Premium servers can have up to {PREMIUM_ACTIVE_LIMIT} (see `/premium`)."
            raise UserFacingError(f"This server already has {limit} reminders, the limit.{extra} "
                                  "Delete one with `/reminder delete` first.")

    def _schedule_fields(self, when: When, tz: ZoneInfo, pre_minutes: int) -> dict[str, Any]:
        if when.recurring:
            return {"days": [str(d) for d in when.days], "time": when.local_time, "call_time": when.local_time,
                    "event_time": None}
        assert when.at is not None
        local = when.at.astimezone(tz)
        early = (when.at - timedelta(minutes=pre_minutes)).astimezone(tz)
        return {"days": [], "time": early.time().replace(tzinfo=None), "call_time": local.time().replace(tzinfo=None),
                "event_time": when.at}

    async def _save(self, guild_id: int, fields: dict[str, Any], reminder_id: int | None) -> tuple[Reminder, Any]:
        """Insert or update the row and replace its jobs, in one transaction."""
        tz = await self._tz(guild_id)
        pre = await self.bot.guild_settings.setting(guild_id, REMINDERS_PRE_EVENT_MINUTES)
        async with self.pool.acquire() as conn, conn.transaction():
            if reminder_id is None:
                saved = await repo.create(conn, guild_id, fields)
            else:
                saved = await repo.update(conn, guild_id, reminder_id, fields)
                if saved is None:
                    raise BadInput(f"There is no reminder #{reminder_id} on this server.", example="/reminder list")
            jobs = planner.plan(saved, tz, self.bot.clock.now(), pre)
            await planner.reschedule(self.bot.timers, conn, saved, jobs)
        self.bot.timers.rearm()  # committed: the dispatcher may now see the new jobs
        return saved, planner.next_due(jobs)

    def _ping_note(self, reminder: Reminder, interaction: discord.Interaction) -> str:
        """Tell the member who set the message what in it will not ping (they may not mention everyone there)."""
        channel = interaction.guild.get_channel(reminder.channel_id)
        if reminder.message_set_by != interaction.user.id or channel is None:
            return ""
        withheld = withheld_pings(reminder.message, channel, interaction.user)
        if not withheld:
            return ""
        return (f"\nℹ️ {', '.join(withheld)} will not ping: you may not mention everyone in {channel.mention}, "
                "and the reminder pings only what its last editor may.")

    def _summary(self, reminder: Reminder, next_due: datetime | None) -> str:
        schedule = (f"{describe_days(reminder.weekdays)} at {reminder.call_time:%H:%M}" if reminder.recurring
                    else f"event at {ts(reminder.event_time)}")
        upcoming = f"next post {ts(next_due)} ({ts(next_due, 'R')})" if next_due else "nothing left to post"
        return f"**#{reminder.id} {discord.utils.escape_markdown(reminder.name)}** in <#{reminder.channel_id}> · " \
               f"{schedule} · {upcoming}"

    # --- commands ----------------------------------------------------------------------------------------

    @reminder.command(name="add", description="Create a weekly reminder or a one-off event")
    @app_commands.describe(name="What it is called", channel="Where to post it (default: reminders.default_channel)",
                           when="e.g. tomorrow 18:00 · in 2h · 2026-12-24 19:00 · every mon,wed 20:30",
                           message="Text posted with it (mentions allowed if you may use them)",
                           from_message="A message link: its text becomes the reminder's message",
                           location="Where the event takes place", image="Image URL (premium)")
    async def add(self, interaction: discord.Interaction, name: str, when: str,
                  channel: discord.TextChannel | None = None, message: str | None = None,
                  from_message: str | None = None, location: str | None = None, image: str | None = None) -> None:
        guild_id = interaction.guild_id
        if from_message is not None:
            if message is not None:
                raise BadInput("Give either `message` or `from_message`, not both.")
            message = await self._text_of_link(interaction, from_message)
        await self._check_texts(name, message, location, image, interaction.user.id, guild_id)
        channel = channel or await self._default_channel(interaction.guild)
        self._check_channel(channel)
        parsed = parse_when(when, await self._tz(guild_id), self.bot.clock.now())
        if parsed.until is not None:
            raise BadInput("Server reminders repeat until deleted: leave out `until`.", example="every mon 20:30")
        await self._check_limit(guild_id)
        pre = await self.bot.guild_settings.setting(guild_id, REMINDERS_PRE_EVENT_MINUTES)
        fields = {"name": name.strip(), "channel_id": channel.id, "message": message, "location": location,
                  "image_url": image, "created_by": interaction.user.id, "message_set_by": interaction.user.id,
                  **self._schedule_fields(parsed, await self._tz(guild_id), pre)}
        saved, next_due = await self._save(guild_id, fields, None)
        await interaction.response.send_message(
            f"✅ Created {self._summary(saved, next_due)}{self._ping_note(saved, interaction)}", ephemeral=True)

    async def _default_channel(self, guild: discord.Guild) -> discord.TextChannel:
        channel_id = await self.bot.guild_settings.setting(guild.id, REMINDERS_DEFAULT_CHANNEL)
        channel = guild.get_channel(channel_id) if channel_id else None
        if not isinstance(channel, discord.TextChannel):
            raise BadInput("Say where to post it (`channel`), or have an admin set a default reminders channel "
                           "with `/config set scope:reminders key:default_channel`.",
                           example="/reminder add name:Game night when:every fri 20:00 channel:#events")
        return channel

    async def _text_of_link(self, interaction: discord.Interaction, link: str) -> str:
        """The text of a linked message of this server that the member may read (its content, else its first
        embed's description)."""
        example = "from_message:https://discord.com/channels/1/2/3"
        where = parse_message_link(link, interaction.guild_id, example=example)
        channel = interaction.guild.get_channel_or_thread(where.channel_id)
        member = interaction.user
        if channel is None or not isinstance(member, discord.Member) or not (
                channel.permissions_for(member).view_channel and channel.permissions_for(member).read_message_history):
            raise BadInput("I can't find that message in a channel you can read.", example=example)
        try:
            found = await channel.fetch_message(where.message_id)
        except discord.NotFound:
            raise BadInput("That message no longer exists.", example=example) from None
        except discord.Forbidden:
            raise UserFacingError(f"I can't read the messages of {channel.mention}: I need **View Channel** and "
                                  "**Read Message History** there.") from None
        text = found.content.strip() or (found.embeds[0].description or "" if found.embeds else "").strip()
        if not text:
            raise BadInput("That message has no text to use.", example=example)
        return text[:1900]

    @reminder.command(name="list", description="This server's reminders")
    async def list_(self, interaction: discord.Interaction) -> None:
        guild_id = interaction.guild_id

        async def page(index: int) -> tuple[discord.Embed, int]:
            # Both reads at once, on two connections: the answer waits for one round trip, not two.
            (reminders, total), jobs = await asyncio.gather(
                repo.page(self.pool, guild_id, PAGE, index * PAGE),
                self.bot.timers.jobs_of_guild(planner.JOB_KIND, guild_id))
            lines = [self._summary(r, min((due for key, due in jobs.items() if key.startswith(f"{r.id}:")),
                                          default=None)) for r in reminders]
            embed = discord.Embed(title="Reminders", colour=discord.Colour.orange(),
                                  description="\n".join(lines) or "No reminders yet: create one with `/reminder add`.")
            return embed, total

        paginator = Paginator(interaction.user.id, page, PAGE)
        await paginator.send(interaction)

    @reminder.command(name="edit", description="Change a reminder (only the options you give)")
    @app_commands.describe(reminder="The reminder (number or name)")
    async def edit(self, interaction: discord.Interaction, reminder: RowId, name: str | None = None,
                   channel: discord.TextChannel | None = None, when: str | None = None, message: str | None = None,
                   location: str | None = None, image: str | None = None) -> None:
        guild_id = interaction.guild_id
        current = await repo.get(self.pool, guild_id, reminder)
        if current is None:
            raise BadInput(f"There is no reminder #{reminder} on this server.", example="/reminder list")
        await self._check_texts(name, message, location, image, interaction.user.id, guild_id)
        fields: dict[str, Any] = {k: v for k, v in {"name": name and name.strip(), "message": message,
                                                    "location": location, "image_url": image}.items() if v}
        if channel is not None:
            self._check_channel(channel)
            fields["channel_id"] = channel.id
        if when is not None:
            parsed = parse_when(when, await self._tz(guild_id), self.bot.clock.now())
            pre = await self.bot.guild_settings.setting(guild_id, REMINDERS_PRE_EVENT_MINUTES)
            fields |= self._schedule_fields(parsed, await self._tz(guild_id), pre)
            fields |= {"last_sent_at": None, "sent_message_id": None}
        if not fields:
            raise BadInput("Give at least one thing to change.",
                           example=f"/reminder edit reminder:{reminder} when:20:00")
        if fields.keys() & {"message", "channel_id", "days", "event_time"}:
            # What is posted, where or when: from now on the post pings only what this editor may ping.
            fields["message_set_by"] = interaction.user.id
        saved, next_due = await self._save(guild_id, fields, reminder)
        await interaction.response.send_message(
            f"✅ Updated {self._summary(saved, next_due)}{self._ping_note(saved, interaction)}", ephemeral=True)

    @reminder.command(name="delete", description="Delete a reminder")
    async def delete(self, interaction: discord.Interaction, reminder: RowId) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            found = await repo.get(conn, interaction.guild_id, reminder)
            if found is None:
                raise BadInput(f"There is no reminder #{reminder} on this server.", example="/reminder list")
            await self.bot.timers.cancel(planner.JOB_KIND, f"{reminder}:", prefix=True, conn=conn)
            await repo.delete(conn, interaction.guild_id, reminder)
        await interaction.response.send_message(f"🗑️ Deleted reminder #{reminder} ({found.name}).", ephemeral=True)

    @reminder.command(name="test", description="Show a reminder as it will be posted (only to you)")
    async def test(self, interaction: discord.Interaction, reminder: RowId) -> None:
        found = await repo.get(self.pool, interaction.guild_id, reminder)
        if found is None:
            raise BadInput(f"There is no reminder #{reminder} on this server.", example="/reminder list")
        phase = "repeat" if found.recurring else "pre"
        moment = found.event_time or self.bot.clock.now()
        image = bool(found.image_url) and await premium_of(self.bot).is_premium(found.created_by or 0,
                                                                                interaction.guild_id)
        await interaction.response.send_message(
            content=found.message or None, embed=reminder_embed(found, phase, moment, image=image), ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none())

    @edit.autocomplete("reminder")
    @delete.autocomplete("reminder")
    @test.autocomplete("reminder")
    async def _reminder_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice]:
        found = await repo.search(self.pool, interaction.guild_id, current.strip())
        return [app_commands.Choice(name=f"#{r.id} {r.name}"[:100], value=r.id) for r in found]

    # --- reacting to settings --------------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_hearth_settings_changed(self, guild_id: int, keys: list[tuple[str, str]]) -> None:
        """A new time zone or early-reminder offset moves every pending post of the guild."""
        if ("system", "timezone") not in keys and ("reminders", "pre_event_minutes") not in keys:
            return
        reminders, _ = await repo.page(self.pool, guild_id, 10_000, 0)
        tz = await self._tz(guild_id)
        pre = await self.bot.guild_settings.setting(guild_id, REMINDERS_PRE_EVENT_MINUTES)
        async with self.pool.acquire() as conn, conn.transaction():
            for reminder in reminders:
                await planner.reschedule(self.bot.timers, conn, reminder,
                                         planner.plan(reminder, tz, self.bot.clock.now(), pre))
        self.bot.timers.rearm()
