"""Feature code reads settings through their spec (`bot.guild_settings.setting(guild_id, SPEC)`), never by a
string key: a lint over the source of cogs/ and gpt/.

`guild_settings.get(guild_id, scope, key)` stays for `/config`, whose scope and key come from what an admin
typed (variables, not literals)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FEATURE_PACKAGES = ("cogs", "gpt")


def _settings_aliases(tree: ast.AST) -> set[str]:
    """Local names bound to `<something>.guild_settings` (e.g. `settings = self.bot.guild_settings`)."""
    names = {"guild_settings"}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Attribute)
                and node.value.attr == "guild_settings"):
            names |= {target.id for target in node.targets if isinstance(target, ast.Name)}
    return names


def _by_string(func: ast.expr, aliases: set[str]) -> bool:
    """A read that may name a setting by string: `<guild_settings or alias>.get(...)`, or a `.setting(...)`
    (the typed read, or one of the per-feature wrappers it replaced: `desk.setting(guild_id, "category")`)."""
    if not isinstance(func, ast.Attribute):
        return False
    if func.attr == "setting":
        return True
    value = func.value
    receiver = value.attr if isinstance(value, ast.Attribute) else value.id if isinstance(value, ast.Name) else None
    return func.attr == "get" and receiver in aliases


def string_keyed_reads(root: Path) -> list[tuple[str, int, tuple[str, ...]]]:
    """(file, line, string arguments) of every settings read given a string literal."""
    found = []
    for package in FEATURE_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            aliases = _settings_aliases(tree)
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call) or not _by_string(node.func, aliases):
                    continue
                literals = tuple(arg.value for arg in node.args
                                 if isinstance(arg, ast.Constant) and isinstance(arg.value, str))
                if literals:
                    found.append((path.relative_to(root).as_posix(), node.lineno, literals))
    return found


def test_no_feature_module_reads_a_setting_by_string_key() -> None:
    offenders = list(string_keyed_reads(ROOT))
    assert offenders == [], (
        "read settings with bot.guild_settings.setting(guild_id, SPEC), SPEC declared in the cog's settings.py: "
        f"{offenders}")


def test_the_lint_sees_direct_and_aliased_reads(tmp_path: Path) -> None:
    feature = tmp_path / "cogs" / "demo"
    feature.mkdir(parents=True)
    (tmp_path / "gpt").mkdir()
    (feature / "cog.py").write_text(
        "async def f(self, guild_id, key):\n"
        "    a = await self.bot.guild_settings.get(guild_id, 'demo', 'enabled')\n"
        "    settings = self.bot.guild_settings\n"
        "    b = await settings.get(guild_id, 'system', 'timezone')\n"
        "    c = await self.bot.guild_settings.get(guild_id, 'demo', key)\n"
        "    d = await self.bot.guild_settings.setting(guild_id, SPEC)\n"
        "    e = {'x': 1}.get('x')\n"
        "    f = await self.desk.setting(guild_id, 'category')\n"
    )
    assert string_keyed_reads(tmp_path) == [
        ("cogs/demo/cog.py", 2, ("demo", "enabled")),
        ("cogs/demo/cog.py", 4, ("system", "timezone")),
        ("cogs/demo/cog.py", 5, ("demo",)),
        ("cogs/demo/cog.py", 8, ("category",)),
    ]
