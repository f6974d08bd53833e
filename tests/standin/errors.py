"""Capture errors that reach the bot's error hooks or discord.py's error logs.

At connect time the stand-in wraps ``bot.tree.on_error``, ``bot.on_error`` and
``bot.on_command_error`` (the originals still run) and adds a logging handler on
the ``discord`` logger (catches errors discord.py only logs, e.g. in views,
modals, dynamic items and ``tasks.loop``). Errors not marked as expected fail
the test at teardown (see ``StandIn.assert_clean``).
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from discord import app_commands
from discord.ext import commands

DEFAULT_IGNORED: tuple[type[BaseException], ...] = (
    app_commands.CheckFailure,
    commands.CheckFailure,
    commands.CommandNotFound,
    commands.UserInputError,
)


@dataclass
class CapturedError:
    """One error seen by a hook or logged by discord.py."""

    source: str
    error: BaseException | None
    detail: str
    expected: bool = False

    def format(self) -> str:
        """Human-readable report with traceback."""
        head = f"[{self.source}] {self.detail}"
        if self.error is None:
            return head
        tb = "".join(traceback.format_exception(type(self.error), self.error, self.error.__traceback__))
        return f"{head}\n{tb}"


class ExpectErrors:
    """Context manager marking errors of ``types`` as expected while active.

    Use ``async with`` to settle the bot before checking; ``caught`` lists the
    errors seen. With ``required=True`` (default) leaving the block without any
    matching error raises AssertionError.
    """

    def __init__(
        self,
        collector: ErrorCollector,
        types: tuple[type[BaseException], ...],
        required: bool,
        settle: Callable[[], Awaitable[None]] | None,
    ) -> None:
        self.collector = collector
        self.types = types or (BaseException,)
        self.required = required
        self.settle = settle
        self.caught: list[CapturedError] = []

    def matches(self, error: BaseException | None) -> bool:
        """Whether ``error`` (or its ``original``) is an expected type."""
        if error is None:
            return BaseException in self.types
        inner = getattr(error, "original", None)
        return isinstance(error, self.types) or (inner is not None and isinstance(inner, self.types))

    def __enter__(self) -> ExpectErrors:
        self.collector.expectations.append(self)
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: TracebackType | None) -> None:
        self.collector.expectations.remove(self)
        if exc_type is None and self.required and not self.caught:
            names = ", ".join(t.__name__ for t in self.types)
            raise AssertionError(f"expected an error ({names}) to reach the bot's error hooks; none did")

    async def __aenter__(self) -> ExpectErrors:
        return self.__enter__()

    async def __aexit__(self, exc_type: Any, exc: Any, tb: TracebackType | None) -> None:
        if exc_type is None and self.settle is not None:
            await self.settle()
        self.__exit__(exc_type, exc, tb)


class ErrorCollector(logging.Handler):
    """Collects errors; installed as a logging handler and as hook wrappers."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.errors: list[CapturedError] = []
        self.expectations: list[ExpectErrors] = []
        self.ignored: tuple[type[BaseException], ...] = DEFAULT_IGNORED
        self.allow_all = False
        self._restore: dict[int, list[Callable[[], None]]] = {}

    @property
    def unexpected(self) -> list[CapturedError]:
        """Errors that should fail the test."""
        return [e for e in self.errors if not e.expected]

    def add(self, source: str, error: BaseException | None, detail: str) -> None:
        """Record an error (deduplicated by exception identity)."""
        if error is not None and any(e.error is error for e in self.errors):
            return
        if error is not None and isinstance(error, self.ignored):
            return
        if error is not None and isinstance(getattr(error, "original", None), self.ignored):
            return
        entry = CapturedError(source, error, detail)
        for exp in reversed(self.expectations):
            if exp.matches(error):
                entry.expected = True
                exp.caught.append(entry)
                break
        if self.allow_all:
            entry.expected = True
        self.errors.append(entry)

    # logging.Handler
    def emit(self, record: logging.LogRecord) -> None:
        """Record ERROR logs from discord.py (with their exception, if any)."""
        error = record.exc_info[1] if record.exc_info else None
        self.add(f"log:{record.name}", error, record.getMessage())

    def install(self, bot: Any) -> None:
        """Wrap the bot's error hooks (call after setup_hook, i.e. when ready)."""
        restore: list[Callable[[], None]] = []
        tree = getattr(bot, "tree", None)
        if tree is not None:
            restore.append(self._wrap(tree, "on_error", self._tree_hook))
        restore.append(self._wrap(bot, "on_error", self._event_hook))
        if hasattr(bot, "on_command_error"):
            restore.append(self._wrap(bot, "on_command_error", self._command_hook))
        self._restore[id(bot)] = restore

    def uninstall(self, bot: Any) -> None:
        """Undo :meth:`install`."""
        for undo in self._restore.pop(id(bot), []):
            undo()

    @staticmethod
    def _wrap(obj: Any, name: str, factory: Callable[[Callable[..., Any]], Callable[..., Any]]) -> Callable[[], None]:
        had_own = name in vars(obj)
        original = getattr(obj, name)
        setattr(obj, name, factory(original))

        def undo() -> None:
            if had_own:
                setattr(obj, name, original)
            else:
                delattr(obj, name)

        return undo

    def _tree_hook(self, original: Callable[..., Any]) -> Callable[..., Any]:
        async def on_error(interaction: Any, error: BaseException) -> None:
            command = getattr(interaction.command, "qualified_name", None)
            self.add("tree.on_error", error, f"app command {command!r}: {error!r}")
            await original(interaction, error)

        return on_error

    def _event_hook(self, original: Callable[..., Any]) -> Callable[..., Any]:
        async def on_error(event_method: str, *args: Any, **kwargs: Any) -> None:
            error = sys.exc_info()[1]
            self.add("bot.on_error", error, f"event {event_method!r}: {error!r}")
            await original(event_method, *args, **kwargs)

        return on_error

    def _command_hook(self, original: Callable[..., Any]) -> Callable[..., Any]:
        async def on_command_error(context: Any, error: BaseException) -> None:
            self.add("on_command_error", error, f"command {getattr(context, 'command', None)}: {error!r}")
            await original(context, error)

        return on_command_error
