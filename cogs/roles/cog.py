"""Self-assign roles: role menus (`menus`, `menu_commands`), reaction roles (`reactions`), autoroles and sticky roles
(`joins`), configured with `/roles …` (Manage Roles).

The hot paths — reactions, joins, leaves, deleted messages — read the guild's configuration from one cache
(`GuildCache`, dropped on change in every process through LISTEN `hearth_roles`). Scheduled work goes through the
timers service: a temporary role's removal and a delayed autorole (both must happen), and the daily retention of
leavers' sticky roles.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord.ext import commands

from cogs.roles import repo, repo_members
from cogs.roles.api import RolesApi
from cogs.roles.commands import RolesGroup
from cogs.roles.desk import Desk
from cogs.roles.grants import RoleChanger
from cogs.roles.joins import AUTOROLE_KIND, Joins
from cogs.roles.menu_editing import MenuEditor
from cogs.roles.menus import TEMPORARY_KIND, MenuService
from cogs.roles.models import GuildRoles
from cogs.roles.reactions import ReactionRoles
from cogs.roles.settings import ROLES_STICKY_DAYS, SETTINGS
from cogs.roles.views import ITEMS
from core import notify
from core.cog_base import HearthCog
from core.guild_cache import GuildCache
from core.modules import declare
from core.retention import LogTable, RetentionJob

log = logging.getLogger(__name__)

LEAVERS = LogTable("role_sticky_members", "left_at", per_guild=True)
RETENTION_KIND = "roles_sticky_retention"


class RolesCog(HearthCog, name="Roles"):
    """Role menus, reaction roles, autoroles and sticky roles; `/roles …`."""

    pool_size = 1  # configuration is cached; writes come from admin commands and grants
    settings = SETTINGS
    module = declare("roles", "Role menus", docs="roles.md", summary="self-assigned roles, auto roles, reaction roles")
    persistent_items = ITEMS

    def __init__(self, bot: Any) -> None:
        super().__init__(bot)
        self.cache: GuildCache[GuildRoles] = GuildCache(self._load)
        self.changer = RoleChanger(bot)
        self.group: RolesGroup | None = None
        self.api: RolesApi | None = None
        self.retention = RetentionJob(self, LEAVERS, kind=RETENTION_KIND, setting=ROLES_STICKY_DAYS)

    async def load(self) -> None:
        self.menus = MenuService(self.bot, self.pool, self.changer)
        self.reactions = ReactionRoles(self.bot, self.cache, self.changer)
        self.joins = Joins(self.bot, self.pool, self.cache, self.changer)
        await notify.subscribe(self.bot, repo.CHANNEL, self.cache.invalidate_payload, self.cache.mark_stale)
        timers = self.bot.timers
        # Both must happen (the timers service's default policy): retried until done, the guild told once.
        timers.register(TEMPORARY_KIND, self.menus.remove_temporary, on_skip=self.menus.remove_temporary,
                         describe=lambda job: f"the end of a temporary role (<@&{job.payload.get('role_id')}>)")
        timers.register(AUTOROLE_KIND, self.joins.run_delayed, on_skip=self.joins.run_delayed,
                        describe=lambda job: f"a delayed autorole of <@{job.payload.get('user_id')}>",
                        switch=self.module.switch)
        await self.retention.start()
        desk = Desk(self.bot, self.pool, self.menus, self.cache)
        self.group = RolesGroup(desk)
        self.bot.tree.add_command(self.group)
        self.api = RolesApi(MenuEditor(desk))
        self.bot.apis.publish(RolesApi, self.api)  # the dashboard's role menus page changes menus through it

    async def unload(self) -> None:
        if self.api is not None:
            self.bot.apis.withdraw(RolesApi, self.api)
        if self.group is not None:
            self.bot.tree.remove_command(self.group.name)
        self.retention.stop()
        self.bot.timers.unregister(TEMPORARY_KIND)
        self.bot.timers.unregister(AUTOROLE_KIND)
        await notify.unsubscribe(self.bot, repo.CHANNEL)

    async def _load(self, guild_id: int) -> GuildRoles:
        async with self.pool.acquire() as conn:
            return await repo_members.guild_roles(conn, guild_id)

    async def _config(self, guild_id: int) -> GuildRoles:
        return self.cache.peek(guild_id) or await self.cache.get(guild_id)

    # --- the menu components' contract (`MenuPicker`) ------------------------------------------------------

    async def pick(self, interaction: discord.Interaction, menu_id: int, role_ids: list[int]) -> None:
        await self.menus.pick(interaction, menu_id, role_ids)

    # --- events --------------------------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        await self.reactions.reacted(payload, added=True)

    @commands.Cog.listener()
    async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        await self.reactions.reacted(payload, added=False)

    @commands.Cog.listener()
    async def on_member_join(self, member: discord.Member) -> None:
        await self.joins.joined(member)

    @commands.Cog.listener()
    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        await self.joins.left(payload.guild_id, payload.user)

    @commands.Cog.listener()
    async def on_hearth_member_verified(self, member: discord.Member) -> None:
        """Verification gave a member its verified role (cogs/verification)."""
        await self.joins.passed(member, "verification")

    @commands.Cog.listener()
    async def on_hearth_onboarding_completed(self, member: discord.Member) -> None:
        """A member completed the onboarding, or came back having completed it (cogs/onboarding)."""
        await self.joins.passed(member, "onboarding")

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        await self._messages_gone(payload.guild_id, {payload.message_id})

    @commands.Cog.listener()
    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        await self._messages_gone(payload.guild_id, set(payload.message_ids))

    async def _messages_gone(self, guild_id: int | None, message_ids: set[int]) -> None:
        """Deleted messages take their reaction roles and menu posts with them (a query only when they had any)."""
        if guild_id is None:
            return
        config = await self._config(guild_id)
        reactions = [m for m in message_ids if m in config.reactions]
        posts = [m for m in message_ids if m in config.posts]
        if not reactions and not posts:
            return
        async with self.pool.acquire() as conn, conn.transaction():
            await repo_members.forget_messages(conn, guild_id, reactions)
            await repo.forget_posts(conn, guild_id, posts)
            await repo.changed(conn, guild_id)
        self.cache.invalidate(guild_id)

    @commands.Cog.listener()
    async def on_guild_role_delete(self, role: discord.Role) -> None:
        """A deleted role leaves every menu, reaction role, autorole and sticky role; posted menus are updated."""
        guild = role.guild
        async with self.pool.acquire() as conn, conn.transaction():
            menus = await repo.menus_with_role(conn, guild.id, role.id)
            await repo.forget_menu_role(conn, guild.id, role.id)
            await repo_members.forget_role(conn, guild.id, role.id)
            await repo.changed(conn, guild.id)
        self.cache.invalidate(guild.id)
        for menu_id in menus:
            for problem in await self.menus.refresh(guild, menu_id):
                log.info("Guild %s: %s", guild.id, problem)
