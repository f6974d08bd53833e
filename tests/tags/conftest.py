"""The `tags` fixture: the default guild with the tags cog, as `TagDesk`."""

from __future__ import annotations

import pytest

from tests.hearth_harness import Hearth
from tests.kit.tags import TagDesk


@pytest.fixture
def tags(hearth: Hearth) -> TagDesk:
    """Tags in the default guild."""
    return TagDesk(hearth)
