"""A Claim click while the engagement cog is away is answered privately, and claims nothing."""

from __future__ import annotations

from tests.engagement.test_og import _setup
from tests.hearth_harness import Hearth


async def test_a_claim_while_the_engagement_cog_is_away_gets_a_friendly_answer(hearth: Hearth) -> None:
    g, d = hearth.guild, hearth.discord
    _, claim = await _setup(hearth, 5)
    await hearth.bot.remove_cog("Engagement")
    answer = await d.click(claim, "Claim OG", user=g.member)
    assert answer.ephemeral and answer.text == "OG claims are not available right now, try again later."
    assert await hearth.db.fetchval("SELECT count(*) FROM engagement_og_claims") == 0
