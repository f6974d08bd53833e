"""Which cogs there are and which to load: the cog packages under `cogs/`, and the COGS / --cogs choice.

Kept apart from the bot object (`core.hearth_bot`) because the GDPR fan-out and the settings docs discover the
cogs the same way without building a bot.
"""

from __future__ import annotations

import importlib
import pkgutil

LOAD_FIRST = ("config",)


class UnknownCogError(ValueError):
    """A cog named in COGS / --cogs does not exist."""


def discover_cogs(package: str = "cogs") -> list[str]:
    """Names of the cog packages under `package` (each `cogs/<name>/__init__.py` with a `setup`)."""
    module = importlib.import_module(package)
    return sorted(info.name for info in pkgutil.iter_modules(module.__path__) if info.ispkg)


def select_cogs(available: list[str], wanted: list[str] | None) -> list[str]:
    """The cogs to load: all of `available`, or those `wanted` (COGS setting / --cogs flag), validated."""
    if wanted:
        unknown = [name for name in wanted if name not in available]
        if unknown:
            raise UnknownCogError(
                f"unknown cog(s) in COGS: {', '.join(unknown)}. Available: {', '.join(available) or 'none'}."
            )
    chosen = [name for name in available if not wanted or name in wanted]
    # /config loads first: other cogs add their own subgroups to it (/config automod …) when they load.
    return sorted(chosen, key=lambda name: (name not in LOAD_FIRST, name))
