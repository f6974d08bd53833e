"""/growthhistory: one's own check-ins in this guild only, paged; deleting one's own only."""

from __future__ import annotations

from datetime import timedelta

from tests.hearth_harness import Hearth
from tests.kit.growth import seed_checkin
from tests.llm_standin import LLMStandIn
from utils.errors import BadInput

OTHER_GUILD_ID = 999_000_000_000_000_001


async def test_empty_history_says_how_to_start(hearth: Hearth) -> None:
    g = hearth.guild
    result = await hearth.discord.slash("growthhistory", user=g.member, guild=g.guild)
    assert result.ephemeral
    assert result.text == "You have no growth check-ins on this server yet. Start one with `/growthcheckin`."


async def test_lists_only_own_checkins_of_this_guild(hearth: Hearth) -> None:
    g = hearth.guild
    now = hearth.clock.now()
    await seed_checkin(hearth.db, g.guild.id, g.member.id, "mine, older", now - timedelta(days=2), shared=True)
    await seed_checkin(hearth.db, g.guild.id, g.member.id, "mine, newer", now - timedelta(days=1), style="blunt")
    await seed_checkin(hearth.db, g.guild.id, g.admin.id, "the admin's goal", now)
    await seed_checkin(hearth.db, OTHER_GUILD_ID, g.member.id, "mine, in another server", now)
    result = await hearth.discord.slash("growthhistory", user=g.member, guild=g.guild)
    assert result.ephemeral
    [embed] = result.embeds
    description = embed["description"]
    assert description.index("mine, newer") < description.index("mine, older")
    assert "· blunt" in description and "· shared" in description
    assert "the admin's goal" not in description and "another server" not in description
    assert embed["author"]["name"] == "2 check-in(s) on this server"
    assert result.components == []  # one page: no pager buttons


async def test_pages_with_buttons(hearth: Hearth) -> None:
    g = hearth.guild
    now = hearth.clock.now()
    for i in range(7):
        await seed_checkin(hearth.db, g.guild.id, g.member.id, f"goal {i}", now - timedelta(hours=i))
    result = await hearth.discord.slash("growthhistory", user=g.member, guild=g.guild)
    first = result.embeds[0]
    assert first["footer"]["text"] == "Page 1 of 2"
    assert "goal 0" in first["description"] and "goal 4" in first["description"]
    assert "goal 5" not in first["description"]
    second = await hearth.discord.click(result, "Next", user=g.member)
    page_two = second.message.embeds[0]
    assert page_two["footer"]["text"] == "Page 2 of 2"
    assert "goal 5" in page_two["description"] and "goal 6" in page_two["description"]
    assert "goal 0" not in page_two["description"]


async def test_delete_own_checkin(hearth: Hearth) -> None:
    g = hearth.guild
    mine = await seed_checkin(hearth.db, g.guild.id, g.member.id, "delete me", hearth.clock.now())
    keep = await seed_checkin(hearth.db, g.guild.id, g.member.id, "keep me", hearth.clock.now())
    result = await hearth.discord.slash("growthhistory", user=g.member, guild=g.guild, delete=mine)
    assert result.ephemeral and result.text == f"🗑️ Deleted your check-in #{mine}."
    ids = [r["id"] for r in await hearth.db.fetch("SELECT id FROM growth_checkins")]
    assert ids == [keep]


async def test_cannot_delete_someone_elses_or_another_guilds_checkin(hearth: Hearth) -> None:
    g = hearth.guild
    theirs = await seed_checkin(hearth.db, g.guild.id, g.admin.id, "admin's", hearth.clock.now())
    elsewhere = await seed_checkin(hearth.db, OTHER_GUILD_ID, g.member.id, "mine elsewhere", hearth.clock.now())
    for target in (theirs, elsewhere, 2_000_000_000):
        with hearth.discord.expect_errors(BadInput):
            result = await hearth.discord.slash("growthhistory", user=g.member, guild=g.guild, delete=target)
        assert result.ephemeral
        assert result.text.startswith(f"You have no check-in #{target} on this server.")
    assert await hearth.db.fetchval("SELECT count(*) FROM growth_checkins") == 2


async def test_guild_isolation_end_to_end(ai: Hearth, llm: LLMStandIn) -> None:
    """A check-in made in one server never shows up in another's history, for the same person."""
    g = ai.guild
    other = ai.discord.add_guild("Other Server", owner="other-owner")
    other.add_text_channel("general")
    bob_there = other.add_member("bob", user=g.member.user)  # the same person, in both servers
    await ai.discord.settle()
    opened = await ai.discord.slash("growthcheckin", user=g.member, guild=g.guild)
    await ai.discord.submit_modal(opened, {"goal": "only in the test server"})
    elsewhere = await ai.discord.slash("growthhistory", user=bob_there, guild=other)
    assert bob_there.id == g.member.id
    assert elsewhere.text == "You have no growth check-ins on this server yet. Start one with `/growthcheckin`."
    here = await ai.discord.slash("growthhistory", user=g.member, guild=g.guild)
    assert "only in the test server" in here.embeds[0]["description"]
    assert await ai.db.fetchval("SELECT guild_id FROM growth_checkins") == g.guild.id
