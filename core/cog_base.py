"""The base class of every Hearth cog: its own database pool and its declared settings, opened and closed
with the cog, and its persistent buttons registered, so a cog only states them. Also the metaclass of a cog split
into mixins."""

from __future__ import annotations

import asyncio
import logging
from abc import ABCMeta
from typing import TYPE_CHECKING, Any, ClassVar

import discord
from discord.ext import commands

from core.db import HearthPool
from core.modules import Module
from core.settings_registry import SettingSpec

if TYPE_CHECKING:
    from core.hearth_bot import HearthBot

log = logging.getLogger(__name__)
POOL_CLOSE_TIMEOUT = 10.0


class HearthCog(commands.Cog):
    """A cog with a pool of `pool_size` connections (0 = no pool), `settings` in the registry and its
    `persistent_items` (`core.persistent_items.PersistentItem` classes) registered with the bot.

    A cog declaring a `module` can be switched off per server (core/modules.py): its switch joins its settings,
    and its listeners (except those named in `always_listening`) return at once where the module is off.

    Subclasses put start-up work in `load()` and shutdown work in `unload()`; the pool is open during both.
    """

    pool_size: ClassVar[int] = 0
    settings: ClassVar[tuple[SettingSpec, ...]] = ()
    persistent_items: ClassVar[tuple[type[discord.ui.DynamicItem[Any]], ...]] = ()
    module: ClassVar[Module | None] = None
    always_listening: ClassVar[frozenset[str]] = frozenset()  # listener methods that run while the module is off

    def __init__(self, bot: HearthBot) -> None:
        self.bot = bot
        self._pool: HearthPool | None = None

    @property
    def pool(self) -> HearthPool:
        """This cog's pool; only cogs with `pool_size > 0` have one."""
        if self._pool is None:
            raise RuntimeError(f"{self.qualified_name} has no database pool (pool_size = 0 or not loaded)")
        return self._pool

    @property
    def pool_owner(self) -> str:
        """The pool's name: shown as application_name in pg_stat_activity and in the health report."""
        return self.qualified_name.lower()

    async def cog_load(self) -> None:
        # First, and never undone: while the cog is away (reloading, or failed to start) its buttons on Discord
        # still reach their item, which tells the member the feature is unavailable instead of failing silently.
        self.bot.add_dynamic_items(*self.persistent_items)
        self.bot.settings_registry.register(*self._all_settings())
        if self.module is not None:
            self.bot.modules.add(self.qualified_name, self.module)
            self._gate_listeners(self.module)
        try:
            if self.pool_size:
                self._pool = await self.bot.db.create_pool(self.pool_owner, self.pool_size)
            before = self._tree_roots()
            await self.load()
            if self.module is not None:  # commands the cog adds to the tree itself (groups, context menus)
                for command in self._tree_roots() - before:
                    command.extras["module"] = self.module.name
        except BaseException:
            await self._close()
            raise

    async def cog_unload(self) -> None:
        try:
            await self.unload()
        finally:
            await self._close()

    async def _close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            try:
                await asyncio.wait_for(pool.close(), POOL_CLOSE_TIMEOUT)
            except TimeoutError:
                # A connection still checked out (a stuck query) must not block shutdown forever.
                log.warning("Pool %s did not close within %.0fs; terminating it", self.pool_owner, POOL_CLOSE_TIMEOUT)
                pool.terminate()
        self.bot.settings_registry.unregister(*self._all_settings())
        self.bot.modules.remove(self.qualified_name)

    def _tree_roots(self) -> set[Any]:
        """The top-level commands, groups and context menus in the bot's tree."""
        tree = self.bot.tree
        return {command for kind in discord.AppCommandType for command in tree.get_commands(type=kind)}

    def _all_settings(self) -> tuple[SettingSpec, ...]:
        return with_switch(self.settings, self.module)

    def _gate_listeners(self, module: Module) -> None:
        """Replace each listener with one that returns at once where the module is off: discord.py adds the
        listeners after `cog_load`, by attribute name, so the instance attribute is what it registers."""
        for _event, method_name in self.__cog_listeners__:
            if method_name not in self.always_listening:
                setattr(self, method_name, self.bot.modules.gate_listener(module, getattr(self, method_name)))

    async def load(self) -> None:
        """Start-up work after the pool is open (start loops, warm caches). Override as needed."""

    async def unload(self) -> None:
        """Shutdown work before the pool closes (flush buffers, stop loops). Override as needed."""


def with_switch(settings: tuple[SettingSpec, ...], module: Module | None) -> tuple[SettingSpec, ...]:
    """A cog's declared settings and its module's switch (whether or not the cog declares it itself)."""
    switch = module.switch if module is not None else None
    return settings if switch is None or switch in settings else (*settings, switch)


class CompositeMetaClass(commands.CogMeta, ABCMeta):
    """The metaclass of a cog whose mixins derive from an ABC (Red's `MixinMeta` pattern).

    The mixins declare what they use of the cog in an ABC of the cog's package (its contract); discord.py's cog
    metaclass and `ABCMeta` must then agree, and this class is both. An abstract method the cog does not provide
    fails when the cog is made, not at the first click that needs it.
    """
