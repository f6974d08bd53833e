"""Personal reminders: `/remindme add|list|delete`, `/timezone set|show`, the "Remind me about this" message menu
and the Snooze buttons' action. A mixin of the reminders cog (it sees the cog through `contract.MixinMeta`).

Any member may use them; each member sees and deletes only their own. Times are read in the member's own time
zone (`/timezone set`), the server's (`system.timezone`) until they set one. A member may have
`reminders.personal_free_limit` reminders waiting (premium on this server: `reminders.personal_premium_limit`).
"""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

import discord
from discord import app_commands

from cogs.premium.api import premium_of
from cogs.reminders import personal_repo
from cogs.reminders.contract import MixinMeta, SnoozeTarget
from cogs.reminders.personal_repo import NewReminder, PersonalReminder
from cogs.reminders.planner import PERSONAL_KIND
from cogs.reminders.posting import ts
from cogs.reminders.schedule import describe_rule, local_to_utc, next_in_rule, weekly_rule
from cogs.reminders.settings import REMINDERS_PERSONAL_FREE_LIMIT, REMINDERS_PERSONAL_PREMIUM_LIMIT
from cogs.reminders.when import parse_when
from core.persistent_items import ReportingModal
from core.settings_registry import SYSTEM_TIMEZONE, timezone_names
from utils.errors import BadInput, UserFacingError
from utils.options import RowId
from utils.paginator import Paginator

PAGE = 10
TEXT_MAX = 1000
SNOOZES = {"10m": timedelta(minutes=10), "1h": timedelta(hours=1)}
SNOOZE_MORNING = time(9, 0)
WHEN_EXAMPLE = "/remindme add when:tomorrow 9am text:Call the dentist"


class RemindForm(ReportingModal, title="Remind me about this"):
    """When (and an optional note) for a reminder about one message."""

    what = "a reminder form"
    when: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="When", placeholder="in 2 hours · tomorrow 9am · every mon 8:00", max_length=100, custom_id="when")
    note: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Note (optional)", required=False, max_length=500, style=discord.TextStyle.paragraph, custom_id="note")

    def __init__(self, cog: PersonalMixin, message: discord.Message) -> None:
        super().__init__()
        self.cog, self.message = cog, message

    async def on_submit(self, interaction: discord.Interaction) -> None:  # type: ignore[override]
        excerpt = self.message.content.strip()[:300] or "this message"
        text = self.note.value.strip() or excerpt
        await self.cog.create_personal(interaction, self.when.value, text, "dm",
                                       origin=(self.message.channel.id, self.message.id))


class PersonalMixin(MixinMeta, SnoozeTarget):
    """The personal reminders' commands and actions, mixed into the reminders cog."""

    remindme = app_commands.Group(name="remindme", description="Your own reminders, by DM or here", guild_only=True)
    timezone = app_commands.Group(name="timezone", description="Your own time zone, for your reminders",
                                  guild_only=True)

    def personal_menus(self) -> list[app_commands.ContextMenu]:
        """The "Remind me about this" message menu (any member, in servers)."""
        menu = app_commands.ContextMenu(name="Remind me about this", callback=self.remind_about_message)
        menu.guild_only = True
        return [menu]

    async def remind_about_message(self, interaction: discord.Interaction, message: discord.Message) -> None:
        """Open the form asking when (and an optional note)."""
        await interaction.response.send_modal(RemindForm(self, message))

    # --- shared ------------------------------------------------------------------------------------------

    async def zone_of(self, user_id: int, guild_id: int | None) -> ZoneInfo:
        """The member's own time zone, else the server's."""
        own = await personal_repo.timezone_of(self.pool, user_id)
        if own is None and guild_id is not None:
            own = await self.bot.guild_settings.setting(guild_id, SYSTEM_TIMEZONE)
        return ZoneInfo(own or "UTC")

    async def _quota(self, guild_id: int, user_id: int) -> tuple[int, str]:
        """The member's limit here, and what the refusal adds (how premium would raise it)."""
        free = await self.bot.guild_settings.setting(guild_id, REMINDERS_PERSONAL_FREE_LIMIT)
        paid = await self.bot.guild_settings.setting(guild_id, REMINDERS_PERSONAL_PREMIUM_LIMIT)
        premium = await premium_of(self.bot).is_premium(user_id, guild_id)
        limit = max(free, paid) if premium else free
        extra = "" if premium or paid <= free else f" With premium you can have up to {paid} (see `/premium`)."
        return limit, extra

    async def _check_quota(self, conn: Any, guild_id: int, user_id: int, limit: int, extra: str) -> None:
        """Refuse when the member already has `limit` reminders waiting (inside the creating transaction)."""
        await personal_repo.lock_member(conn, guild_id, user_id)
        if await personal_repo.count_active(conn, guild_id, user_id) < limit:
            return
        raise UserFacingError(
            f"You already have {limit} reminders waiting on this server, the limit.{extra} To free a slot, delete "
            "one with `/remindme delete` (see them with `/remindme list`), or wait until one has been delivered.")

    def _check_here(self, interaction: discord.Interaction) -> None:
        channel = interaction.channel
        if not isinstance(channel, discord.TextChannel | discord.Thread):
            raise BadInput("I can only remind you here in a text channel; pick `where: dm`.")
        if not interaction.permissions.send_messages:
            raise BadInput(f"You may not send messages in {channel.mention}, so I won't remind you there. "
                           "Pick `where: dm`.")
        mine = channel.permissions_for(channel.guild.me)
        if not (mine.view_channel and mine.send_messages and mine.embed_links):
            raise BadInput(f"I can't post in {channel.mention} (I need View Channel, Send Messages and Embed Links "
                           "there). Pick `where: dm`.")

    async def create_personal(self, interaction: discord.Interaction, when: str, text: str, where: str,
                              origin: tuple[int, int] | None = None) -> None:
        """Read `when` in the member's zone, check the quota, save the reminder and schedule it; answer privately."""
        text = text.strip()
        if not 1 <= len(text) <= TEXT_MAX:
            raise BadInput(f"The text must be 1 to {TEXT_MAX} characters.", example=WHEN_EXAMPLE)
        if where == "here":
            self._check_here(interaction)
        guild_id, user_id, now = interaction.guild_id, interaction.user.id, self.bot.clock.now()
        assert guild_id is not None  # the commands and the menu are guild-only
        tz = await self.zone_of(user_id, guild_id)
        parsed = parse_when(when, tz, now)
        rule = weekly_rule(parsed.days, parsed.local_time or time(0), tz, parsed.until) if parsed.recurring else None
        next_at = next_in_rule(rule, tz, now) if rule else parsed.at
        if next_at is None:
            raise BadInput("That schedule ends before it would remind you even once.", example=WHEN_EXAMPLE)
        limit, extra = await self._quota(guild_id, user_id)
        new = NewReminder(guild_id, user_id, text, where, interaction.channel_id, tz.key, rule, next_at,
                          *(origin or (None, None)))
        async with self.pool.acquire() as conn, conn.transaction():
            await self._check_quota(conn, guild_id, user_id, limit, extra)
            made = await personal_repo.create(conn, new, now)
            await self.bot.timers.schedule(guild_id, PERSONAL_KIND, f"{made.id}:due", next_at,
                                           {"reminder_id": made.id, "phase": "due"}, conn=conn)
        self.bot.timers.rearm()
        how = "by DM" if where == "dm" else f"in <#{interaction.channel_id}>"
        repeat = f", then {describe_rule(rule)} ({tz.key})" if rule else ""
        await interaction.response.send_message(
            f"⏰ Reminder #{made.id}: I'll remind you {how} {ts(next_at)} ({ts(next_at, 'R')}){repeat}.",
            ephemeral=True)

    # --- /remindme -----------------------------------------------------------------------------------------

    @remindme.command(name="add", description="Remind me: in 2 hours, tomorrow 9am, every Monday 8:00 until March")
    @app_commands.describe(when="e.g. in 2 hours · tomorrow 9am · every mon 8:00 until March (your time zone)",
                           text="What to remind you of", where="By DM (default) or in this channel")
    async def remindme_add(self, interaction: discord.Interaction, when: str, text: str,
                           where: Literal["dm", "here"] = "dm") -> None:
        await self.create_personal(interaction, when, text, where)

    @remindme.command(name="list", description="Your reminders on this server")
    async def remindme_list(self, interaction: discord.Interaction) -> None:
        guild_id, user_id = interaction.guild_id, interaction.user.id

        async def page(index: int) -> tuple[discord.Embed, int]:
            found, total = await personal_repo.page(self.pool, guild_id, user_id, PAGE, index * PAGE)
            embed = discord.Embed(title="Your reminders", colour=discord.Colour.orange(), description="\n".join(
                self._line(r) for r in found) or "No reminders waiting: add one with `/remindme add`.")
            return embed, total

        await Paginator(user_id, page, PAGE).send(interaction)

    @staticmethod
    def _line(reminder: PersonalReminder) -> str:
        how = "DM" if reminder.deliver == "dm" else f"<#{reminder.channel_id}>"
        repeat = f" · {describe_rule(reminder.rule)}" if reminder.rule else ""
        text = discord.utils.escape_markdown(reminder.text.replace("\n", " "))[:80]
        return f"**#{reminder.id}** {ts(reminder.next_at, 'f')} ({ts(reminder.next_at, 'R')}) · {how}{repeat} — {text}"

    @remindme.command(name="delete", description="Delete one of your reminders")
    @app_commands.describe(reminder="Your reminder (number or text)")
    async def remindme_delete(self, interaction: discord.Interaction, reminder: RowId) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            if not await personal_repo.delete_own(conn, interaction.guild_id, reminder, interaction.user.id):
                raise BadInput(f"You have no reminder #{reminder} on this server.", example="/remindme list")
            await self.bot.timers.cancel(PERSONAL_KIND, f"{reminder}:", prefix=True, conn=conn)
        await interaction.response.send_message(f"🗑️ Deleted your reminder #{reminder}.", ephemeral=True)

    @remindme_delete.autocomplete("reminder")
    async def _own_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[int]]:
        found = await personal_repo.search(self.pool, interaction.guild_id, interaction.user.id, current.strip())
        return [app_commands.Choice(name=f"#{r.id} {r.text}"[:100], value=r.id) for r in found]

    # --- /timezone -----------------------------------------------------------------------------------------

    @timezone.command(name="set", description="Set your own time zone (for your reminders, in every server)")
    @app_commands.describe(zone="An IANA time zone, e.g. Europe/Brussels or America/New_York")
    async def timezone_set(self, interaction: discord.Interaction, zone: str) -> None:
        if zone not in timezone_names(zone, limit=10_000):
            raise BadInput(f"`{zone[:60]}` is not a time zone I know: pick one from the list.",
                           example="/timezone set zone:Europe/Brussels")
        await personal_repo.set_timezone(self.pool, interaction.user.id, zone, self.bot.clock.now())
        local = self.bot.clock.now().astimezone(ZoneInfo(zone))
        await interaction.response.send_message(
            f"🕒 Your time zone is now **{zone}** (it is {local:%H:%M} there). Reminders you set from now on use it.",
            ephemeral=True)

    @timezone_set.autocomplete("zone")
    async def _zone_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=name, value=name) for name in timezone_names(current.strip())]

    @timezone.command(name="show", description="Show the time zone your reminders use")
    async def timezone_show(self, interaction: discord.Interaction) -> None:
        own = await personal_repo.timezone_of(self.pool, interaction.user.id)
        zone = await self.zone_of(interaction.user.id, interaction.guild_id)
        local = self.bot.clock.now().astimezone(zone)
        where = "your own" if own else "this server's (set yours with `/timezone set`)"
        await interaction.response.send_message(
            f"🕒 Your reminders use **{zone.key}**, {where}; it is {local:%H:%M} there.", ephemeral=True)

    # --- snoozing ------------------------------------------------------------------------------------------

    async def snooze(self, interaction: discord.Interaction, guild_id: int, reminder_id: int, choice: str) -> None:
        """The Snooze buttons: deliver the reminder again later, for its owner only."""
        reminder = await personal_repo.get(self.pool, guild_id, reminder_id)
        if reminder is None:
            raise UserFacingError("This reminder was deleted, so there is nothing to snooze.")
        if reminder.user_id != interaction.user.id:
            raise UserFacingError("Only the member who set this reminder can snooze it.")
        now = self.bot.clock.now()
        if choice in SNOOZES:
            until = now + SNOOZES[choice]
        else:
            tz = await self.zone_of(reminder.user_id, guild_id)
            until = local_to_utc(now.astimezone(tz).date() + timedelta(days=1), SNOOZE_MORNING, tz)
        async with self.pool.acquire() as conn, conn.transaction():
            await personal_repo.snooze(conn, guild_id, reminder_id, until)
            await self.bot.timers.schedule(guild_id, PERSONAL_KIND, f"{reminder_id}:snooze", until,
                                           {"reminder_id": reminder_id, "phase": "snooze"}, conn=conn)
        self.bot.timers.rearm()
        await interaction.response.send_message(f"😴 Snoozed: I'll remind you again {ts(until)} ({ts(until, 'R')}).",
                                                ephemeral=True)


