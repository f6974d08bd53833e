"""OG claims: exactly N under concurrent clicks, one per member, the role and badge, the count on the message."""

from __future__ import annotations

import asyncio

from tests.engagement.helpers import setting
from tests.hearth_harness import Hearth


async def _setup(hearth: Hearth, limit: int):
    g, d = hearth.guild, hearth.discord
    role = g.guild.add_role("OG", [])
    await d.settle()
    await setting(hearth, "og_limit", limit)
    await setting(hearth, "og_role", role.id)
    result = await d.slash("og setup", user=g.admin, guild=g.guild, options={"channel": g.general})
    assert "The OG claim message is in" in result.text and "0/" in result.text
    return role, d.last_message(g.general)


async def test_exactly_n_claims_under_concurrent_clicks(hearth: Hearth) -> None:
    g, d = hearth.guild, hearth.discord
    role, claim = await _setup(hearth, 5)
    people = [g.guild.add_member(f"fan{n}") for n in range(12)]
    await d.settle()
    clicks = await asyncio.gather(*(d.click(claim, "Claim OG", user=p, settle=False) for p in people))
    await d.settle()
    for click in clicks:
        await click.wait(lambda r: r.responded)
    winners = [p for p, c in zip(people, clicks, strict=True) if "You're OG #" in c.content]
    losers = [c for c in clicks if "all 5 OG spots are taken" in c.content]
    assert len(winners) == 5 and len(losers) == 7
    assert sorted(c.content.split("#")[1][:1] for c in clicks if "You're OG #" in c.content) == list("12345")
    assert await hearth.db.fetchval("SELECT count(*) FROM engagement_og_claims WHERE guild_id = $1", g.guild.id) == 5
    assert await hearth.db.fetchval("SELECT count(*) FROM engagement_badges WHERE badge_key = 'og'") == 5
    with_role = {p.id for p in people if role.id in g.guild.members[p.id].roles}
    assert with_role == {p.id for p in winners}
    message = d.world.messages[claim.id]
    assert message.embeds[0]["fields"][0]["value"].startswith("**5/5**")
    assert message.buttons()[0]["disabled"] is True


async def test_one_claim_per_member_even_when_clicking_twice_at_once(hearth: Hearth) -> None:
    g, d = hearth.guild, hearth.discord
    role, claim = await _setup(hearth, 3)
    clicks = await asyncio.gather(*(d.click(claim, "Claim OG", user=g.member, settle=False) for _ in range(4)))
    await d.settle()
    for click in clicks:
        await click.wait(lambda r: r.responded)
    assert sum("You're OG #1 of 3" in c.content for c in clicks) == 1
    assert sum("already claimed" in c.content for c in clicks) == 3
    assert await hearth.db.fetchval("SELECT count(*) FROM engagement_og_claims") == 1
    assert d.world.messages[claim.id].embeds[0]["fields"][0]["value"] == "**1/3**"
    assert role.id in g.guild.members[g.member.id].roles


async def test_claims_are_per_guild(hearth: Hearth) -> None:
    g, d = hearth.guild, hearth.discord
    _, claim = await _setup(hearth, 1)
    await d.click(claim, "Claim OG", user=g.member)
    other = d.add_guild("Other")
    chat = other.add_text_channel("chat")
    boss = other.add_member("boss", permissions=["manage_guild"])
    fan = other.add_member("fan")
    await d.settle()
    await d.slash("og setup", user=boss, guild=other, options={"channel": chat})
    theirs = d.last_message(chat)
    assert theirs.embeds[0]["fields"][0]["value"] == "**0/50**"  # the other guild's own limit and count
    result = await d.click(theirs, "Claim OG", user=fan)
    assert "You're OG #1 of 50" in result.content
    assert "I can't" not in result.content
