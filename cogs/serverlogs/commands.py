"""`/config logs …`: where each kind of event is logged, what is left out, and how posting goes (admins: Manage
Server, checked at run time by `AdminConfigGroup` before any input is looked at).

The values are the `logs.*` settings, stored through the same gate as `/config set` (`validate_setting`) and written
in one transaction with their history, so `/config history` and `/config rollback` cover these commands too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from cogs.serverlogs.access import ATTACH_FILES, bold, missing_in
from cogs.serverlogs.kinds import KINDS, Kind
from cogs.serverlogs.settings import (
    LOGS_IGNORE_BOTS,
    LOGS_IGNORE_CHANNELS,
    LOGS_IGNORE_ROLES,
    LOGS_NEW_ACCOUNT_AGE,
    MAX_IGNORED_ROLES,
)
from core.setting_values import validate_setting
from core.settings_registry import InvalidSettingValue, SettingSpec
from utils.config_group import AdminConfigGroup
from utils.durations import format_duration
from utils.errors import BadInput

if TYPE_CHECKING:
    from cogs.serverlogs.batching import ChannelQueue
    from cogs.serverlogs.contract import LogsContract

ALL = "all"
KIND_CHOICES = [app_commands.Choice(name=f"{kind.value}: {info.covers}", value=kind.value)
                for kind, info in KINDS.items()] + [app_commands.Choice(name="all: every kind", value=ALL)]
NONE = discord.AllowedMentions.none()


def _mentions(ids: list[int], prefix: str) -> str:
    return " ".join(f"<{prefix}{i}>" for i in ids) or "none"


class LogsCommands(AdminConfigGroup, name="logs", description="Server event logs (admins)"):
    """The `/config logs` subgroup; `self.cog` is the server log cog."""

    cog: LogsContract

    async def _store(self, interaction: discord.Interaction, items: list[tuple[SettingSpec[Any], Any]]) -> None:
        """Check every value through the settings gate, then store them all in one transaction (None: unset)."""
        guild, member = interaction.guild, interaction.user
        assert guild is not None and isinstance(member, discord.Member)
        checked = []
        for spec, value in items:
            try:
                checked.append((spec, validate_setting(spec, guild, value, member)))
            except InvalidSettingValue as exc:
                raise BadInput(str(exc)) from None
        store = self.cog.bot.guild_settings
        stored = await store.stored(guild.id)
        changes = [(spec, value) for spec, value in checked if stored.get((spec.scope, spec.key)) != value]
        if changes:
            deleting = all(value is None for _, value in changes)
            await store.apply(guild.id, changes, changed_by=member.id, change_type="deleted" if deleting else None)

    @app_commands.command(name="channel", description="Where a kind of event is logged (no channel: stop logging it)")
    @app_commands.describe(kind="Which events (all: every kind)",
                           channel="The log channel; leave it out to stop logging these events")
    @app_commands.choices(kind=KIND_CHOICES)
    async def channel(self, interaction: discord.Interaction, kind: str,
                      channel: discord.TextChannel | None = None) -> None:
        if kind != ALL and kind not in {k.value for k in Kind}:
            raise BadInput(f"`{kind[:50]}` is not a kind of event.", example="/config logs channel kind:messages "
                           "channel:#message-log")
        if channel is not None and (interaction.guild is None or channel.guild.id != interaction.guild.id):
            raise BadInput("Pick a text channel of this server.", example="/config logs channel kind:messages "
                           "channel:#message-log")
        kinds = list(Kind) if kind == ALL else [Kind(kind)]
        await self._store(interaction, [(KINDS[k].spec, channel.id if channel else None) for k in kinds])
        names = ", ".join(k.value for k in kinds)
        if channel is None:
            text = f"Not logging {names} events any more."
        else:
            text = f"✅ {names.capitalize()} events are logged in {channel.mention}."
            missing = missing_in(channel)
            if missing:
                text += (f"\n⚠️ I'm missing {bold(missing)} in {channel.mention}: grant "
                         f"{'it' if len(missing) == 1 else 'them'} to my role, or nothing readable can be posted "
                         "there" + (" (Attach Files: bulk deletions come without their file)."
                                    if missing == [ATTACH_FILES] else "."))
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NONE)

    @app_commands.command(name="ignore", description="Leave a channel, a role or bots out of the logs (or back in)")
    @app_commands.describe(channel="A channel whose messages and threads are not logged",
                           role="Members with this role are not logged (their messages, joins, changes, voice)",
                           bots="Leave bots and webhooks out (yes) or log them (no)",
                           remove="Bring the channel or role back into the logs")
    async def ignore(self, interaction: discord.Interaction, channel: discord.TextChannel | None = None,
                     role: discord.Role | None = None, bots: bool | None = None, remove: bool = False) -> None:
        guild = interaction.guild
        assert guild is not None
        if channel is None and role is None and bots is None:
            raise BadInput("Give a `channel`, a `role` or `bots` to ignore (add `remove:True` to log them again).",
                           example="/config logs ignore channel:#bot-commands")
        if role is not None and role.is_default():
            raise BadInput("Ignoring @everyone would leave every member out of the logs: pick another role.",
                           example="/config logs ignore role:@Bots")
        settings = self.cog.bot.guild_settings
        items: list[tuple[SettingSpec[Any], Any]] = []
        said = []
        if channel is not None:
            current = list(await settings.setting(guild.id, LOGS_IGNORE_CHANNELS) or [])
            updated = [c for c in current if c != channel.id] if remove else list(dict.fromkeys([*current, channel.id]))
            items.append((LOGS_IGNORE_CHANNELS, updated or None))
            said.append(f"{channel.mention} is {'logged again' if remove else 'ignored'}")
        if role is not None:
            current = list(await settings.setting(guild.id, LOGS_IGNORE_ROLES) or [])
            updated = [r for r in current if r != role.id] if remove else list(dict.fromkeys([*current, role.id]))
            if len(updated) > MAX_IGNORED_ROLES:
                raise BadInput(f"At most {MAX_IGNORED_ROLES} roles can be ignored; remove one first.",
                               example="/config logs ignore role:@Old remove:True")
            items.append((LOGS_IGNORE_ROLES, updated or None))
            said.append(f"members with {role.mention} are {'logged again' if remove else 'ignored'}")
        if bots is not None:
            items.append((LOGS_IGNORE_BOTS, bots))
            said.append("bots and webhooks are " + ("ignored" if bots else "logged"))
        await self._store(interaction, items)
        await interaction.response.send_message("✅ " + "; ".join(said) + ".", ephemeral=True, allowed_mentions=NONE)

    @app_commands.command(name="show", description="Where each kind of event is logged, what is ignored, problems")
    async def show(self, interaction: discord.Interaction) -> None:
        guild = interaction.guild
        assert guild is not None
        settings = self.cog.bot.guild_settings
        embed = discord.Embed(title="Server logs", colour=0x3498DB)
        lines = []
        for kind, info in KINDS.items():
            channel_id = await settings.setting(guild.id, info.spec)
            lines.append(f"**{kind.value}** ({info.covers}): " + self._channel_status(guild, channel_id))
        embed.add_field(name="Log channels", value="\n".join(lines)[:1024], inline=False)
        ignored_channels = await settings.setting(guild.id, LOGS_IGNORE_CHANNELS) or []
        ignored_roles = await settings.setting(guild.id, LOGS_IGNORE_ROLES) or []
        bots = await settings.setting(guild.id, LOGS_IGNORE_BOTS)
        embed.add_field(name="Ignored", value=(
            f"Channels: {_mentions(ignored_channels, '#')}\nRoles: {_mentions(ignored_roles, '@&')}\n"
            f"Bots and webhooks: {'ignored' if bots else 'logged'}\n"
            "Never logged: the log channels themselves and the system and moderation log channels.")[:1024],
            inline=False)
        age = await settings.setting(guild.id, LOGS_NEW_ACCOUNT_AGE)
        embed.add_field(name="New accounts", value=f"Flagged when younger than {format_duration(age)}.",
                        inline=False)
        posting = [self._queue_status(q) for q in self.cog.batcher.queues.values() if q.guild_id == guild.id]
        if posting:
            embed.add_field(name="Posting", value="\n".join(posting)[:1024], inline=False)
        await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=NONE)

    def _channel_status(self, guild: discord.Guild, channel_id: int | None) -> str:
        if channel_id is None:
            return "not logged"
        channel = guild.get_channel(channel_id)
        if not isinstance(channel, discord.TextChannel):
            return f"⚠️ <#{channel_id}> no longer exists"
        text = channel.mention
        missing = missing_in(channel)
        if missing:
            text += f" ⚠️ I'm missing {bold(missing)} there"
        block = self.cog.bot.channel_access.blocked(channel.id, channel)
        if block is not None:
            text += " ⚠️ posting paused"
        return text

    @staticmethod
    def _queue_status(queue: ChannelQueue) -> str:
        text = f"<#{queue.channel_id}>: {queue.posted} posted, {len(queue.pending)} waiting"
        if queue.merged:
            text += f", {sum(queue.merged.values())} merged"
        if queue.unposted:
            text += f", ⚠️ {queue.unposted} could not be posted"
        if queue.problem:
            text += f" ({queue.problem})"
        return text
