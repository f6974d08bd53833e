"""``StandIn``: the in-process Discord. Start it, add guilds, connect a bot, act."""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import discord
import discord.asset
import discord.gateway
import discord.http
import discord.webhook.async_
import yarl
from aiohttp import web

from . import (
    oauth2,
    routes_app,
    routes_channels,
    routes_guilds,
    routes_invites,
    routes_moderation,
    routes_scheduled_events,
)
from .actions import UserActions
from .cdn import Cdn
from .errors import CapturedError, ErrorCollector, ExpectErrors
from .gateway import Gateway
from .models import Message
from .oauth2_consent import ConsentPage
from .server import FailureRule, HoldRule, HttpServer, RecordedRequest, RouteTable
from .state import GuildState, World

_token_counter = itertools.count(1)
# Names discord.py gives the tasks that run event listeners, app commands and component/modal callbacks.
_HANDLER_TASKS = ("discord.py: ", "CommandTree-invoker", "discord-ui-view-dispatch", "discord-ui-modal-dispatch")


def _handler_stacks() -> str:
    """Where the still-running handler tasks are waiting, for the SettleTimeout message."""
    lines = []
    for task in asyncio.all_tasks():
        if not task.done() and task.get_name().startswith(_HANDLER_TASKS):
            frames, awaited = [], task.get_coro()
            while awaited is not None and len(frames) < 25:  # follow the await chain down to where it waits
                frame = getattr(awaited, "cr_frame", None) or getattr(awaited, "gi_frame", None)
                if frame is None:
                    frames.append(repr(awaited)[:80])
                    break
                frames.append(f"{frame.f_code.co_filename.rsplit('/', 2)[-1]}:{frame.f_lineno} {frame.f_code.co_name}")
                awaited = getattr(awaited, "cr_await", None) or getattr(awaited, "gi_yieldfrom", None)
            where = " -> ".join(frames)
            lines.append(f"\n  {task.get_name()}: {where}")
    return "".join(lines)


class SettleTimeout(AssertionError):
    """The bot did not become idle in time."""


class _FastAsyncio:
    """Stand-in for the ``asyncio`` module inside discord.http / webhooks:
    caps retry sleeps (429 retry_after, 5xx back-off) and tracks them as busy."""

    def __init__(self, owner: StandIn, cap: float) -> None:
        self._owner = owner
        self._cap = cap

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    async def sleep(self, delay: float, result: Any = None) -> Any:
        self._owner._sleeping += 1
        try:
            return await asyncio.sleep(min(delay, self._cap), result)
        finally:
            self._owner._sleeping -= 1


@dataclass
class BotLink:
    """A bot connected to the stand-in."""

    bot: Any
    task: asyncio.Task[None]
    token: str


class StandIn(UserActions):
    """An in-process Discord (REST API v10 + gateway) for end-to-end tests.

    ``async with StandIn() as discord: guild = discord.add_guild(); await discord.connect(bot)``
    """

    def __init__(self, *, bot_name: str = "Hearth", retry_sleep_cap: float = 0.01) -> None:
        self.world = World(bot_name)
        self.gateway = Gateway(self.world)
        table = RouteTable()
        for module in (routes_app, routes_channels, routes_guilds, routes_moderation, routes_invites,
                       routes_scheduled_events, oauth2):
            table.extend(module.routes)
        self.http = HttpServer(self.world, table)
        self.cdn = Cdn(self.http)
        self.errors = ErrorCollector()
        self.bot: Any = None
        self.links: list[BotLink] = []
        self.retry_sleep_cap = retry_sleep_cap
        self.settle_horizon = 0.05
        self.port = 0
        self._sleeping = 0
        # Extra "still busy" probes a project can add (e.g. database operations in flight): each returns a
        # reason, or None when idle.
        self.busy_checks: list[Callable[[], str | None]] = []
        self._runner: web.AppRunner | None = None
        self._saved: dict[str, Any] = {}

    # -- lifecycle ----------------------------------------------------------------
    async def start(self) -> StandIn:
        """Start the server on 127.0.0.1 (random port)."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        ConsentPage(self.world).add_routes(app)  # the OAuth2 consent page a real browser sees (before the catch-all)
        app.router.add_route("*", "/api/v10/{tail:.*}", self.http.handle)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/gateway/", self.gateway.handle)
        app.router.add_get("/attachments/{aid}/{filename}", self.http.handle_attachment)
        app.router.add_get("/cdn/{tail:.*}", self.cdn.handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None and server.sockets  # type: ignore[union-attr]
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.world.base_url = f"http://127.0.0.1:{self.port}"
        self.world.gateway_url = f"ws://127.0.0.1:{self.port}/gateway/"
        self.gateway.url = self.world.gateway_url
        self.world.set_emitter(self.gateway.broadcast)
        logging.getLogger("discord").addHandler(self.errors)
        return self

    async def close(self) -> None:
        """Disconnect bots, stop the server, undo global patches."""
        for hold in self.http.holds:
            hold.release()
        for link in list(self.links):
            await self.disconnect(link.bot)
        logging.getLogger("discord").removeHandler(self.errors)
        self._unpatch()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> StandIn:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def _patch(self) -> None:
        if self._saved:
            return
        self._saved = {
            "base": discord.http.Route.BASE,
            "cdn": discord.asset.Asset.BASE,
            "gateway": discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY,
            "http_asyncio": discord.http.asyncio,
            "webhook_asyncio": discord.webhook.async_.asyncio,
        }
        discord.http.Route.BASE = f"{self.world.base_url}/api/v10"
        discord.asset.Asset.BASE = f"{self.world.base_url}/cdn"
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.world.gateway_url)
        fast = _FastAsyncio(self, self.retry_sleep_cap)
        discord.http.asyncio = fast  # type: ignore[assignment]
        discord.webhook.async_.asyncio = fast  # type: ignore[assignment]

    def _unpatch(self) -> None:
        if not self._saved:
            return
        discord.http.Route.BASE = self._saved["base"]
        discord.asset.Asset.BASE = self._saved["cdn"]
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = self._saved["gateway"]
        discord.http.asyncio = self._saved["http_asyncio"]
        discord.webhook.async_.asyncio = self._saved["webhook_asyncio"]
        self._saved = {}

    # -- bots ---------------------------------------------------------------------
    async def connect(self, bot: Any, *, token: str | None = None, timeout: float = 10.0) -> Any:  # noqa: ASYNC109
        """Start ``bot`` against the stand-in and wait for ``on_ready`` (and its handlers)."""
        self._patch()
        token = token or f"standin.token.{next(_token_counter)}"
        state = getattr(bot, "_connection", None)
        if state is not None:
            state.guild_ready_timeout = 0.05
        ready = asyncio.Event()

        async def _on_ready() -> None:
            ready.set()

        has_listeners = hasattr(bot, "add_listener")
        if has_listeners:
            bot.add_listener(_on_ready, "on_ready")
        task = asyncio.create_task(bot.start(token), name="standin-bot-runner")
        link = BotLink(bot, task, token)
        self.links.append(link)
        self.bot = bot
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            while not (ready.is_set() or (not has_listeners and bot.is_ready())):
                if task.done():
                    self.links.remove(link)
                    raise RuntimeError("bot stopped while connecting") from task.exception()
                if loop.time() > deadline:
                    raise TimeoutError("bot did not become ready")
                waiter = asyncio.ensure_future(ready.wait())
                limit = 0.05 if not has_listeners else deadline - loop.time()
                await asyncio.wait({waiter, task}, timeout=limit, return_when=asyncio.FIRST_COMPLETED)
                waiter.cancel()
        finally:
            if has_listeners:
                bot.remove_listener(_on_ready, "on_ready")
        self.errors.install(bot)
        await self.settle()
        return bot

    async def disconnect(self, bot: Any | None = None) -> None:
        """Close ``bot`` (default: the current one) like a shutdown."""
        link = next((lk for lk in self.links if lk.bot is (bot or self.bot)), None)
        if link is None:
            return
        self.links.remove(link)
        self.errors.uninstall(link.bot)
        await link.bot.close()
        try:
            await asyncio.wait_for(link.task, 5)
        except (TimeoutError, Exception):
            link.task.cancel()
        for session in self.gateway.sessions.values():
            if session.token == link.token:
                session.closed = True
        if self.bot is link.bot:
            self.bot = self.links[-1].bot if self.links else None

    async def restart(self, old: Any, new: Any) -> Any:
        """Shut ``old`` down and connect ``new`` (same world state: guilds, messages...)."""
        await self.disconnect(old)
        return await self.connect(new)

    async def drop_gateway(self, *, wait: bool = True, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Drop the current bot's websocket (close 4000); by default wait for RESUMED."""
        link = next(lk for lk in self.links if lk.bot is self.bot)
        sessions = [s for s in self.gateway.live_sessions if s.token == link.token]
        for session in sessions:
            await self.gateway.drop(session)
        if wait:
            for session in sessions:
                await asyncio.wait_for(session.resumed.wait(), timeout)
            await self.settle()

    async def guild_outage(self, guild: GuildState) -> None:
        """Discord loses ``guild`` for a while: GUILD_DELETE with ``unavailable: true`` (the client keeps the guild,
        marked unavailable, until GUILD_CREATE: ``guild_restored``)."""
        self.world.emit("GUILD_DELETE", {"id": str(guild.id), "unavailable": True}, guild.id)
        await self.settle()

    async def guild_restored(self, guild: GuildState) -> None:
        """The end of ``guild_outage``: GUILD_CREATE with the guild's full state."""
        self.world.emit("GUILD_CREATE", guild.payload(include_members=True), guild.id)
        await self.settle()

    # -- settling -------------------------------------------------------------------
    def _websockets(self, bot: Any) -> dict[int | None, Any]:
        shards = getattr(bot, "_AutoShardedClient__shards", None)
        if shards:
            return {sid: shard.ws for sid, shard in shards.items()}
        return {None: getattr(bot, "ws", None)}

    def busy_reasons(self) -> list[str]:
        """Why the bot is not idle right now (empty list = idle)."""
        return list(self._reasons())

    def _reasons(self) -> Iterator[str]:
        """The reasons, the ones a loop turn can clear first and the dearest to find (a scan of all tasks) last:
        `settle` asks only for the first."""
        loop = asyncio.get_running_loop()
        ready = len(getattr(loop, "_ready", ()))
        if ready:
            yield f"{ready} callbacks ready to run"
        for link in self.links:
            sockets = self._websockets(link.bot)
            for session in self.gateway.live_sessions:
                if session.token != link.token:
                    continue
                ws = sockets.get(session.shard[0] if session.shard else None)
                if session.conn is None:
                    yield f"session {session.id[:8]} not connected"
                elif ws is None or (ws.sequence or 0) < session.seq:
                    yield f"gateway events pending (bot at {getattr(ws, 'sequence', None)}, sent {session.seq})"
        if self._sleeping:
            yield "discord.py is sleeping before an HTTP retry"
        for check in self.busy_checks:
            if reason := check():
                yield reason
        horizon = loop.time() + self.settle_horizon
        soon = [h for h in getattr(loop, "_scheduled", []) if not h.cancelled() and h.when() <= horizon]
        if soon:
            yield f"{len(soon)} timers due within {self.settle_horizon}s"
        handlers = [task.get_name() for task in asyncio.all_tasks()
                    if not task.done() and task.get_name().startswith(_HANDLER_TASKS)]
        if handlers:
            # An event listener, command or view callback still running (waiting on a database, an HTTP call …).
            yield f"{len(handlers)} handler task(s) running: {', '.join(sorted(set(handlers))[:3])}"

    async def settle(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until the bot has processed everything sent to it and went idle.

        Idle means: every gateway event was read by the bot, no HTTP retry is
        pending, the event loop has no ready callbacks and no timer due within
        ``settle_horizon`` seconds -- three loop iterations in a row. Tasks
        blocked on user input (``wait_for``, ``view.wait()``) or long sleeps do
        not count as busy.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        quiet = 0
        while quiet < 3:
            reason = next(self._reasons(), None)
            if reason is None:
                quiet += 1
                await asyncio.sleep(0)
                continue
            quiet = 0
            if loop.time() > deadline:
                raise SettleTimeout(f"bot still busy after {timeout}s: {self.busy_reasons()}{_handler_stacks()}")
            # Yield without spinning when the bot is only waiting (timers, handler tasks on I/O or threads, probes):
            # a busy loop here would hold the GIL and starve the bot's worker threads. The reasons a loop turn can
            # clear come first, so the first reason says which.
            runnable = "callbacks ready" in reason or "gateway events pending" in reason
            await asyncio.sleep(0 if runnable else 0.001)

    # -- world shortcuts ---------------------------------------------------------------
    def add_guild(self, name: str = "Test Guild", **kw: Any) -> GuildState:
        """Create a guild (see ``World.add_guild``)."""
        return self.world.add_guild(name, **kw)

    def add_user(self, name: str, **kw: Any) -> Any:
        """Create a user that is in no guild."""
        return self.world.add_user(name, **kw)

    def set_avatar(self, who: Any, image: bytes | None) -> str | None:
        """``who`` (a user or member) uploads ``image`` as their avatar (None: the default one): served by the CDN
        (tests/standin/cdn.py) under the new hash, which is returned; GUILD_MEMBER_UPDATE in each of their guilds."""
        user = getattr(who, "user", who)
        avatar = self.cdn.set_avatar(user, image)
        for guild in self.world.guilds.values():
            member = guild.members.get(user.id)
            if member is not None:
                data = self.world.member_payload(member)
                self.world.emit("GUILD_MEMBER_UPDATE", {**data, "guild_id": str(guild.id)}, guild.id)
        return avatar

    @property
    def bot_user(self) -> Any:
        """The bot's user record."""
        return self.world.bot_user

    @property
    def bot_mention(self) -> str:
        """``<@bot id>`` for messages addressed to the bot."""
        return f"<@{self.world.bot_user.id}>"

    # -- requests, failures, problems ---------------------------------------------------
    def requests(self, method: str | None = None, route: str | None = None) -> list[RecordedRequest]:
        """Recorded REST requests, filtered by method and route template (or concrete path)."""
        return [
            r
            for r in self.http.requests
            if (method is None or r.method == method) and (route is None or route in (r.route, r.path))
        ]

    def events(self, name: str | None = None) -> list[dict[str, Any]]:
        """Gateway dispatches broadcast so far (payloads), optionally only ``name``."""
        return [data for event, data in self.gateway.events if name is None or event == name]

    def fail(
        self,
        method: str,
        route: str,
        status: int = 500,
        *,
        times: int | None = 1,
        json: dict[str, Any] | None = None,
        retry_after: float = 0.01,
    ) -> FailureRule:
        """Force ``method route`` (template like ``/channels/{channel_id}/messages``
        or a concrete path; method ``"*"`` for any) to answer ``status``
        ``times`` times (None = always). 429 answers carry ``retry_after``."""
        rule = FailureRule(method.upper() if method != "*" else "*", route, status, times, json, retry_after)
        self.http.failures.append(rule)
        return rule

    def hold(self, method: str, route: str, *, times: int | None = 1) -> HoldRule:
        """Hold ``method route`` requests (``times`` of them, None = all) without answering until
        ``rule.release()``; ``await rule.reached.wait()`` waits for the first. Released at close."""
        rule = HoldRule(method.upper() if method != "*" else "*", route, times)
        self.http.holds.append(rule)
        return rule

    def expect_errors(self, *types: type[BaseException], required: bool = True) -> ExpectErrors:
        """Mark errors of ``types`` (any if none) reaching the bot's hooks as expected.

        ``async with discord.expect_errors(ValueError) as caught: ...``"""
        return ExpectErrors(self.errors, types, required, self.settle)

    def ignore_errors(self, *types: type[BaseException]) -> None:
        """Never report errors of ``types`` (e.g. the project's user-facing errors).

        Defaults already ignored: app_commands.CheckFailure, commands.CheckFailure,
        commands.CommandNotFound, commands.UserInputError."""
        self.errors.ignored = (*self.errors.ignored, *types)

    def problems(self) -> list[str]:
        """Unimplemented routes, stand-in internal errors and unexpected bot errors."""
        out = [
            f"bot called an unimplemented route: {r.method} {r.path} (json={r.json!r})" for r in self.http.unimplemented
        ]
        out += [f"stand-in internal error on {r.method} {r.path}: {tb}" for r, tb in self.http.internal_errors]
        out += [f"unexpected bot error: {e.format()}" for e in self.errors.unexpected]
        return out

    def assert_clean(self) -> None:
        """Raise AssertionError listing :meth:`problems` (used at fixture teardown)."""
        problems = self.problems()
        if problems:
            raise AssertionError("Discord stand-in found problems:\n" + "\n".join(problems))

    @property
    def captured_errors(self) -> list[CapturedError]:
        """Every error captured so far (expected or not)."""
        return self.errors.errors

    async def wait_for_message(
        self,
        channel: Any,
        predicate: Callable[[Message], bool] | None = None,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> Message:
        """Newest message in ``channel`` matching ``predicate``, waiting (while
        settling) up to ``timeout`` seconds for one to appear."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for msg in reversed(self.messages_in(channel, include_ephemeral=True)):
                if predicate is None or predicate(msg):
                    return msg
            remaining = deadline - loop.time()
            if remaining <= 0 or not await self.world.wait_change(remaining):
                raise TimeoutError(f"no matching message in channel {channel.id} within {timeout}s")
