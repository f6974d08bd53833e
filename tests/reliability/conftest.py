"""Shared by the reliability tests: the hypothesis profile for CI (reproducible, derandomized, no example
database, nothing written into the project) and the premium fixtures (re-exported from their conftest)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir

from tests.premium.conftest import premium, stripe_env  # noqa: F401 - fixtures

# Hypothesis caches constants and unicode tables in its home directory even without an example database: keep them
# out of the worktree (no .hypothesis directory to commit or to make runs differ).
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "hearth-hypothesis")

settings.register_profile(
    "hearth-ci",
    database=None,  # no example database: a failure must reproduce from the test alone
    derandomize=True,  # the same examples on every run, so CI is reproducible
    deadline=None,  # an example is Discord round trips through the bot; its duration is not the property
    print_blob=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
settings.load_profile("hearth-ci")
