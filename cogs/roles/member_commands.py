"""`/roles reaction add|remove|list` (reaction roles on an existing message, for communities moving from another
bot), `/roles autorole add|remove|list` (roles on join, after a delay, or after verification or onboarding; members
and bots apart) and `/roles sticky add|remove|list` (roles given back to members who leave and return).

Each role is checked by role safety against the admin configuring it; sticky roles never carry a dangerous
permission, whoever sets them up.
"""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands

from cogs.roles import repo, repo_members
from cogs.roles.desk import RolesSubgroup, admin_of, check_role, manage_roles_warning, reply
from cogs.roles.inputs import LINK_EXAMPLE, parse_duration, parse_emoji
from cogs.roles.joins import AFTER_TEXT
from cogs.roles.models import Autorole, ReactionRole
from core.role_safety import dangerous_permissions
from utils.durations import format_duration
from utils.errors import BadInput, UserFacingError, missing_permission_message
from utils.message_links import parse_message_link
from utils.paginator import Paginator

MAX_REACTIONS_PER_MESSAGE = 20  # Discord: at most 20 different reactions on a message
MAX_REACTION_ROLES = 250
MAX_AUTOROLES = 10  # per target (members, bots)
MAX_STICKY = 25
PAGE = 10
UNKNOWN_EMOJI = 10014
TOO_MANY_REACTIONS = 30010
ReactionMode = Literal["normal", "verify", "drop"]
Target = Literal["members", "bots"]
After = Literal["join", "verification", "onboarding"]


def display_emoji(bot: discord.Client, key: str) -> str:
    """A reaction role's emoji as members see it (a custom emoji that was deleted: by its id)."""
    if key.isdigit():
        emoji = bot.get_emoji(int(key))
        return str(emoji) if emoji else f"(deleted emoji {key})"
    return key


def message_url(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


class ReactionGroup(RolesSubgroup, name="reaction", description="Reaction roles on an existing message"):
    """`/roles reaction …`."""

    async def _message(self, guild: discord.Guild, link_text: str) -> discord.Message:
        link = parse_message_link(link_text, guild.id, example=f"message:{LINK_EXAMPLE}")
        channel = guild.get_channel_or_thread(link.channel_id)
        if not isinstance(channel, discord.TextChannel | discord.Thread | discord.VoiceChannel):
            raise BadInput("I can't find the channel of that message on this server (or I can't see it).")
        try:
            return await channel.fetch_message(link.message_id)
        except discord.NotFound:
            raise BadInput(f"I can't find that message in {channel.mention}: was it deleted?") from None
        except discord.Forbidden as exc:
            raise UserFacingError(missing_permission_message(exc)) from None

    @app_commands.command(name="add", description="Reacting on a message gives a role")
    @app_commands.describe(message="The message's link (right-click it → Copy Message Link)",
                           emoji="The emoji to react with", role="The role it gives",
                           mode="normal: react to get, un-react to lose; verify: react to get; drop: react to lose")
    async def add(self, interaction: discord.Interaction, message: str, emoji: str, role: discord.Role,
                  mode: ReactionMode = "normal") -> None:
        guild = interaction.guild
        assert guild is not None
        check_role(interaction, role)
        choice = parse_emoji(self.desk.bot, emoji, example="emoji:🎮", unicode_checked=False)
        await interaction.response.defer(ephemeral=True, thinking=True)
        target = await self._message(guild, message)
        pool = self.desk.pool
        existing = await repo_members.reaction_emojis(pool, guild.id, target.id)
        if choice.key not in existing:
            if len(existing) >= MAX_REACTIONS_PER_MESSAGE:
                raise BadInput(f"A message holds at most {MAX_REACTIONS_PER_MESSAGE} different reactions: use "
                               "another message.")
            if await repo_members.count_reactions(pool, guild.id) >= MAX_REACTION_ROLES:
                raise BadInput(f"A server has at most {MAX_REACTION_ROLES} reaction roles: remove some first.")
        try:
            await target.add_reaction(choice.partial)
        except discord.Forbidden as exc:
            raise UserFacingError(missing_permission_message(exc)) from None
        except discord.HTTPException as exc:
            if exc.code == UNKNOWN_EMOJI:
                raise BadInput(f"Discord doesn't know the emoji `{discord.utils.escape_markdown(emoji)[:50]}`: "
                               "type or paste one emoji (like 🎮), or pick a custom emoji of this server.",
                               example="emoji:🎮") from None
            if exc.code == TOO_MANY_REACTIONS:
                raise BadInput("That message already has 20 different reactions, Discord's limit: use another "
                               "message.") from None
            raise
        rule = ReactionRole(0, target.channel.id, target.id, choice.key, role.id, mode, admin_of(interaction).id)
        async with pool.acquire() as conn, conn.transaction():
            await repo_members.save_reaction(conn, guild.id, rule, self.desk.bot.clock.now())
            await repo.changed(conn, guild.id)
        self.desk.forget(guild.id)
        await reply(interaction, f"✅ Reacting with {choice.text} on {target.jump_url} now "
                                 f"{'takes' if mode == 'drop' else 'gives'} {role.mention} ({mode})."
                                 + manage_roles_warning(guild))

    @app_commands.command(name="remove", description="Stop a reaction role (or all of a message's)")
    @app_commands.describe(message="The message's link", emoji="The emoji (leave out: every reaction role of the "
                                                                "message)")
    async def remove(self, interaction: discord.Interaction, message: str, emoji: str | None = None) -> None:
        guild = interaction.guild
        assert guild is not None
        link = parse_message_link(message, guild.id, example=f"message:{LINK_EXAMPLE}")
        key = parse_emoji(self.desk.bot, emoji, example="emoji:🎮", unicode_checked=False).key if emoji else None
        async with self.desk.pool.acquire() as conn, conn.transaction():
            removed = await repo_members.remove_reactions(conn, guild.id, link.message_id, key)
            await repo.changed(conn, guild.id)
        self.desk.forget(guild.id)
        if not removed:
            raise BadInput("That message has no reaction role" + (" with that emoji." if emoji else "."),
                           example="/roles reaction list")
        channel = guild.get_channel_or_thread(link.channel_id)
        # Take the bot's own reactions off (best effort).
        if isinstance(channel, discord.TextChannel | discord.Thread | discord.VoiceChannel):
            for removed_key in removed:
                shown = display_emoji(self.desk.bot, removed_key)
                if not shown.startswith("(deleted"):
                    try:
                        await channel.get_partial_message(link.message_id).remove_reaction(shown, guild.me)
                    except discord.HTTPException:
                        pass
        await reply(interaction, f"✅ Removed {len(removed)} reaction role(s) from "
                                 f"{message_url(guild.id, link.channel_id, link.message_id)}.")

    @app_commands.command(name="list", description="The server's reaction roles")
    async def list_reactions(self, interaction: discord.Interaction) -> None:
        guild = interaction.guild
        assert guild is not None

        async def page(index: int) -> tuple[discord.Embed, int]:
            rows = await repo_members.reaction_page(self.desk.pool, guild.id, index * PAGE, PAGE)
            lines = [f"{display_emoji(self.desk.bot, row['emoji'])} → <@&{row['role_id']}> ({row['mode']}) on "
                     f"{message_url(guild.id, row['channel_id'], row['message_id'])}" for row in rows]
            embed = discord.Embed(title="Reaction roles", colour=discord.Colour.blurple(),
                                  description="\n".join(lines) or "No reaction roles yet: `/roles reaction add`.")
            return embed, await repo_members.count_reactions(self.desk.pool, guild.id)

        await Paginator(interaction.user.id, page, PAGE).send(interaction)


class AutoroleGroup(RolesSubgroup, name="autorole", description="Roles given on join (members and bots apart)"):
    """`/roles autorole …`."""

    @app_commands.command(name="add", description="Give a role to everyone who joins (or passes verification)")
    @app_commands.describe(role="The role", target="New members or new bots", after="On join, or once the member "
                           "passed verification or onboarding", delay="Wait this long first (e.g. 10m, 1d)")
    @app_commands.rename(target="for")
    async def add(self, interaction: discord.Interaction, role: discord.Role, target: Target = "members",
                  after: After = "join", delay: str | None = None) -> None:
        guild = interaction.guild
        assert guild is not None
        check_role(interaction, role)
        if target == "bots" and after != "join":
            raise BadInput("Bots don't go through verification or onboarding: give bots their roles on join.",
                           example="/roles autorole add role:@Bots for:bots")
        seconds = parse_duration(delay, example="delay:10m") if delay else 0
        rule = Autorole(0, role.id, target, after, seconds, admin_of(interaction).id)
        known = any(a.role_id == role.id and a.target == target for a in await self._current(guild.id))
        async with self.desk.pool.acquire() as conn, conn.transaction():
            if not known and await repo_members.count_autoroles(conn, guild.id, target) >= MAX_AUTOROLES:
                raise BadInput(f"A server has at most {MAX_AUTOROLES} autoroles for {target}: remove one first.")
            await repo_members.save_autorole(conn, guild.id, rule)
            await repo.changed(conn, guild.id)
        self.desk.forget(guild.id)
        await reply(interaction, f"✅ {describe(rule, role.mention)}" + manage_roles_warning(guild))

    async def _current(self, guild_id: int) -> tuple[Autorole, ...]:
        return (await self.desk.cache.get(guild_id)).autoroles

    @app_commands.command(name="remove", description="Stop giving a role on join")
    @app_commands.describe(role="The role", target="New members or new bots")
    @app_commands.rename(target="for")
    async def remove(self, interaction: discord.Interaction, role: discord.Role, target: Target = "members") -> None:
        guild = interaction.guild
        assert guild is not None
        async with self.desk.pool.acquire() as conn, conn.transaction():
            found = await repo_members.remove_autorole(conn, guild.id, target, role.id)
            await repo.changed(conn, guild.id)
        self.desk.forget(guild.id)
        if not found:
            raise BadInput(f"{role.mention} is no autorole for {target}.", example="/roles autorole list")
        await reply(interaction, f"✅ New {target} no longer get {role.mention}.")

    @app_commands.command(name="list", description="The server's autoroles")
    async def list_autoroles(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        rules = await self._current(interaction.guild_id)
        lines = [describe(rule, f"<@&{rule.role_id}>") for rule in rules]
        await reply(interaction, "\n".join(lines) or "No autoroles yet: `/roles autorole add`.")


def describe(rule: Autorole, role: str) -> str:
    """An autorole in a sentence."""
    when = "when they join" if rule.after == "join" else f"once they passed {AFTER_TEXT[rule.after]}"
    later = f", {format_duration(rule.delay_seconds)} later" if rule.delay_seconds else ""
    return f"New {rule.target} get {role} {when}{later}."


class StickyGroup(RolesSubgroup, name="sticky", description="Roles given back to members who leave and return"):
    """`/roles sticky …`."""

    @app_commands.command(name="add", description="Give this role back to members who leave and come back")
    @app_commands.describe(role="The role (never one with moderator or admin permissions)")
    async def add(self, interaction: discord.Interaction, role: discord.Role) -> None:
        guild = interaction.guild
        assert guild is not None
        check_role(interaction, role)
        dangerous = dangerous_permissions(role)
        if dangerous:
            raise BadInput(f"{role.mention} carries dangerous permissions ({', '.join(dangerous)}): sticky roles never "
                           "do, so a member who left can't get them back by rejoining.")
        known = role.id in (await self.desk.cache.get(guild.id)).sticky
        async with self.desk.pool.acquire() as conn, conn.transaction():
            if not known and await repo_members.count_sticky(conn, guild.id) >= MAX_STICKY:
                raise BadInput(f"A server has at most {MAX_STICKY} sticky roles: remove one first.")
            await repo_members.add_sticky(conn, guild.id, role.id, admin_of(interaction).id)
            await repo.changed(conn, guild.id)
        self.desk.forget(guild.id)
        await reply(interaction, f"✅ Members who leave with {role.mention} get it back when they return."
                                 + manage_roles_warning(guild))

    @app_commands.command(name="remove", description="Stop giving this role back")
    @app_commands.describe(role="The role")
    async def remove(self, interaction: discord.Interaction, role: discord.Role) -> None:
        guild = interaction.guild
        assert guild is not None
        async with self.desk.pool.acquire() as conn, conn.transaction():
            found = await repo_members.remove_sticky(conn, guild.id, role.id)
            await repo.changed(conn, guild.id)
        self.desk.forget(guild.id)
        if not found:
            raise BadInput(f"{role.mention} is not sticky.", example="/roles sticky list")
        await reply(interaction, f"✅ {role.mention} is no longer given back to returning members.")

    @app_commands.command(name="list", description="The server's sticky roles")
    async def list_sticky(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        config = await self.desk.cache.get(interaction.guild_id)
        roles = " ".join(f"<@&{role_id}>" for role_id in config.sticky)
        await reply(interaction, f"Sticky roles: {roles}" if roles else "No sticky roles yet: `/roles sticky add`.")
