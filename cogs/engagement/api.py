"""Engagement's public API: what other features may hear from engagement. Today: who won a challenge.

The engagement cog publishes one `EngagementApi` on `bot.apis` while it is loaded; a caller imports this module
only and asks `bot.apis.get(EngagementApi)` (None when engagement is not loaded). The points feature listens for
challenge winners to credit them:

    api = bot.apis.get(EngagementApi)
    if api is not None:
        api.add_challenge_won_listener(self.on_challenge_won)   # async (guild_id, challenge_id, winner_id)

Listeners are called after the challenge's end is committed, once per challenge (a challenge ends once: its row
is locked and closed in one transaction). A listener that fails is logged; the others and the announcement still
run. A listener belongs to the API object it was added to: when engagement reloads, its new API has none, so a
listener re-adds itself when it sees a new object (the points cog does at every flush).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)

ChallengeWon = Callable[[int, int, int], Awaitable[None]]  # (guild_id, challenge_id, winner_id)



@dataclass(frozen=True)
class ProfileFigures:
    """What `/profile` shows of a member (and the dashboard's member page)."""

    messages: int
    rank: int | None  # by all-time messages; None without messages
    week_messages: int
    streak: int
    best_streak: int
    badges: list[tuple[str, int]]  # (label, times)


class EngagementApi:
    """Hooks on engagement's events and a member's profile, for other features (`bot.apis.get(EngagementApi)`)."""

    def __init__(self, profile: Callable[[int, int], Awaitable[ProfileFigures]] | None = None) -> None:
        self._challenge_won: list[ChallengeWon] = []
        self._profile = profile

    async def profile(self, guild_id: int, user_id: int) -> ProfileFigures:
        """A member's `/profile` figures (fresh: what is buffered is written first)."""
        if self._profile is None:
            raise RuntimeError("this EngagementApi has no profile source")
        return await self._profile(guild_id, user_id)

    def add_challenge_won_listener(self, listener: ChallengeWon) -> None:
        """Call `listener(guild_id, challenge_id, winner_id)` whenever a challenge ends with a winner."""
        if listener not in self._challenge_won:
            self._challenge_won.append(listener)

    def remove_challenge_won_listener(self, listener: ChallengeWon) -> None:
        """Stop calling `listener` (a no-op when it was not added)."""
        if listener in self._challenge_won:
            self._challenge_won.remove(listener)

    async def challenge_won(self, guild_id: int, challenge_id: int, winner_id: int) -> None:
        """Tell every listener that `winner_id` won challenge `challenge_id` (called by the engagement cog)."""
        for listener in list(self._challenge_won):
            try:
                await listener(guild_id, challenge_id, winner_id)
            except Exception:
                log.exception("Engagement: a challenge-won listener failed for challenge %s of guild %s",
                              challenge_id, guild_id)
