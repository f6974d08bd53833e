"""Custom commands: a stage of the message pipeline that answers messages matching a guild's triggers.

Hot path: the guild's commands come from a cache (loaded once, dropped on change in any process through
LISTEN `hearth_custom_commands`); uses are counted in memory and written in batches. A response pings only what
both its author (who last set it) and the member who triggered it may ping in that channel (utils.mentions).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any

import discord

from cogs.custom_commands import repo
from cogs.custom_commands.api import CustomCommandsApi
from cogs.custom_commands.commands import CustomCommandsGroup
from cogs.custom_commands.http import CustomCommandRoutes
from cogs.custom_commands.matching import Command, GuildCommands
from cogs.custom_commands.templates import render
from cogs.custom_commands.uses import UsesBuffer
from core import notify
from core.cog_base import HearthCog
from core.flush_loop import FlushLoop
from core.guild_cache import GuildCache
from core.guild_settings import GuildValues
from core.message_pipeline import ORDER_CUSTOM_COMMANDS, MessageContext, attach
from core.modules import declare
from utils.config_group import add_config_group, remove_config_group
from utils.errors import missing_permission_message
from utils.mentions import allowed_mentions_for, member_or_none

log = logging.getLogger(__name__)
FLUSH_INTERVAL = 10.0
MAX_BACKOFF = 120.0


def template_values(message: discord.Message, command: Command, args: str) -> dict[str, str]:
    """The variables of a response for this message."""
    author = message.author
    return {"user": author.display_name, "user.mention": author.mention, "user.name": author.name,
            "server": message.guild.name if message.guild else "", "channel": message.channel.mention,
            "uses": str(command.uses), "args": args}


class CustomCommandsCog(HearthCog, name="CustomCommands"):
    """Triggers and templated responses; `/config custom_commands …`."""

    pool_size = 1
    module = declare("custom_commands", "Custom commands", docs="custom-commands.md",
                     summary="the server's own commands and auto-replies")

    def __init__(self, bot: Any) -> None:
        super().__init__(bot)
        self.cache: GuildCache[GuildCommands] = GuildCache(self._load_commands)
        self.uses = UsesBuffer()
        self.group: CustomCommandsGroup | None = None
        self.routes: CustomCommandRoutes | None = None
        self.api = CustomCommandsApi(self)  # the one code path of /config custom_commands, the dashboard and /api/v1
        self.flusher = FlushLoop(
            "Custom commands", lambda: self.uses.flush(self.pool), bot.clock, interval=FLUSH_INTERVAL,
            max_backoff=MAX_BACKOFF, backlog=lambda: f"{len(self.uses)} use count(s)",
            dropped=lambda: f"{self.uses.dropped} dropped while the buffer was full")

    async def load(self) -> None:
        await notify.subscribe(self.bot, repo.CHANNEL, self.cache.invalidate_payload, self.cache.mark_stale)
        pipeline = attach(self.bot)
        pipeline.register("custom_commands", self.on_message, order=ORDER_CUSTOM_COMMANDS, module=self.module,
                          wanted=self._has_commands)
        self.cache.on_change = pipeline.replan  # a guild's first command, or its last one gone: planned again
        self.group = CustomCommandsGroup(self)
        add_config_group(self.bot, self.group)
        self.bot.apis.publish(CustomCommandsApi, self.api)
        self.routes = CustomCommandRoutes(self.bot, self.api)
        self.bot.api.include(self.routes.router)
        self.flusher.start()

    async def unload(self) -> None:
        pipeline = getattr(self.bot, "pipeline", None)
        if pipeline is not None:
            pipeline.unregister("custom_commands")
        if self.group is not None:
            remove_config_group(self.bot, self.group.name)
        self.bot.apis.withdraw(CustomCommandsApi, self.api)
        if self.routes is not None:
            self.bot.api.remove(self.routes.router)
        await notify.unsubscribe(self.bot, repo.CHANNEL)
        await self.flusher.stop(timeout=5)

    async def _load_commands(self, guild_id: int) -> GuildCommands:
        rows = await repo.enabled(self.pool, guild_id)
        return GuildCommands([Command.from_row(row, self.uses.pending(guild_id, row["id"])) for row in rows])

    def _has_commands(self, guild_id: int, _settings: GuildValues) -> bool:
        """Whether the stage has a guild's messages to look at (yes while its commands are not in memory yet)."""
        commands = self.cache.peek(guild_id)
        return commands is None or not commands.empty

    def on_message(self, ctx: MessageContext) -> Awaitable[None] | None:
        """Answer a message that triggers one of the guild's commands (hot path: memory only, and no coroutine in a
        guild whose commands are in memory when none matches)."""
        commands = self.cache.peek(ctx.message.guild.id)
        if commands is None:  # the guild's first message: its commands are read once
            return self._answer_after_loading(ctx)
        found = commands.find(ctx.message.content) if not commands.empty else None
        return self._answer(ctx, found) if found is not None else None

    async def _answer_after_loading(self, ctx: MessageContext) -> None:
        commands = await self.cache.get(ctx.message.guild.id)
        found = commands.find(ctx.message.content) if not commands.empty else None
        if found is not None:
            await self._answer(ctx, found)

    async def _answer(self, ctx: MessageContext, found: tuple[Command, str]) -> None:
        message = ctx.message
        command, args = found
        command.uses += 1
        self.uses.add(message.guild.id, command.id)
        ctx.flags["custom_command"] = command.name
        text = render(command.response, template_values(message, command, args))
        # The response's author and the member who triggered it: it pings only what both of them may ping here.
        author = await member_or_none(message.guild, command.response_set_by) if "@" in text else None
        mentions = allowed_mentions_for(text, message.channel, [author, message.author],
                                        replied_user=command.reply_to_user)
        try:
            if command.reply_to_user and not command.delete_trigger:
                await message.reply(text, allowed_mentions=mentions)
            else:
                await message.channel.send(text, allowed_mentions=mentions)
            if command.delete_trigger:
                await message.delete()
                ctx.mark_deleted()
        except discord.Forbidden as exc:
            log.info("Guild %s: custom command %s could not answer: %s", message.guild.id, command.name,
                     missing_permission_message(exc))
        except discord.HTTPException as exc:
            log.warning("Guild %s: custom command %s failed: %s", message.guild.id, command.name, exc)
