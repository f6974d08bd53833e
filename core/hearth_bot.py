"""The bot object: discord.py's `commands.AutoShardedBot` plus Hearth's services, built by one factory.

`create_bot` is used by `bot.py` and by the test suite's Discord stand-in alike, so tests exercise the bot
that runs in production. Cogs are discovered as packages under `cogs/` and loaded by name; a cog that fails
to load is logged and recorded, and the others still load.
"""

from __future__ import annotations

import gc
import logging
import time
import traceback
from datetime import timedelta
from typing import Any

import discord
from discord.ext import commands

from core import gateway_turns, gdpr, message_pipeline, notify
from core.channel_access import ChannelAccess
from core.cog_discovery import discover_cogs, select_cogs
from core.command_rules import NOTIFY_CHANNEL as RULES_CHANNEL
from core.command_rules import CommandRules
from core.command_tree import HearthCommandTree
from core.config import Settings
from core.db import Database
from core.feature_apis import FeatureApis
from core.guild_kit import post_to_log
from core.guild_settings import NOTIFY_CHANNEL as SETTINGS_CHANNEL
from core.guild_settings import GuildSettings
from core.http_api import HttpApi
from core.modules import Modules
from core.role_safety import RoleGrants
from core.settings_registry import SYSTEM_LATE_JOB_GRACE, SettingsRegistry, system_settings
from core.timers import NOTIFY_CHANNEL as TIMERS_CHANNEL
from core.timers import TimerService, skipped_summary
from utils.clock import Clock

log = logging.getLogger(__name__)

VERSION = "0.1.0"
_heap_frozen = False  # `HearthBot._freeze_heap` ran in this process


def default_intents() -> discord.Intents:
    """Guilds, members, messages with content, reactions: the privileged ones must be enabled in the portal."""
    intents = discord.Intents.default()
    intents.members = True
    intents.message_content = True
    return intents


class HearthBot(commands.AutoShardedBot):
    """The running bot: configuration, database, settings registry and the loaded cogs.

    It is an `AutoShardedBot`: with `shard_count` / `shard_ids` (SHARD_COUNT / SHARD_IDS) it opens one gateway
    connection per shard it holds; without them discord.py asks Discord for the recommended shard count
    (`GET /gateway/bot`) and holds every shard. Several processes can split the shards of one bot; the timers
    dispatcher then only runs jobs of guilds on this process's shards (see `TimerService.set_shards`).
    """

    # Its `on_message` runs the message pipeline (core/message_pipeline.py): one task per message is all it starts
    # (discord.py starts one per `on_message` listener), and text commands are parsed only when some exist.
    pipeline_is_on_message = True

    def __init__(
        self,
        settings: Settings,
        database: Database,
        *,
        cog_package: str = "cogs",
        cogs: list[str] | None = None,
        clock: Clock | None = None,
        **client_options: Any,
    ) -> None:
        client_options.setdefault("intents", default_intents())
        client_options.setdefault("allowed_mentions", discord.AllowedMentions.none())
        client_options.setdefault("tree_cls", HearthCommandTree)
        super().__init__(command_prefix=commands.when_mentioned, help_command=None, **client_options)
        # The gateway reader yields every few milliseconds, so commands don't wait behind a backlog of messages.
        gateway_turns.install(self.http)
        self.config = settings
        self.db = database
        self.clock = clock or Clock()
        self.version = VERSION
        self.started_monotonic = time.monotonic()
        self.settings_registry = SettingsRegistry()
        self.settings_registry.register(*system_settings())
        self._guild_settings: GuildSettings | None = None
        self._timers: TimerService | None = None
        self._command_rules: CommandRules | None = None
        self.api = HttpApi(VERSION, max_body=settings.api_max_body_bytes, docs=settings.api_docs_enabled)
        # One on_message path for automod, custom commands, engagement and the embed watcher.
        self.pipeline = message_pipeline.attach(self)
        # Background posts to channels the bot may not post in: one notice, then paused until permissions change.
        self.channel_access = ChannelAccess(self)
        self.channel_access.attach()
        # Roles the bot gives are checked again, when given, against whoever configured them.
        self.role_grants = RoleGrants(self)
        # Features meet through the small APIs their owners publish here (`cogs/<feature>/api.py`).
        self.apis = FeatureApis()
        # Features an admin can switch off per server (`/config modules`), and what that switch stops.
        self.modules = Modules(self)
        self.add_listener(self.modules.on_settings_changed, "on_hearth_settings_changed")
        self.cog_package = cog_package
        self.cog_names = select_cogs(discover_cogs(cog_package), cogs if cogs is not None else settings.cogs)
        self.cog_failures: dict[str, str] = {}

    async def on_message(self, message: discord.Message) -> None:  # type: ignore[override]
        """Every message goes through the pipeline's stages; text commands are looked for only when some exist
        (Hearth's own are all slash commands)."""
        pending = self.pipeline.feed(message)  # None for most messages: every stage was done in memory
        if pending is not None:
            await pending
        if self.all_commands:
            await self.process_commands(message)

    @property
    def uptime_seconds(self) -> int:
        """Seconds since this bot object was created."""
        return int(time.monotonic() - self.started_monotonic)

    @property
    def guild_settings(self) -> GuildSettings:
        """Per-guild settings (available once `prepare()` ran)."""
        if self._guild_settings is None:
            raise RuntimeError("guild settings are not ready: prepare() has not run")
        return self._guild_settings

    @property
    def command_rules(self) -> CommandRules:
        """Command permission rules and cooldowns (available once `prepare()` ran)."""
        if self._command_rules is None:
            raise RuntimeError("command rules are not ready: prepare() has not run")
        return self._command_rules

    @property
    def timers(self) -> TimerService:
        """The timers service (available once `prepare()` ran; its dispatcher starts when Discord is ready)."""
        if self._timers is None:
            raise RuntimeError("the timers service is not ready: prepare() has not run")
        return self._timers

    async def prepare(self) -> list[str]:
        """Open the shared services (settings, timers), then load the cogs; returns the cogs."""
        if self._guild_settings is None:
            pool = await self.db.create_pool("services", 4)
            self._guild_settings = GuildSettings(
                self.settings_registry, pool, self.clock,
                on_change=lambda guild_id, keys: self.dispatch("hearth_settings_changed", guild_id, keys))
            # Settings changed by another bot process reach this one through LISTEN/NOTIFY.
            await notify.subscribe(self, SETTINGS_CHANNEL, self._guild_settings.on_notification,
                                   self._guild_settings.mark_stale)
            # Command permission rules and cooldowns: read with the settings, cached and invalidated like them.
            self._command_rules = CommandRules(pool, self.clock)
            await notify.subscribe(self, RULES_CHANNEL, self._command_rules.on_notification,
                                   self._command_rules.mark_stale)
            self._timers = TimerService(await self.db.create_pool("timers", 3), self.clock,
                                        grace=self._late_job_grace, report_skipped=self._report_skipped_jobs,
                                        report_failure=self._report_failed_job)
            # A job scheduled by another process may be for this process's shards: wake the dispatcher.
            await notify.subscribe(self, TIMERS_CHANNEL, self._timers.on_notification, self._timers.rearm)
            # A GDPR erasure made by any process: the cogs loaded here drop what they hold about the user.
            await notify.subscribe(self, gdpr.ERASED_CHANNEL,
                                   lambda payload: gdpr.on_erased_notification(self, payload))
        return await self.load_cogs()

    @property
    def held_shards(self) -> tuple[int, list[int]]:
        """(shard count, the shard ids this process holds), once discord.py knows the count (at `on_ready`)."""
        count = self.shard_count or 1
        return count, sorted(self.shard_ids) if self.shard_ids is not None else list(range(count))

    async def on_ready(self) -> None:
        # AutoShardedBot dispatches on_ready once every shard of this process is ready (and again after a full
        # reconnect); per-shard events are on_shard_ready / on_shard_connect.
        # Jobs post to Discord: run them only once the guilds are known, and only for this process's shards.
        if self._timers is not None:
            self._timers.set_shards(*self.held_shards)
            self._timers.start()
        self._freeze_heap()

    def _freeze_heap(self) -> None:
        """After start-up, move everything alive (modules, cogs, the guilds' cache) out of the garbage collector's
        view, once: Python's full collections otherwise walk that whole heap again and again while messages
        arrive, which cost more CPU per message than all the message stages together (benchmarks/gateway.py,
        docs/scaling.md). Objects made later are collected as usual. Once per process: a bot started again in the same
        process (tests, a restart) must not freeze the garbage of the one before."""
        global _heap_frozen
        if _heap_frozen:
            return
        _heap_frozen = True
        gc.collect()
        gc.freeze()

    async def _late_job_grace(self, guild_id: int) -> timedelta:
        return timedelta(seconds=await self.guild_settings.setting(guild_id, SYSTEM_LATE_JOB_GRACE))

    async def _report_skipped_jobs(self, guild_id: int, lines: list[str]) -> None:
        guild = self.get_guild(guild_id)
        if guild is None:
            return
        summary = skipped_summary(lines, await self._late_job_grace(guild_id))
        problem = await post_to_log(self, guild, content=summary)
        if problem:
            log.warning("Guild %s: could not report skipped jobs: %s", guild_id, problem)

    async def _report_failed_job(self, guild_id: int, text: str) -> None:
        guild = self.get_guild(guild_id)  # None for housekeeping jobs (guild 0): the bot's log has it
        if guild is None:
            return
        problem = await post_to_log(self, guild, content=text)
        if problem:
            log.warning("Guild %s: could not report a failing job: %s", guild_id, problem)

    async def load_cogs(self) -> list[str]:
        """Load every selected cog; returns the loaded names. Failures are logged and kept in `cog_failures`."""
        loaded = []
        for name in self.cog_names:
            extension = f"{self.cog_package}.{name}"
            try:
                await self.load_extension(extension)
            except Exception as exc:  # one broken cog must not stop the others
                cause = exc.__cause__ or exc
                self.cog_failures[name] = f"{type(cause).__name__}: {cause}"
                log.error(
                    "Cog %s failed to load: %s\n%s", name, self.cog_failures[name],
                    "".join(traceback.format_exception(cause)),
                )
            else:
                loaded.append(name)
                log.info("Loaded cog %s", name)
        return loaded

    async def setup_hook(self) -> None:
        await self.prepare()
        if self.config.api_enabled:
            await self.api.start(self.config.api_host, self.config.api_port)
        if self.config.sync_commands:
            synced = await self.tree.sync()
            log.info("Synced %d application commands", len(synced))

    async def close(self) -> None:
        """Stop the timers and the HTTP API, remove the cogs (each flushes and closes its pool), close Discord.

        The cogs are removed rather than their extensions unloaded, as `commands.Bot.close` would: unloading also
        drops each extension's modules from `sys.modules`, a scan of every imported module per extension that a
        stopping process has no use for (it was a tenth of each test bot's life)."""
        if self._timers is not None:
            await self._timers.stop()
        await self.api.stop()
        for name in tuple(self.cogs):
            try:
                await self.remove_cog(name)
            except Exception:  # the others still flush and close
                log.exception("Cog %s failed to unload", name)
        await discord.AutoShardedClient.close(self)
        await notify.unsubscribe(self, SETTINGS_CHANNEL)
        await notify.unsubscribe(self, TIMERS_CHANNEL)
        await notify.unsubscribe(self, RULES_CHANNEL)
        await notify.unsubscribe(self, gdpr.ERASED_CHANNEL)
        await self.db.close_all()
        self._guild_settings = self._timers = self._command_rules = None


def shard_options(settings: Settings) -> dict[str, Any]:
    """discord.py's `shard_count` / `shard_ids` client options from SHARD_COUNT / SHARD_IDS (empty when unset)."""
    options: dict[str, Any] = {}
    if settings.shard_count is not None:
        options["shard_count"] = settings.shard_count
    if settings.shard_ids is not None:
        options["shard_ids"] = list(settings.shard_ids)
    return options


def create_bot(settings: Settings, database: Database, **options: Any) -> HearthBot:
    """Build the bot exactly as `bot.py` runs it; tests pass client options such as `guild_ready_timeout`.

    SHARD_COUNT / SHARD_IDS become the `shard_count` / `shard_ids` client options unless `options` name them."""
    for name, value in shard_options(settings).items():
        options.setdefault(name, value)
    return HearthBot(settings, database, **options)
