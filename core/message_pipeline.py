"""The message pipeline: one `on_message` path shared by automod, custom commands, engagement and the embed
watcher.

Cogs never import each other; they meet here. A cog registers a *stage* in `load()` and unregisters it in
`unload()`; the pipeline runs the stages of every message in `order` (automod first), each with the same
`MessageContext`, so a later stage sees what an earlier one did (the message was deleted, handling stopped).

```python
pipeline = message_pipeline.attach(bot)           # the first cog creates it and its one on_message listener
pipeline.register("automod", self.on_message, order=message_pipeline.ORDER_AUTOMOD)
pipeline.unregister("automod")                      # in unload()
```

Messages of the bot itself never enter the pipeline; other bots' messages (and webhooks) only reach stages
registered with `include_bots=True` (the embed watcher reads other bots' announcements), and direct messages
only stages registered with `guild_only=False`. A stage that raises is logged and the next stage still runs.

A stage may be a plain function that returns None when it is done, or the awaitable of the work it still has to
do: most stages only check or count in memory for most messages, and then make no coroutine at all
(`GuildSettings.with_values` gives such a stage the guild's settings the same way).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import discord

from core.modules import Module

log = logging.getLogger(__name__)

ORDER_AUTOMOD = 10  # first: may delete the message
ORDER_CUSTOM_COMMANDS = 50
ORDER_ENGAGEMENT = 70
ORDER_LEVELS = 75  # XP, after the engagement counters
ORDER_TICKETS = 60  # a ticket's activity clock (its opener's or staff's message)
ORDER_WATCHER = 90
ORDER_VERIFICATION = 95  # last: checking an uploaded screenshot calls the LLM


@dataclass(eq=False)
class MessageContext:
    """One message on its way through the stages, and what the stages did with it so far."""

    message: discord.Message
    received: float = field(default_factory=time.perf_counter)  # for response-time figures
    deleted: bool = False  # a stage deleted the message (later stages should not answer it)
    stopped: bool = False  # a stage asked that no later stage runs
    flags: dict[str, Any] = field(default_factory=dict)  # notes between stages (e.g. "automod_fired": rule)

    def mark_deleted(self) -> None:
        """Record that the message is gone."""
        self.deleted = True

    def stop(self) -> None:
        """Skip every later stage for this message."""
        self.stopped = True


# A stage returns None when it is done (a check or a count in memory: most messages, most stages) or an awaitable
# when it has I/O to do; a plain `async def` stage always returns its coroutine. Not making a coroutine per stage
# per message is what the first form saves.
Stage = Callable[[MessageContext], Awaitable[None] | None]


@dataclass(frozen=True, eq=False)
class _Registration:
    name: str
    stage: Stage
    order: int
    include_bots: bool
    guild_only: bool
    run_after_delete: bool
    module: Module | None


Stages = tuple[_Registration, ...]


@dataclass(frozen=True)
class _Plan:
    """The stages one guild's messages run through, made once for the guild's settings as they are in memory."""

    settings: object  # the guild's in-memory settings it was made from (replaced whenever they change)
    version: int  # the pipeline's registrations it was made from
    humans: Stages
    bots: Stages


_NO_SWITCHES = object()  # the "settings" of plans when no stage belongs to a module


class MessagePipeline:
    """The ordered stages and the single `on_message` dispatcher that runs them.

    Per message, a guild's stages come from its plan: the stages whose module is on there, split for members'
    and bots' messages, made again only when the guild's settings or the registrations change (a module switch
    read per stage per message cost more than several stages' work, benchmarks/gateway.py)."""

    def __init__(self, bot: Any) -> None:
        self.bot = bot
        self._stages: list[_Registration] = []
        self._version = 0
        self._plans: dict[int, _Plan] = {}
        self._shared: dict[Stages, Stages] = {}  # one copy of each distinct stage list, shared by guilds' plans
        self._listening = False
        self.dispatched = 0  # messages that entered the pipeline (for tests and benchmarks)
        self._replanned()

    # --- registration ----------------------------------------------------------------------------------

    def register(self, name: str, stage: Stage, *, order: int, include_bots: bool = False,
                 guild_only: bool = True, run_after_delete: bool = False, module: Module | None = None) -> None:
        """Add a stage; a second registration under the same name replaces the first (a cog reloading).
        A stage of a `module` is skipped in guilds where the module is off."""
        self.unregister(name)
        self._stages.append(_Registration(name, stage, order, include_bots, guild_only, run_after_delete, module))
        self._stages.sort(key=lambda r: (r.order, r.name))
        self._replanned()

    def unregister(self, name: str) -> None:
        """Remove a stage (no-op when it is not registered)."""
        self._stages = [r for r in self._stages if r.name != name]
        self._replanned()

    def _replanned(self) -> None:
        self._version += 1
        self._plans.clear()
        self._shared.clear()
        self._dm_humans = self._filtered(r for r in self._stages if not r.guild_only)
        self._dm_bots = self._filtered(r for r in self._dm_humans if r.include_bots)
        self._modular = any(r.module is not None for r in self._stages)

    @property
    def stage_names(self) -> list[str]:
        """Registered stages in the order they run."""
        return [r.name for r in self._stages]

    # --- dispatching -----------------------------------------------------------------------------------

    async def dispatch(self, message: discord.Message) -> MessageContext | None:
        """Run the stages for one message; returns the context (None when the message was not for us)."""
        me = self.bot.user
        if me is not None and message.author.id == me.id:
            return None
        if not self._stages:
            return None
        is_bot = message.author.bot or message.webhook_id is not None
        guild = message.guild
        if guild is None:
            stages = self._dm_bots if is_bot else self._dm_humans
        else:
            plan = self._plan(guild.id)
            if plan is not None:
                stages = plan.bots if is_bot else plan.humans
            else:  # the guild's settings are not in memory (its first message): read them, don't plan yet
                stages = await self._switched_on(guild.id, is_bot)
        context = MessageContext(message)
        self.dispatched += 1
        for registration in stages:
            if context.stopped:
                break
            if context.deleted and not registration.run_after_delete:
                continue
            try:
                pending = registration.stage(context)
                if pending is not None:
                    await pending
            except Exception:  # one broken stage must not stop the others
                log.exception("Message pipeline stage %s failed on message %s", registration.name, message.id)
        return context

    def _plan(self, guild_id: int) -> _Plan | None:
        """The guild's plan, made again when its settings or the registrations changed; None while its settings
        are not in memory."""
        settings = self.bot.guild_settings.in_memory(guild_id) if self._modular else _NO_SWITCHES
        plan = self._plans.get(guild_id)
        if settings is None:
            self._plans.pop(guild_id, None)
            return None
        if plan is None or plan.settings is not settings or plan.version != self._version:
            modules = self.bot.modules if self._modular else None
            humans = self._filtered(r for r in self._stages
                                    if r.module is None or modules.known_state(guild_id, r.module))  # type: ignore[union-attr]
            plan = _Plan(settings, self._version, humans, self._filtered(r for r in humans if r.include_bots))
            self._plans[guild_id] = plan
        return plan

    async def _switched_on(self, guild_id: int, is_bot: bool) -> Stages:
        """The guild's stages for a message, each module's switch read (loading the guild's settings)."""
        stages = []
        for registration in self._stages:
            if is_bot and not registration.include_bots:
                continue
            if registration.module is None or await self.bot.modules.is_on(guild_id, registration.module):
                stages.append(registration)
        return tuple(stages)

    def _filtered(self, registrations: Any) -> Stages:
        stages = tuple(registrations)
        return self._shared.setdefault(stages, stages)

    async def on_message(self, message: discord.Message) -> None:
        """The `on_message` listener added to the bot."""
        await self.dispatch(message)


def attach(bot: Any) -> MessagePipeline:
    """The bot's pipeline (`bot.pipeline`), created and listening on first use; idempotent.

    A bot whose own `on_message` runs the pipeline (`HearthBot`: `pipeline_is_on_message`) gets no extra listener:
    discord.py starts one task per listener per message, and the pipeline is the only one Hearth needs."""
    pipeline = getattr(bot, "pipeline", None)
    if not isinstance(pipeline, MessagePipeline):
        pipeline = MessagePipeline(bot)
        bot.pipeline = pipeline
    if not pipeline._listening:
        if not getattr(bot, "pipeline_is_on_message", False):
            bot.add_listener(pipeline.on_message, "on_message")
        pipeline._listening = True
    return pipeline
