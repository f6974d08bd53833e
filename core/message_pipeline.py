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
do: most stages only check or count in memory for most messages, and then make no coroutine at all. The context
carries what every stage would otherwise look up per message: the guild's settings as they are in memory
(`context.settings`, read once per message) and the moment the message arrived by the bot's clock (`context.now`).
The bot's `on_message` calls `feed`, which makes no coroutine either while no stage returns one.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import discord

from core.guild_settings import GuildValues
from core.modules import Module

log = logging.getLogger(__name__)

ORDER_AUTOMOD = 10  # first: may delete the message
ORDER_CUSTOM_COMMANDS = 50
ORDER_ENGAGEMENT = 70
ORDER_LEVELS = 75  # XP, after the engagement counters
ORDER_TICKETS = 60  # a ticket's activity clock (its opener's or staff's message)
ORDER_WATCHER = 90
ORDER_VERIFICATION = 95  # last: checking an uploaded screenshot calls the LLM


@dataclass(eq=False, slots=True)
class MessageContext:
    """One message on its way through the stages, and what the stages did with it so far."""

    message: discord.Message
    settings: GuildValues  # the guild's settings when the message arrived (the defaults in a direct message)
    now: datetime  # when the message arrived, by the bot's clock
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


# Whether a stage has anything to do in a guild (its id, its settings as in memory); asked when the guild's plan is
# made. A stage left out costs its guild's messages nothing.
Wanted = Callable[[int, GuildValues], bool]


@dataclass(frozen=True, eq=False)
class _Registration:
    name: str
    stage: Stage
    order: int
    include_bots: bool
    guild_only: bool
    run_after_delete: bool
    module: Module | None
    wanted: Wanted | None


Stages = tuple[_Registration, ...]


@dataclass(frozen=True)
class _Plan:
    """The stages one guild's messages run through, made once for the guild's settings as they are in memory."""

    settings: GuildValues  # the guild's in-memory settings it was made from (replaced whenever they change)
    humans: Stages
    bots: Stages


_COLD = object()  # `_prepared`: the guild's settings are not in memory yet
_DEFAULTS = GuildValues({}, {})  # the "settings" of a direct message: every setting at its default


class MessagePipeline:
    """The ordered stages and the single `on_message` dispatcher that runs them.

    Per message, a guild's stages come from its plan: the stages whose module is on there and that are wanted
    there, split for members' and bots' messages, made again only when the guild's settings or the registrations
    change or a cog calls `replan` (deciding per stage per message cost more than several stages' work,
    benchmarks/gateway.py)."""

    def __init__(self, bot: Any) -> None:
        self.bot = bot
        self._stages: list[_Registration] = []
        self._plans: dict[int, _Plan] = {}
        self._shared: dict[Stages, Stages] = {}  # one copy of each distinct stage list, shared by guilds' plans
        self._listening = False
        self.dispatched = 0  # messages that entered the pipeline (for tests and benchmarks)
        self._replanned()

    # --- registration ----------------------------------------------------------------------------------

    def register(self, name: str, stage: Stage, *, order: int, include_bots: bool = False,
                 guild_only: bool = True, run_after_delete: bool = False, module: Module | None = None,
                 wanted: Wanted | None = None) -> None:
        """Add a stage; a second registration under the same name replaces the first (a cog reloading).

        A stage of a `module` is left out in guilds where the module is off, and one with `wanted` where that says
        it has nothing to do: it is asked when the guild's plan is made, which is again when the guild's settings
        change; a cog whose own state changes the answer (a guild's first automod rule) calls `replan`."""
        self.unregister(name)
        self._stages.append(_Registration(name, stage, order, include_bots, guild_only, run_after_delete, module,
                                          wanted))
        self._stages.sort(key=lambda r: (r.order, r.name))
        self._replanned()

    def unregister(self, name: str) -> None:
        """Remove a stage (no-op when it is not registered)."""
        self._stages = [r for r in self._stages if r.name != name]
        self._replanned()

    def _replanned(self) -> None:
        self._plans.clear()
        self._shared.clear()
        self._dm_humans = self._filtered(r for r in self._stages if not r.guild_only)
        self._dm_bots = self._filtered(r for r in self._dm_humans if r.include_bots)

    def replan(self, guild_id: Hashable | None = None) -> None:
        """Plan the guild's stages (every guild's: None) again at its next message: a `wanted` answer may have
        changed. Its signature fits `GuildCache(on_change=…)`, whose keys are guild ids."""
        if guild_id is None:
            self._plans.clear()
        else:
            self._plans.pop(guild_id, None)  # type: ignore[call-overload]

    @property
    def stage_names(self) -> list[str]:
        """Registered stages in the order they run."""
        return [r.name for r in self._stages]

    def planned(self, guild_id: int) -> list[str]:
        """The stages a guild's members' messages go through now, in order (empty until its next message when it
        has no plan: none yet, or one to be made again)."""
        plan = self._plans.get(guild_id)
        return [r.name for r in plan.humans] if plan is not None else []

    # --- dispatching -----------------------------------------------------------------------------------

    def feed(self, message: discord.Message) -> Awaitable[MessageContext] | None:
        """Run the stages for one message (the bot's `on_message`): None when every stage was done at once (no
        coroutine made), else the awaitable of the rest."""
        prepared = self._prepared(message)
        if prepared is None:
            return None
        if prepared is _COLD:
            return self.dispatch(message)
        return self._run(*prepared, 0)

    async def dispatch(self, message: discord.Message) -> MessageContext | None:
        """Run the stages for one message; returns the context (None when the message was not for us)."""
        prepared = self._prepared(message)
        if prepared is _COLD:  # the guild's first message: its settings are read (once for a burst of misses)
            prepared = self._prepared(message, await self.bot.guild_settings.values(message.guild.id))
        if prepared is None:
            return None
        context, stages = prepared
        pending = self._run(context, stages, 0)
        if pending is not None:
            await pending
        return context

    def _prepared(self, message: discord.Message,
                  settings: GuildValues | None = None) -> tuple[MessageContext, Stages] | object | None:
        """The message's context and the stages it goes through; None when it is not for us, `_COLD` when its
        guild's settings must be read first."""
        me = self.bot.user
        if (me is not None and message.author.id == me.id) or not self._stages:
            return None
        is_bot = message.author.bot or message.webhook_id is not None
        guild = message.guild
        if guild is None:
            stages = self._dm_bots if is_bot else self._dm_humans
            settings = _DEFAULTS
        else:
            if settings is None:
                settings = self.bot.guild_settings.in_memory(guild.id)
                if settings is None:
                    return _COLD
            plan = self._plans.get(guild.id)
            if plan is None or plan.settings is not settings:  # registrations changing drop every plan
                plan = self._plan(guild.id, settings)
            stages = plan.bots if is_bot else plan.humans
        self.dispatched += 1
        return MessageContext(message, settings, self.bot.clock.now()), stages

    def _run(self, context: MessageContext, stages: Stages, start: int) -> Awaitable[MessageContext] | None:
        """Run `stages[start:]` until one returns an awaitable; then the rest runs in the coroutine returned."""
        for index in range(start, len(stages)):
            if context.stopped:
                break
            registration = stages[index]
            if context.deleted and not registration.run_after_delete:
                continue
            try:
                pending = registration.stage(context)
            except Exception:  # one broken stage must not stop the others
                self._failed(registration, context)
                continue
            if pending is not None:
                return self._resume(context, stages, index, pending)
        return None

    async def _resume(self, context: MessageContext, stages: Stages, index: int,
                      pending: Awaitable[None]) -> MessageContext:
        try:
            await pending
        except Exception:
            self._failed(stages[index], context)
        rest = self._run(context, stages, index + 1)
        if rest is not None:
            await rest
        return context

    @staticmethod
    def _failed(registration: _Registration, context: MessageContext) -> None:
        log.exception("Message pipeline stage %s failed on message %s", registration.name, context.message.id)

    def _plan(self, guild_id: int, settings: GuildValues) -> _Plan:
        """The guild's stages for its settings as they are now: those whose module is switched on there and that
        have something to do there."""
        humans = self._filtered(r for r in self._stages
                                if (r.module is None or r.module.on_in(settings))
                                and (r.wanted is None or r.wanted(guild_id, settings)))
        plan = _Plan(settings, humans, self._filtered(r for r in humans if r.include_bots))
        self._plans[guild_id] = plan
        return plan

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
