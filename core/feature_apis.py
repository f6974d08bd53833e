"""Where features find each other: each feature that others need publishes a small typed API here.

A feature owns its tables alone. When another feature needs its data (tickets search the FAQ, growth reads the
companion's reflections, onboarding asks whether the GDPR terms were accepted), it asks the owner's public API,
never its tables. The owner registers the API object when its cog loads and withdraws it when the cog unloads;
the API class lives in the owner's package as `cogs/<feature>/api.py`, so the caller imports that one module of the
owner and nothing else of it:

    # cogs/faq/cog.py
    async def cog_load(self) -> None:
        await super().cog_load()
        self.bot.apis.publish(FaqApi, FaqApi(self.pool, self.bot.guild_settings))

    # cogs/tickets/opening.py
    faq = self.bot.apis.get(FaqApi)          # None when the FAQ cog is not loaded on this bot
    hits = await faq.search(guild_id, text) if faq is not None else []

`get` returns None when the owner is not loaded (the caller does without, as it would with the feature turned
off); `require` turns that into a human answer for a command that cannot do without it.
"""

from __future__ import annotations

from typing import TypeVar, cast

from utils.errors import UserFacingError

T = TypeVar("T")


def _key(kind: type) -> str:
    # By the class's name, not the class object: unloading a cog makes discord.py drop the cog package's modules
    # from sys.modules, so the API class reloaded with the cog is a new object, while other cogs still hold the
    # class they imported before.
    return f"{kind.__module__}.{kind.__qualname__}"


class FeatureApis:
    """The registry of feature APIs on the bot (`bot.apis`), keyed by the API's class (by its qualified name)."""

    def __init__(self) -> None:
        self._apis: dict[str, object] = {}

    def publish(self, kind: type[T], api: T) -> None:
        """Make `api` the `kind` API of this bot (a cog does this in `cog_load`; a reload replaces it)."""
        if not isinstance(api, kind):
            raise TypeError(f"{api!r} is not a {kind.__name__}")
        self._apis[_key(kind)] = api

    def withdraw(self, kind: type[T], api: T | None = None) -> None:
        """Take the `kind` API away (in `cog_unload`); with `api`, only if it is still the published one."""
        if api is None or self._apis.get(_key(kind)) is api:
            self._apis.pop(_key(kind), None)

    def get(self, kind: type[T]) -> T | None:
        """The published `kind` API, or None when its feature is not loaded."""
        return cast("T | None", self._apis.get(_key(kind)))

    def named(self, qualified_name: str) -> object | None:
        """The API published under a class's qualified name (`"cogs.invites.api.InvitesApi"`), or None: for a
        caller that cannot import the owner's api module (an optional feature built apart). Prefer `get`."""
        return self._apis.get(qualified_name)

    def require(self, kind: type[T], feature: str) -> T:
        """The published `kind` API; a human error naming `feature` when it is not loaded."""
        api = self.get(kind)
        if api is None:
            raise UserFacingError(f"The {feature} feature is not running on this bot right now, so this can't be "
                                  "done. The bot's operator can check its log.")
        return api
