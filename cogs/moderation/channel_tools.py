"""The channel tools of moderation: `/purge`, `/slowmode`, `/lock` and `/unlock` (a mixin of the moderation cog).

Every tool checks the member's own permission in the channel it acts on (Manage Messages to purge, Manage Channels
for slowmode, Manage Channels and Manage Roles to lock), then the bot's, and logs the action to the moderation log
(`moderation.log_channel`, else `system.log_channel`). The mixin sees the cog through
`channel_tools_contract.ChannelToolsMeta` (`bot`, `pool`).
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from cogs.moderation import locks, locks_repo, purge
from cogs.moderation.channel_checks import audit_reason, log_action, mentions, missing, require_bot, require_member
from cogs.moderation.channel_tools_contract import ChannelToolsMeta
from core.settings_registry import InvalidSettingValue, SettingSpec, SettingType, parse_value
from utils.errors import BadInput, UserFacingError

PURGE_MEMBER = ("manage_messages", "read_message_history")
PURGE_BOT = ("view_channel", "manage_messages", "read_message_history")
SLOWMODE_NEEDS = ("manage_channels",)
LOCK_MEMBER = ("manage_channels", "manage_roles")
LOCK_BOT = ("view_channel", "manage_channels", "manage_roles")
SLOWMODE_MAX = 6 * 3600  # Discord's limit: 21600 seconds
_DURATION = SettingSpec("moderation", "slowmode", SettingType.DURATION, None, "")
_OFF = {"0", "off", "none", "no", "disable", "disabled"}
Reason = app_commands.Range[str, 1, 400]


def slowmode_seconds(text: str) -> int:
    """'30s', '5m', '2h', '1h 30m', '0' or 'off' → seconds (0 to 6 hours); BadInput otherwise."""
    if text.strip().lower() in _OFF:
        return 0
    try:
        seconds = parse_value(_DURATION, text)
    except InvalidSettingValue:
        raise BadInput(f"`{text[:50]}` is not a duration.", example="/slowmode duration:30s") from None
    if seconds > SLOWMODE_MAX:
        raise BadInput("Slowmode goes up to 6 hours (Discord's limit).", example="/slowmode duration:6h")
    return seconds


def duration_words(seconds: int) -> str:
    """21600 → '6 h', 90 → '1 min 30 s'."""
    parts = [(seconds // 3600, "h"), (seconds % 3600 // 60, "min"), (seconds % 60, "s")]
    return " ".join(f"{n} {unit}" for n, unit in parts if n) or "0 s"


class ChannelTools(ChannelToolsMeta):
    """/purge, /slowmode, /lock and /unlock; mixed into the moderation cog."""

    # --- /purge -------------------------------------------------------------------------------------------

    @app_commands.command(name="purge", description="Delete recent messages in this channel")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_messages=True)
    @app_commands.describe(
        count="How many matching messages to delete (1–1000)", user="Only messages from this member",
        bots="Only messages from bots", contains="Only messages containing this text",
        attachments="Only messages with attachments", links="Only messages with links",
        before="Only messages before this one (id or link)", after="Only messages after this one (id or link)",
        reason="Why (for the moderation log and Discord's audit log)")
    async def purge(self, interaction: discord.Interaction, count: app_commands.Range[int, 1, purge.MAX_COUNT],
                    user: discord.User | None = None, bots: bool = False,
                    contains: app_commands.Range[str, 1, 200] | None = None, attachments: bool = False,
                    links: bool = False, before: str | None = None, after: str | None = None,
                    reason: Reason | None = None) -> None:
        channel: Any = interaction.channel
        if not hasattr(channel, "delete_messages"):
            raise UserFacingError("Purge works in a server's text channels and threads.")
        require_member(interaction.permissions, PURGE_MEMBER, f"in {channel.mention}", "purge messages")
        require_bot(interaction.app_permissions, PURGE_BOT, f"in {channel.mention}", "purge messages")
        wanted = purge.PurgeFilter(user.id if user else None, bots, contains, attachments, links)
        before_id = purge.message_id(before, channel, "before")
        after_id = purge.message_id(after, channel, "after")
        if before_id is not None and after_id is not None and after_id >= before_id:
            raise BadInput("`after` must be an older message than `before`.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = purge.PurgeResult()
        found = await purge.collect(channel, wanted, count, before=before_id, after=after_id, result=result)

        async def progress(done: int, total: int) -> None:
            await interaction.edit_original_response(content=f"🧹 Deleting… {done}/{total}")

        await purge.delete(channel, found, now=purge.discord_now(interaction), result=result, progress=progress,
                           reason=audit_reason(interaction.user, reason))
        answer = purge.summary(result, channel, wanted)
        if result.deleted:
            answer += await log_action(self.bot, interaction.guild, title="🧹 Messages purged",
                                       moderator=interaction.user, reason=reason, fields={
                                           "Channel": channel.mention, "Deleted": str(result.deleted),
                                           "Filter": wanted.describe() or "none"})
        await interaction.edit_original_response(content=answer)

    # --- /slowmode ----------------------------------------------------------------------------------------

    @app_commands.command(name="slowmode", description="Set how often members may post in a channel")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_channels=True)
    @app_commands.describe(duration="Time between two messages of a member: 30s, 5m, 2h (up to 6h), or 0/off",
                           channel="The channel (default: this one)", reason="Why (for the moderation log)")
    async def slowmode(self, interaction: discord.Interaction, duration: app_commands.Range[str, 1, 30],
                       channel: discord.TextChannel | None = None, reason: Reason | None = None) -> None:
        target = self._text_channel(interaction, channel)
        require_member(target.permissions_for(interaction.user), SLOWMODE_NEEDS, f"in {target.mention}",
                       "change its slowmode")
        require_bot(target.permissions_for(target.guild.me), ("view_channel", *SLOWMODE_NEEDS),
                    f"in {target.mention}", "change its slowmode")
        seconds = slowmode_seconds(duration)
        await target.edit(slowmode_delay=seconds, reason=audit_reason(interaction.user, reason))
        answer = (f"🐢 Slowmode in {target.mention}: one message every **{duration_words(seconds)}** per member."
                  if seconds else f"Slowmode is off in {target.mention}.")
        answer += await log_action(self.bot, target.guild, title="🐢 Slowmode", moderator=interaction.user,
                                   reason=reason, fields={"Channel": target.mention,
                                                          "Delay": duration_words(seconds) if seconds else "off"})
        await interaction.response.send_message(answer, ephemeral=True)

    # --- /lock and /unlock --------------------------------------------------------------------------------

    @app_commands.command(name="lock", description="Stop members from posting in a channel, or in every channel")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_channels=True, manage_roles=True)
    @app_commands.describe(channel="The channel (default: this one)",
                           server="Lock every text channel I can manage instead", reason="Why (for the log)")
    async def lock(self, interaction: discord.Interaction, channel: discord.TextChannel | None = None,
                   server: bool = False, reason: Reason | None = None) -> None:
        targets = self._lock_targets(interaction, channel, server, "lock")
        await interaction.response.defer(ephemeral=True, thinking=True)
        done = [target for target in targets if await self._lock_one(target, interaction.user, reason)]
        skipped = len(targets) - len(done)
        answer = (f"🔒 Locked {mentions(done)}." if done
                  else f"Nothing to lock: {mentions(targets)} {'is' if len(targets) == 1 else 'are'} already locked.")
        if skipped and done:
            answer += f" ({skipped} already locked.)"
        if done:
            answer += await log_action(self.bot, interaction.guild, title="🔒 Channel locked" if not server
                                       else "🔒 Server locked", moderator=interaction.user, reason=reason,
                                       fields={"Channels": mentions(done)}, colour=discord.Colour.red())
        await interaction.edit_original_response(content=answer)

    @app_commands.command(name="unlock", description="Undo /lock: restore a channel's permissions as they were")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_channels=True, manage_roles=True)
    @app_commands.describe(channel="The channel (default: this one)",
                           server="Unlock every channel that /lock locked", reason="Why (for the log)")
    async def unlock(self, interaction: discord.Interaction, channel: discord.TextChannel | None = None,
                     server: bool = False, reason: Reason | None = None) -> None:
        guild = interaction.guild
        if server:
            saved = await locks_repo.locked(self.pool, guild.id)
            for gone in [lock for lock in saved if guild.get_channel(lock.channel_id) is None]:
                await locks_repo.delete(self.pool, guild.id, gone.channel_id)  # deleted channels: nothing to undo
            targets = self._manageable(interaction, [guild.get_channel(lock.channel_id) for lock in saved])
            if not saved:
                raise UserFacingError("No channel is locked by /lock in this server.")
        else:
            targets = self._lock_targets(interaction, channel, False, "unlock")
            if await locks_repo.get(self.pool, guild.id, targets[0].id) is None:
                raise UserFacingError(f"{targets[0].mention} is not locked by /lock: there is nothing to restore.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        done = [target for target in targets if await self._unlock_one(target, interaction.user, reason)]
        answer = f"🔓 Unlocked {mentions(done)}." if done else "Nothing to unlock."
        if done:
            answer += await log_action(self.bot, guild, title="🔓 Channel unlocked" if not server
                                       else "🔓 Server unlocked", moderator=interaction.user, reason=reason,
                                       fields={"Channels": mentions(done)}, colour=discord.Colour.green())
        await interaction.edit_original_response(content=answer)

    # --- helpers ------------------------------------------------------------------------------------------

    @staticmethod
    def _text_channel(interaction: discord.Interaction, channel: discord.TextChannel | None) -> discord.TextChannel:
        target = channel or interaction.channel
        if not isinstance(target, discord.TextChannel):
            raise UserFacingError("Pick a text channel (this command works on text channels).")
        return target

    def _lock_targets(self, interaction: discord.Interaction, channel: discord.TextChannel | None, server: bool,
                      action: str) -> list[discord.TextChannel]:
        """The channel to act on after the member's and the bot's checks, or every text channel both may manage."""
        if not server:
            target = self._text_channel(interaction, channel)
            require_member(target.permissions_for(interaction.user), LOCK_MEMBER, f"in {target.mention}", action)
            require_bot(target.permissions_for(target.guild.me), LOCK_BOT, f"in {target.mention}", action)
            self._require_locked_bits(interaction, action)
            return [target]
        member = interaction.user
        require_member(member.guild_permissions, LOCK_MEMBER, "in this server", f"{action} the server")
        require_bot(interaction.guild.me.guild_permissions, LOCK_MEMBER, "in this server", f"{action} the server")
        self._require_locked_bits(interaction, action)
        targets = self._manageable(interaction, list(interaction.guild.text_channels))
        if not targets:
            raise UserFacingError(f"There is no text channel that both you and I may manage, so nothing to {action}.")
        return targets

    @staticmethod
    def _require_locked_bits(interaction: discord.Interaction, action: str) -> None:
        """Discord lets the bot deny (or allow back) only permissions it holds in the server itself."""
        require_bot(interaction.guild.me.guild_permissions, tuple(flag for flag, on in locks.LOCKED if on),
                    "in this server", f"{action} channels (I can only deny permissions I hold myself)")

    @staticmethod
    def _manageable(interaction: discord.Interaction, channels: list[Any]) -> list[discord.TextChannel]:
        """The text channels where both the member and the bot hold what locking needs."""
        me = interaction.guild.me
        return [channel for channel in channels if isinstance(channel, discord.TextChannel)
                and not missing(channel.permissions_for(interaction.user), LOCK_MEMBER)
                and not missing(channel.permissions_for(me), LOCK_BOT)]

    async def _lock_one(self, channel: discord.TextChannel, moderator: discord.abc.User, reason: str | None) -> bool:
        """Save the channel's overwrites (first lock wins), then deny; False when nothing needed changing."""
        previous, changes = locks.plan_lock(channel)
        if not changes:
            return False
        async with self.pool.acquire() as conn, conn.transaction():
            await locks_repo.save(conn, channel.guild.id, channel.id, previous, locked_by=moderator.id,
                                  reason=reason, now=self.bot.clock.now())
        for change in changes:
            await channel.set_permissions(change.role, overwrite=change.overwrite,
                                          reason=audit_reason(moderator, f"lock: {reason or 'no reason given'}"))
        return True

    async def _unlock_one(self, channel: discord.TextChannel, moderator: discord.abc.User,
                          reason: str | None) -> bool:
        """Restore the saved overwrites, then forget the lock; False when the channel was not locked."""
        saved = await locks_repo.get(self.pool, channel.guild.id, channel.id)
        if saved is None:
            return False
        for change in locks.plan_unlock(channel, saved.previous):
            await channel.set_permissions(change.role, overwrite=change.overwrite,
                                          reason=audit_reason(moderator, f"unlock: {reason or 'no reason given'}"))
        await locks_repo.delete(self.pool, channel.guild.id, channel.id)
        return True
