"""Finding the cog packages by name (each `cogs/<name>/` package), without importing any cog: used to load the
cogs, to find their GDPR modules whether or not they are loaded, and to list their settings."""

from __future__ import annotations

import importlib
import pkgutil


def discover_cogs(package: str = "cogs") -> list[str]:
    """Names of the cog packages under `package` (each `cogs/<name>/__init__.py` with a `setup`)."""
    module = importlib.import_module(package)
    return sorted(info.name for info in pkgutil.iter_modules(module.__path__) if info.ispkg)
