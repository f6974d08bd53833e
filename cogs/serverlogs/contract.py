"""What `/config logs` uses of the server log cog (the cog satisfies it; the commands never import the cog)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from cogs.serverlogs.batching import LogBatcher
    from cogs.serverlogs.routing import Router


class LogsContract(Protocol):
    """The cog as its commands see it."""

    bot: Any
    router: Router
    batcher: LogBatcher
