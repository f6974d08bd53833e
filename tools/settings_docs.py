"""Generate docs/settings.md from the settings registry, so the admin guide lists every setting.

Run `python -m tools.settings_docs` after adding or changing a setting; a test fails when the committed file
is out of date.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from pathlib import Path

from core.cog_base import HearthCog, with_switch
from core.cog_discovery import discover_cogs
from core.settings_registry import SettingSpec, SettingsRegistry, system_settings

DOCS_FILE = Path(__file__).resolve().parent.parent / "docs" / "settings.md"


def declared_settings(package: str = "cogs") -> SettingsRegistry:
    """A registry holding the system settings and every setting declared by a cog class under `package`."""
    registry = SettingsRegistry()
    registry.register(*system_settings())
    for name in discover_cogs(package):
        cog_package = importlib.import_module(f"{package}.{name}")
        for info in pkgutil.iter_modules(cog_package.__path__):
            module = importlib.import_module(f"{package}.{name}.{info.name}")
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, HearthCog) and cls.__module__ == module.__name__:
                    registry.register(*with_switch(cls.settings, cls.module))
    return registry


def _default(spec: SettingSpec) -> str:
    return "not set" if spec.default is None else f"`{spec.default}`"


def render(registry: SettingsRegistry) -> str:
    """The Markdown page: one table per scope."""
    lines = [
        "# Settings",
        "",
        "Every per-server setting, by scope. Admins (Manage Server) change them in Discord:",
        "`/config set scope:<scope> key:<key> value:<value>` (channel and role settings also take the `channel` /",
        "`role` option), `/config get`, `/config reset`, `/config list [scope]`. See [config.md](config.md).",
        "",
        "*This page is generated from the settings registry by `python -m tools.settings_docs`.*",
    ]
    for scope in registry.scopes():
        lines += ["", f"## `{scope}`", "", "| Key | Type | Default | Description |", "| --- | --- | --- | --- |"]
        for spec in registry.in_scope(scope):
            kind = spec.type.value + (f" ({', '.join(spec.choices)})" if spec.choices else "")
            if spec.grants_role:
                kind += " (given by the bot: [role safety](config.md#role-safety))"
            if spec.channel_kind != "text":
                kind += f" ({spec.channel_kind})"
            lines.append(f"| `{spec.key}` | {kind} | {_default(spec)} | {spec.description} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    """Write docs/settings.md."""
    DOCS_FILE.write_text(render(declared_settings()))
    print(f"wrote {DOCS_FILE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
