"""Module switches: an admin turns a whole feature off (or on) for their server with `/config modules`.

A module is what a cog declares as `module = declare("tickets", "Tickets", docs="tickets.md", summary=...)`: a name,
a label, and its switch, the BOOL setting `modules.<name>` (on by default). The switch is a setting like any other:
cached, changed in one transaction with its history, invalidated across processes, shown by `/config history`.
A cog with no `module` is always on (the audit tracker, GDPR, /config itself). The AI module's switch is the
older `gpt.enabled`, which every AI feature already obeys.

While a module is off on a server:

- its commands and context menus are refused before they run, with `ModuleOff`'s message (the command tree's
  check), and autocomplete offers nothing;
- its persistent buttons answer the same message (`core.persistent_items`);
- its listeners return at once: `HearthCog` wraps every listener of a module's cog with `gate_listener`, which
  finds the guild in the event's first argument (a member, message, payload …) and looks the switch up in the
  settings cache, no database round trip;
- its message-pipeline stages are skipped (`MessagePipeline.register(..., module=)`);
- its scheduled jobs wait: the timers service does not claim jobs of a kind registered with `module=` while the
  module is off on the job's guild, and when it is turned on again the jobs that fell due meanwhile run at once
  (`resume_jobs`), instead of being skipped as too late.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import discord
from discord import app_commands

from core.guild_settings import GuildValues, UnknownSetting
from core.settings_registry import SettingSpec, SettingType
from utils.errors import UserFacingError

if TYPE_CHECKING:
    from core.guild_settings import GuildSettings
    from core.timers import TimerService

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Module:
    """A feature an admin can switch off: its name (`/config modules`), label, switch and documentation page."""

    name: str
    label: str
    switch: SettingSpec[bool]
    docs: str  # the page under docs/, e.g. "tickets.md"
    summary: str = ""  # one line for /config modules and /help

    def on_in(self, values: GuildValues) -> bool:
        """Whether the module is on in a guild with these settings."""
        return bool(values.value(self.switch))


SCOPE = "modules"


def declare(name: str, label: str, *, docs: str, summary: str) -> Module:
    """A module whose switch is `modules.<name>`, on by default."""
    switch: SettingSpec[bool] = SettingSpec(
        SCOPE, name, SettingType.BOOL, True,
        f"{label} ({summary}): on or off on this server. Off: its commands are refused, it reacts to nothing and "
        "its scheduled work waits (change it with /config modules).")
    return Module(name, label, switch, docs, summary)


class ModuleOff(UserFacingError, app_commands.CheckFailure):
    """A command, button or menu of a module that is off on this server."""

    def __init__(self, module: Module) -> None:
        super().__init__(f"{module.label} is turned off on this server "
                         "(an admin can turn it on with /config modules).")
        self.module = module


def guild_id_of(value: object) -> int | None:
    """The guild an event is about, from the event's first argument: a guild, anything with a `guild_id`
    (raw payloads, interactions, Hearth's own events) or a `guild` (members, messages, channels, roles …);
    None for direct messages and events about no guild."""
    if isinstance(value, discord.Guild):
        return value.id
    guild_id = getattr(value, "guild_id", None)
    if isinstance(guild_id, int):
        return guild_id
    guild = getattr(value, "guild", None)
    return guild.id if isinstance(guild, discord.Guild) else None


class ModulesBot(Protocol):
    """What the module switches use of the bot (`HearthBot` provides it)."""

    @property
    def guild_settings(self) -> GuildSettings:
        """Per-guild settings: the switches are settings."""

    @property
    def timers(self) -> TimerService:
        """The timers service: jobs wait while their module is off."""


class Modules:
    """The modules of the loaded cogs (`bot.modules`), and whether each is on in a guild."""

    def __init__(self, bot: ModulesBot) -> None:
        self.bot = bot
        self._modules: dict[str, Module] = {}
        self._by_cog: dict[str, Module] = {}  # cog qualified_name → its module

    # --- registration ------------------------------------------------------------------------------------

    def add(self, cog_name: str, module: Module) -> None:
        """Record a loaded cog's module (several cogs may share one)."""
        self._modules[module.name] = module
        self._by_cog[cog_name] = module

    def remove(self, cog_name: str) -> None:
        """Forget an unloaded cog's module (kept while another loaded cog still declares it)."""
        module = self._by_cog.pop(cog_name, None)
        if module is not None and module not in self._by_cog.values():
            self._modules.pop(module.name, None)

    def all(self) -> list[Module]:
        """Every module of the loaded cogs, by label."""
        return sorted(self._modules.values(), key=lambda m: m.label.lower())

    def get(self, name: str) -> Module | None:
        """The module called `name` (None when no loaded cog declares it)."""
        return self._modules.get(name)

    def of_cog(self, cog: object) -> Module | None:
        """The module of a cog (None: the cog is always on)."""
        name = getattr(cog, "qualified_name", None)
        return self._by_cog.get(name) if isinstance(name, str) else None

    def of_command(self, command: object) -> Module | None:
        """The module of a slash command or context menu: the `module` in its own or its root group's `extras`
        (set for the commands a module's cog adds to the tree itself, see `HearthCog`), else the module of the cog
        the command or its root group is bound to, or whose method a context menu calls. `/config <feature>`
        subgroups belong to no module: an admin can prepare a feature before turning it on."""
        root = getattr(command, "root_parent", None) or command
        for holder in (command, root):
            named = (getattr(holder, "extras", None) or {}).get("module")
            if isinstance(named, str):
                return self._modules.get(named)
        for holder in (command, root):
            owner = getattr(holder, "binding", None) or getattr(getattr(holder, "callback", None), "__self__", None)
            module = self.of_cog(owner) if owner is not None else None
            if module is not None:
                return module
        return None

    # --- state -------------------------------------------------------------------------------------------

    def known_state(self, guild_id: int, module: Module) -> bool | None:
        """Whether `module` is on in the guild when its settings are in memory (None: they must be read first);
        no coroutine, for hot paths (the message pipeline's plan of a guild's stages)."""
        values = self.bot.guild_settings.in_memory(guild_id)
        return None if values is None else module.on_in(values)

    async def is_on(self, guild_id: int, module: Module) -> bool:
        """Whether `module` is on in the guild (from the settings cache after the guild's first read)."""
        on = self.known_state(guild_id, module)
        if on is None:  # the guild's first read: one query (shared by every miss at once)
            on = bool(await self.bot.guild_settings.setting(guild_id, module.switch))
        return on

    async def require_on(self, guild_id: int, name: str) -> None:
        """Raise `ModuleOff` when the module called `name` is off in the guild (for changes made elsewhere than by
        its commands, e.g. on the web dashboard, which the command tree's check does not cover)."""
        module = self._modules.get(name)
        if module is not None and not await self.is_on(guild_id, module):
            raise ModuleOff(module)

    async def check(self, guild_id: int | None, command: object) -> None:
        """Raise `ModuleOff` when `command` belongs to a module that is off in the guild."""
        if guild_id is None:
            return
        module = self.of_command(command)
        if module is not None and not await self.is_on(guild_id, module):
            raise ModuleOff(module)

    def gate_listener(self, module: Module,
                      listener: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        """`listener`, returning at once for events of a guild where `module` is off."""

        @functools.wraps(listener)
        async def gated(*args: Any, **kwargs: Any) -> Any:
            guild_id = guild_id_of(args[0]) if args else None
            if guild_id is not None and not await self.is_on(guild_id, module):
                return None
            try:
                return await listener(*args, **kwargs)
            except UnknownSetting:
                if self._modules.get(module.name) is module:
                    raise
                # The cog was unloaded (a shutdown, a reload) while this event ran, and its settings went with it.
                log.debug("%s: a listener ended with its cog's unload", module.name)
                return None

        return gated

    async def switch(self, guild_id: int, module: Module, on: bool, *, changed_by: int) -> bool:
        """Turn `module` on or off in the guild; returns whether anything changed."""
        if await self.is_on(guild_id, module) == on:
            return False
        await self.bot.guild_settings.set(guild_id, module.switch.scope, module.switch.key, on,
                                          changed_by=changed_by)
        return True

    async def on_settings_changed(self, guild_id: int, keys: list[tuple[str, str]]) -> None:
        """A switch turned on (here, by `/config set`, or in another process): the module's jobs that fell due
        while it was off run now; they waited, they are not late."""
        changed = set(keys)
        for module in self.all():
            if (module.switch.scope, module.switch.key) in changed and await self.is_on(guild_id, module):
                try:
                    await self.bot.timers.resume(guild_id, module.switch)
                except Exception:  # the jobs still run, only later (as late jobs, within the guild's grace)
                    log.exception("Could not resume the jobs of %s in guild %s", module.name, guild_id)
