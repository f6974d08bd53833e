"""Heavy, rarely used libraries imported when first used instead of at start-up (resident memory).

    if TYPE_CHECKING:
        import stripe
    else:
        stripe = lazy_module("stripe")  # ~9 MiB resident: only when premium talks to Stripe

The stand-in behaves like the module for attribute access (`stripe.StripeClient(...)`,
`except stripe.StripeError`): the first attribute read imports the real module, every read is forwarded to it.
What each library costs, and the figures before and after: docs/scaling.md, "Memory at start-up".
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class LazyModule(ModuleType):
    """A module imported on its first attribute access."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self._lazy_target: ModuleType | None = None

    def __getattr__(self, attribute: str) -> Any:  # only called for attributes the stand-in itself lacks
        if attribute.startswith("__") or attribute == "_lazy_target":
            raise AttributeError(attribute)
        if self._lazy_target is None:
            self._lazy_target = importlib.import_module(self.__name__)
        return getattr(self._lazy_target, attribute)  # not cached here: a test's monkeypatch on the module holds

    def __repr__(self) -> str:
        state = "imported" if self._lazy_target is not None else "not imported yet"
        return f"<lazy module {self.__name__!r} ({state})>"


def lazy_module(name: str) -> Any:
    """A stand-in for the module `name` (dotted names allowed, e.g. "PIL.Image") imported on first use."""
    return LazyModule(name)
