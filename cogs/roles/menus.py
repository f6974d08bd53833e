"""Role menus at work: a member's pick (by the menu's rules, role safety on each role given, temporary roles
scheduled), posting a menu, and keeping every posted message in step with the menu.

A temporary role's removal is a timers job (`TEMPORARY_KIND`, key `<guild>:<member>:<role>`, must happen: retried
until done): scheduled when the role is given, moved when it is picked again, cancelled when the member drops it.
The timers service claims a job in one process only and deletes it once it ran, so the role is removed once,
across restarts and processes.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from datetime import timedelta
from typing import Any

import discord

from cogs.roles import repo
from cogs.roles.grants import Grant, Outcome, RoleChanger
from cogs.roles.models import Menu
from cogs.roles.rules import plan
from cogs.roles.views import menu_embed, menu_view
from core.timers import Job
from utils.cooldowns import Cooldown
from utils.errors import UserFacingError

log = logging.getLogger(__name__)

TEMPORARY_KIND = "roles_temporary"
PICKS_PER_WINDOW = 5  # role changes a member may ask for …
PICK_WINDOW = 10.0  # … per this many seconds (each change is a Discord call)
NONE = discord.AllowedMentions.none()


def temporary_key(guild_id: int, user_id: int, role_id: int) -> str:
    """The timers key of a temporary role's removal."""
    return f"{guild_id}:{user_id}:{role_id}"


class MenuService:
    """Picks, posts and edits of role menus (one per cog, with the cog's pool)."""

    def __init__(self, bot: Any, pool: Any, changer: RoleChanger) -> None:
        self.bot = bot
        self.pool = pool
        self.changer = changer
        self.cooldown = Cooldown(PICKS_PER_WINDOW, PICK_WINDOW, bot.clock, what="role changes")
        # One pick per member at a time (a guild's clicks all reach the process holding its shard): two quick
        # clicks in a limit or unique menu are judged one after the other, each on the member's roles as Discord
        # has them then (read again: a click's own copy of the member is from before the other click).
        self._locks: weakref.WeakValueDictionary[tuple[int, int], asyncio.Lock] = weakref.WeakValueDictionary()

    # --- a member's pick ---------------------------------------------------------------------------------------

    async def pick(self, interaction: discord.Interaction, menu_id: int, role_ids: list[int]) -> None:
        """Change the member's roles by the menu's rules and tell them privately what happened."""
        guild, member = interaction.guild, interaction.user
        assert guild is not None and isinstance(member, discord.Member)  # `RolesItem.usable`
        self.cooldown.hit((guild.id, member.id))
        await interaction.response.defer(ephemeral=True, thinking=True)
        menu = await repo.menu_by_id(self.pool, guild.id, menu_id)
        if menu is None:
            raise UserFacingError("This role menu no longer exists.")
        if menu.required_role_id and member.get_role(menu.required_role_id) is None:
            raise UserFacingError(f"You need the <@&{menu.required_role_id}> role to use this menu.")
        lock = self._locks.setdefault((guild.id, member.id), asyncio.Lock())
        async with lock:
            try:
                member = await guild.fetch_member(member.id)
            except discord.NotFound:
                raise UserFacingError("You're no longer on this server.") from None
            lines = await self._apply(menu, member, role_ids)
        await interaction.followup.send("\n".join(lines) or "Nothing changed.", ephemeral=True, allowed_mentions=NONE)

    async def _apply(self, menu: Menu, member: discord.Member, role_ids: list[int]) -> list[str]:
        """Give and take the member's roles by the menu's rules; what to tell them."""
        guild = member.guild
        wanted = plan(menu, {role.id for role in member.roles}, role_ids)
        outcome = Outcome()
        grants, gone = [], []
        for role_id in wanted.add:
            role = guild.get_role(role_id)
            option = menu.option(role_id)
            if role is None or option is None:
                gone.append(role_id)
                continue
            grants.append(Grant(role, option.added_by, f"the role menu **{menu.name}**"))
        reason = f"Role menu {menu.name}"
        await self.changer.give(member, grants, reason=reason, outcome=outcome)
        await self.changer.take(member, [role for role_id in wanted.remove if (role := guild.get_role(role_id))],
                                reason=reason, outcome=outcome)
        await self._schedule_removals(menu, member, outcome)
        lines = outcome.member_lines() + wanted.notes
        lines += [f"The role with id {role_id} no longer exists; the admins can update this menu." for role_id in gone]
        if menu.mode == "temporary" and outcome.given and menu.duration_seconds:
            ends = self.bot.clock.now() + timedelta(seconds=menu.duration_seconds)
            lines.append(f"⏳ It will be removed {discord.utils.format_dt(ends, 'R')}.")
        return lines

    async def _schedule_removals(self, menu: Menu, member: discord.Member, outcome: Outcome) -> None:
        """A temporary menu's roles are removed after its duration; a dropped one needs no removal any more."""
        timers, guild_id = self.bot.timers, member.guild.id
        for role in outcome.taken:
            await timers.cancel(TEMPORARY_KIND, temporary_key(guild_id, member.id, role.id))
        if menu.mode != "temporary" or not menu.duration_seconds:
            return
        due = self.bot.clock.now() + timedelta(seconds=menu.duration_seconds)
        for role in outcome.given:
            await timers.schedule(guild_id, TEMPORARY_KIND, temporary_key(guild_id, member.id, role.id), due,
                                  {"user_id": member.id, "role_id": role.id, "menu": menu.name})

    async def remove_temporary(self, job: Job) -> None:
        """The timers handler: take the temporary role back (once). A Discord refusal raises, so the job is tried
        again later (and the guild told) until the role is gone."""
        guild = self.bot.get_guild(job.guild_id)
        if guild is None:
            return None  # the bot left the server
        role = guild.get_role(int(job.payload["role_id"]))
        member = guild.get_member(int(job.payload["user_id"]))
        if member is None:
            try:
                member = await guild.fetch_member(int(job.payload["user_id"]))
            except discord.NotFound:
                return None  # they left: the role went with them
        if role is None or member.get_role(role.id) is None:
            return None
        await member.remove_roles(role, reason=f"Temporary role from the role menu {job.payload.get('menu', '')}"[:512])
        return None

    # --- posts -------------------------------------------------------------------------------------------------

    async def post(self, menu: Menu, channel: discord.TextChannel) -> discord.Message:
        """Post the menu in `channel` and remember the message."""
        message = await channel.send(embed=menu_embed(menu), view=menu_view(menu), allowed_mentions=NONE)
        async with self.pool.acquire() as conn, conn.transaction():
            await repo.add_post(conn, menu.guild_id, menu.id, channel.id, message.id)
            await repo.changed(conn, menu.guild_id)
        return message

    async def refresh(self, guild: discord.Guild, menu_id: int) -> list[str]:
        """Edit every message the menu is posted in to show it as it is now; problems in words. Messages that were
        deleted are forgotten."""
        menu = await repo.menu_by_id(self.pool, guild.id, menu_id)
        if menu is None:
            return []
        problems, gone = [], []
        for post in await repo.posts(self.pool, guild.id, menu_id):
            channel = guild.get_channel(post["channel_id"])
            if not isinstance(channel, discord.TextChannel):
                gone.append(post["message_id"])
                continue
            try:
                await channel.get_partial_message(post["message_id"]).edit(embed=menu_embed(menu),
                                                                           view=menu_view(menu))
            except discord.NotFound:
                gone.append(post["message_id"])
            except discord.HTTPException as exc:
                problems.append(f"I couldn't update the menu in {channel.mention} (Discord answered {exc.status}).")
        if gone:
            async with self.pool.acquire() as conn, conn.transaction():
                await repo.forget_posts(conn, guild.id, gone)
                await repo.changed(conn, guild.id)
        return problems

    async def delete_posts(self, guild: discord.Guild, posts: list[Any]) -> int:
        """Delete a deleted menu's messages (those still there); how many went."""
        deleted = 0
        for post in posts:
            channel = guild.get_channel(post["channel_id"])
            if not isinstance(channel, discord.TextChannel):
                continue
            try:
                await channel.get_partial_message(post["message_id"]).delete()
                deleted += 1
            except discord.HTTPException as exc:
                log.info("Guild %s: could not delete role menu message %s: %s", guild.id, post["message_id"], exc)
        return deleted
