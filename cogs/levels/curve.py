"""MEE6's level curve, so communities moving over recognise their levels: going from level l to l + 1 takes
5·l² + 50·l + 100 XP (100 XP to reach level 1, 155 more for level 2, 220 more for level 3 …).

XP is stored as the member's total; the level is always computed from it (never stored), so the curve lives here
once.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_LEVEL = 1000  # 1,689,242,500 XP; far beyond any real server, and well inside a bigint


def xp_to_next(level: int) -> int:
    """XP needed to go from `level` to `level + 1`."""
    return 5 * level * level + 50 * level + 100


def total_xp(level: int) -> int:
    """Total XP at which a member reaches `level` (0 for level 0): the sum of `xp_to_next` below it."""
    n = level
    # Σ_{l<n} (5l² + 50l + 100) = 5·(n−1)n(2n−1)/6 + 50·(n−1)n/2 + 100n
    return 5 * (n - 1) * n * (2 * n - 1) // 6 + 25 * (n - 1) * n + 100 * n


def level_of(xp: int) -> int:
    """The level a member with `xp` total XP has reached (binary search on the curve)."""
    low, high = 0, MAX_LEVEL
    while low < high:
        middle = (low + high + 1) // 2
        if total_xp(middle) <= xp:
            low = middle
        else:
            high = middle - 1
    return low


@dataclass(frozen=True)
class Progress:
    """Where a member stands: their level, XP earned inside it, and what the next level takes."""

    xp: int
    level: int
    into_level: int  # XP earned since reaching `level`
    needed: int  # XP from `level` to `level + 1`

    @property
    def fraction(self) -> float:
        """How far towards the next level (0–1)."""
        return self.into_level / self.needed if self.needed else 1.0

    @property
    def remaining(self) -> int:
        """XP still missing for the next level."""
        return self.needed - self.into_level


def progress(xp: int) -> Progress:
    """The member's level and the way to the next one."""
    level = level_of(xp)
    return Progress(xp, level, xp - total_xp(level), xp_to_next(level))
