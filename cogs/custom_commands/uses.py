"""Uses of custom commands, counted in memory and added to `custom_commands.uses` in batches (the shared
`core.use_counts.UseCounts` with this cog's statement)."""

from __future__ import annotations

from cogs.custom_commands import repo
from core.use_counts import CAPACITY, UseCounts


class UsesBuffer(UseCounts):
    """Pending custom command uses, keyed by (guild, command id)."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        super().__init__(repo.add_uses, "Custom commands", capacity)
