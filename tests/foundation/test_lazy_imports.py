"""Heavy, rarely used libraries are imported when first used, not at start-up (issue 24, memory target).

Loading every cog's module must leave Stripe, the OpenAI client, Pillow, dateparser and icalendar unimported
(checked in a fresh interpreter: the test process has imported them all already); the lazy stand-in then behaves
like the module.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from utils.lazy_import import LazyModule, lazy_module

ROOT = Path(__file__).resolve().parents[2]
LAZY = ("stripe", "openai", "PIL", "dateparser", "icalendar")

LOAD_EVERY_COG = """
import importlib, pathlib, sys
import bot  # bot.py's own imports
for cog in sorted(pathlib.Path("cogs").glob("*/cog.py")):
    importlib.import_module(f"cogs.{cog.parent.name}.cog")
print(" ".join(name for name in sys.argv[1:] if name in sys.modules))
"""


def test_loading_every_cog_leaves_the_heavy_libraries_unimported() -> None:
    done = subprocess.run([sys.executable, "-c", LOAD_EVERY_COG, *LAZY], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [], f"imported at start-up: {done.stdout.strip()}"


def test_a_lazy_module_imports_on_first_use_and_forwards_every_read(monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    lazy = lazy_module("json")
    assert isinstance(lazy, LazyModule) and "not imported yet" in repr(lazy)
    assert lazy.dumps({"a": 1}) == '{"a": 1}'
    assert lazy.JSONDecodeError is json.JSONDecodeError
    monkeypatch.setattr(json, "dumps", lambda value: "patched")  # a test's patch on the real module is seen
    assert lazy.dumps({}) == "patched"
    with pytest.raises(AttributeError):
        lazy.no_such_attribute  # noqa: B018
    with pytest.raises(ModuleNotFoundError):
        lazy_module("no_such_module_hearth").anything  # noqa: B018


def test_the_webhook_tolerance_is_stripes_default() -> None:
    import stripe

    from cogs.premium.webhooks import TOLERANCE_SECONDS

    assert TOLERANCE_SECONDS == stripe.Webhook.DEFAULT_TOLERANCE
