"""Where points come from besides messages: other features' events, heard through their public APIs.

- Challenge wins: engagement's `EngagementApi` (`add_challenge_won_listener`).
- Level-ups: the levels feature's bot event `hearth_level_up` (a `cogs.levels.api.LevelUp`), heard by the cog's
  `on_hearth_level_up` listener: no link to keep, whichever cog loads first.

An API belongs to its cog's current load: when either side reloads, the link is made again (`HookLink.ensure`,
called when the points cog loads and at every flush, a dictionary lookup), so a reloaded feature is heard again
within seconds. The listeners only buffer the credit (no database round trip on another feature's path); each
credit's reference (`challenge:<id>`, `level:<n>`) makes it count once per member however often it is heard.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger(__name__)

Listener = Callable[..., Awaitable[None]]


class HookLink:
    """Keeps `listener` added to the hook of the API `find()` returns, across reloads of either side."""

    def __init__(self, find: Callable[[], Any], add: str, remove: str, listener: Listener) -> None:
        self._find = find
        self._add = add
        self._remove = remove
        self._listener = listener
        self._api: Any = None
        self._warned = False

    @property
    def linked(self) -> bool:
        """Whether the listener is added to a published API right now."""
        return self._api is not None

    def ensure(self) -> None:
        """Link to the API published now (none: unlink); nothing to do when it is the one already linked."""
        api = self._find()
        if api is self._api:
            return
        self.close()
        if api is None:
            return
        add = getattr(api, self._add, None)
        if add is None:  # a version of the feature without this hook
            if not self._warned:
                log.warning("Points: %s has no %s(); its events earn no points", type(api).__name__, self._add)
                self._warned = True
            return
        add(self._listener)
        self._api = api

    def close(self) -> None:
        """Remove the listener from the API it was added to."""
        api, self._api = self._api, None
        remove = getattr(api, self._remove, None) if api is not None else None
        if remove is not None:
            remove(self._listener)
