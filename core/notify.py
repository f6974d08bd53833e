"""PostgreSQL LISTEN/NOTIFY: tell every bot process that a guild's cached data changed.

A writer calls `await notify(conn, CHANNEL, str(guild_id))` inside the transaction of its change (PostgreSQL
delivers the notification only on commit, so a rolled-back change notifies nobody). Each process runs one
`NotifyListener` for all its channels (`subscribe(bot, channel, …)`): a dedicated connection (never a pooled
one: a pool would hand it to someone else and the LISTEN would be lost) that calls the subscribed callbacks
with the payload. It connects to `Database.direct_url` (DATABASE_DIRECT_URL), never through a transaction-pooling
PgBouncer, which would run the LISTEN on whichever server connection it picks and never deliver a notification.
When the connection drops, it reconnects with back-off and calls `on_reconnect`, because notifications sent
meanwhile are lost: the owner drops its whole cache then.

The connection counts in the database's connection budget (`Database.budget`) like a pool of one.

The caches such listeners invalidate are `core.guild_cache.GuildCache`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

from core.db import Executor, TransactionPool

log = logging.getLogger(__name__)

__all__ = ["Callback", "NotifyListener", "change_and_notify", "notify", "subscribe", "unsubscribe"]

Callback = Callable[[str], Any]  # called with the payload; may return an awaitable
Connect = Callable[[str], Awaitable[asyncpg.Connection]]


async def notify(conn: Executor, channel: str, payload: str) -> None:
    """Send a notification on `channel` (delivered when `conn`'s transaction commits)."""
    await conn.execute("SELECT pg_notify($1, $2)", channel, payload)


async def change_and_notify(pool: TransactionPool, channel: str, guild_id: int, query: str, *args: Any) -> Any:
    """Run one writing `query` (…`RETURNING` one value) and, when it returned a row, notify `channel` with the
    guild id in the same transaction, so every process drops its cached copy once the change is visible.
    Returns the query's value (None when no row was written)."""
    async with pool.acquire() as conn, conn.transaction():
        value = await conn.fetchval(query, *args)
        if value is not None:
            await notify(conn, channel, str(guild_id))
    return value


class NotifyListener:
    """LISTEN on one or more channels over one dedicated connection, reconnecting with back-off.

    A bot shares one listener between its cogs (`subscribe(bot, …)` below): one connection, whatever the
    number of channels.
    """

    def __init__(self, url: str, channel: str | None = None, *, on_payload: Callback | None = None,
                 on_reconnect: Callable[[], Any] | None = None, budget: Any = None, name: str = "shared",
                 min_backoff: float = 0.2, max_backoff: float = 30.0, connect: Connect | None = None) -> None:
        self.url = url
        self.name = name
        self.budget = budget  # a core.db.PoolBudget (or None): the connection is reserved in it
        self.min_backoff = min_backoff
        self.max_backoff = max_backoff
        self._connect = connect or (lambda url: asyncpg.connect(url, server_settings={
            "application_name": f"hearth:listen:{name}"[:63]}))
        self._subscriptions: dict[str, tuple[Callback, Callable[[], Any] | None]] = {}
        if channel is not None and on_payload is not None:
            self._subscriptions[channel] = (on_payload, on_reconnect)
        self._task: asyncio.Task[None] | None = None
        self._conn: asyncpg.Connection | None = None
        self._ready = asyncio.Event()
        self._callbacks: set[asyncio.Task[Any]] = set()
        self.connections = 0  # successful (re)connections so far
        self.received = 0  # notifications delivered to callbacks

    @property
    def owner(self) -> str:
        """Name of the reserved connection in the budget."""
        return f"listen:{self.name}"

    @property
    def channels(self) -> list[str]:
        """The channels listened to."""
        return sorted(self._subscriptions)

    @property
    def running(self) -> bool:
        """Whether start() ran and stop() did not."""
        return self._task is not None

    async def start(self, *, wait: float | None = 5.0) -> None:
        """Start listening; waits (up to `wait` seconds) until the first LISTEN is in place."""
        if self._task is not None:
            return
        if self.budget is not None:
            self.budget.reserve(self.owner, 1)
        self._task = asyncio.create_task(self._run(), name=f"listen-{self.name}")
        if wait:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._ready.wait(), wait)

    async def stop(self) -> None:
        """Stop listening and close the connection."""
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
        await self._close()
        if self.budget is not None:
            self.budget.release(self.owner)

    async def subscribe(self, channel: str, on_payload: Callback, on_reconnect: Callable[[], Any] | None = None,
                        ) -> None:
        """Listen on `channel` too (starts the listener if needed)."""
        self._subscriptions[channel] = (on_payload, on_reconnect)
        conn = self._conn
        if self._task is None:
            await self.start()
        elif conn is not None and self._ready.is_set():
            await conn.add_listener(channel, self._deliver)

    async def unsubscribe(self, channel: str) -> None:
        """Stop listening on `channel`."""
        self._subscriptions.pop(channel, None)
        conn = self._conn
        if conn is not None and not conn.is_closed():
            with contextlib.suppress(OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                await conn.remove_listener(channel, self._deliver)

    @property
    def listening(self) -> bool:
        """Whether the LISTENs are in place right now."""
        return self._ready.is_set()

    async def _run(self) -> None:
        delay = self.min_backoff
        first = True
        while True:
            lost = asyncio.Event()
            try:
                conn = await self._connect(self.url)
                self._conn = conn
                conn.add_termination_listener(lambda _conn, lost=lost: lost.set())
                for channel in list(self._subscriptions):
                    await conn.add_listener(channel, self._deliver)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
                await self._close()
                log.warning("LISTEN %s: cannot connect (%s); retrying in %.1fs", self.name, exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.max_backoff)
                continue
            self.connections += 1
            delay = self.min_backoff
            self._ready.set()
            if not first:
                log.info("LISTEN %s: reconnected; dropping caches (notifications may have been missed)", self.name)
                await self._reconnected()
            first = False
            await lost.wait()
            self._ready.clear()
            log.warning("LISTEN %s: connection lost; reconnecting", self.name)
            await self._close()
            # Changes made while we were away were not heard: drop caches now, not only after reconnecting.
            await self._reconnected()

    def _deliver(self, _conn: Any, _pid: int, channel: str, payload: str) -> None:
        subscription = self._subscriptions.get(channel)
        if subscription is None:
            return
        self.received += 1
        result = subscription[0](payload)
        if asyncio.iscoroutine(result):
            task = asyncio.ensure_future(result)
            self._callbacks.add(task)
            task.add_done_callback(self._callbacks.discard)

    async def _reconnected(self) -> None:
        for channel, (_, callback) in list(self._subscriptions.items()):
            if callback is None:
                continue
            try:
                result = callback()
                if asyncio.iscoroutine(result):
                    await result
            except Exception:
                log.exception("LISTEN %s: the reconnect callback of %s failed", self.name, channel)

    async def _close(self) -> None:
        conn, self._conn = self._conn, None
        self._ready.clear()
        if conn is not None and not conn.is_closed():
            try:
                await asyncio.wait_for(conn.close(), 2)
            except (TimeoutError, OSError, asyncpg.InterfaceError):
                conn.terminate()


async def subscribe(bot: Any, channel: str, on_payload: Callback,
                    on_reconnect: Callable[[], Any] | None = None) -> NotifyListener:
    """Listen on `channel` through the bot's one shared listener (`bot.notify_listener`, created on first use)."""
    listener = getattr(bot, "notify_listener", None)
    if not isinstance(listener, NotifyListener):
        listener = NotifyListener(bot.db.direct_url, budget=bot.db.budget)
        bot.notify_listener = listener
    await listener.subscribe(channel, on_payload, on_reconnect)
    return listener


async def unsubscribe(bot: Any, channel: str) -> None:
    """Stop listening on `channel`; the shared connection closes with the last channel."""
    listener = getattr(bot, "notify_listener", None)
    if not isinstance(listener, NotifyListener):
        return
    await listener.unsubscribe(channel)
    if not listener.channels:
        await listener.stop()
        bot.notify_listener = None
