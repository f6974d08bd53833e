"""Fixtures the reliability tests share with the feature tests (re-exported from their conftest modules)."""

from tests.premium.conftest import premium, stripe_env  # noqa: F401 - fixtures
