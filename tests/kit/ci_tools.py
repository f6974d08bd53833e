"""Tests that need a program from Debian's packages (PgBouncer, Chromium) which `.ci/run` installs.

`missing_tool(reason)` is the one way such a test reacts when the program is absent: it SKIPS with the reason on a
developer's machine, and FAILS instead when the environment variable `CI` is set (`.ci/run` sets it), where the
program should have been installed and a skip would hide that the tests never ran.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def missing_tool(reason: str) -> NoReturn:
    """Skip (or, with `CI` set, fail) the test: `reason` says what is missing and how to install it."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI is set, where .ci/run installs it", pytrace=False)
    pytest.skip(reason)
