"""Erasing one's data must not reset the daily AI quota: the usage count is kept under a keyed pseudonym (no
raw user id) and counted by the quota, for as long as the usage counters themselves are kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gpt.errors import QuotaExceeded
from gpt.quota import USAGE_RETENTION_DAYS
from tests.hearth_harness import Hearth
from tests.llm_standin import LLMStandIn

FORM = {"goal": "Run 5 km three times a week", "obstacle": "I skip when it rains", "feeling": "a bit stuck"}
MORNING = datetime(2026, 3, 2, 8, tzinfo=UTC)


async def _checkin(hearth: Hearth):
    g = hearth.guild
    opened = await hearth.discord.slash("growthcheckin", user=g.member, guild=g.guild, channel=g.general)
    if opened.modal is None:
        return opened
    return await hearth.discord.submit_modal(opened, FORM)


async def _erase(hearth: Hearth) -> str:
    g = hearth.guild
    prompt = await hearth.discord.slash("delete_my_data", user=g.member, guild=g.guild)
    done = await hearth.discord.click(prompt, "Delete everything", user=g.member)
    return done.followups[0].content if done.followups else done.text


async def test_five_checkins_then_erasure_then_a_sixth_is_refused(hearth: Hearth, llm: LLMStandIn) -> None:
    await hearth.connect_llm(llm)
    g = hearth.guild
    hearth.clock.set(MORNING)
    for n in range(5):
        hearth.clock.set(MORNING + timedelta(minutes=5 * n))  # spaced out, as a member would (cooldowns)
        llm.reply(f"Coaching reply {n}")
        result = await _checkin(hearth)
        assert f"Coaching reply {n}" in result.text, result.text
    assert len(llm.completions) == 5

    hearth.clock.set(MORNING + timedelta(minutes=30))
    summary = await _erase(hearth)
    assert summary.startswith("🗑️ **Your data was erased.**"), summary

    hearth.clock.set(MORNING + timedelta(minutes=40))
    with hearth.discord.expect_errors(QuotaExceeded):
        sixth = await _checkin(hearth)
    assert sixth.text.startswith("You've used all 5 of your AI requests for today on this server."), sixth.text
    assert len(llm.completions) == 5  # no LLM request for the sixth

    assert "Kept: gpt_usage_erased:" in summary  # the member was told what is kept, and why
    # No row names the member any more; the count is kept under a pseudonym that is not their id.
    assert await hearth.db.fetchval("SELECT count(*) FROM gpt_usage WHERE user_id = $1", g.member.id) == 0
    assert await hearth.db.fetchval("SELECT count(*) FROM growth_checkins WHERE user_id = $1", g.member.id) == 0
    kept = await hearth.db.fetch("SELECT * FROM gpt_usage_erased")
    assert [(row["guild_id"], row["call_count"]) for row in kept] == [(g.guild.id, 5)]
    assert str(g.member.id) not in kept[0]["user_key"]

    # The next UTC day the member has their quota again, as anyone does.
    hearth.clock.set(MORNING + timedelta(days=1))
    llm.reply("A new day")
    assert "A new day" in (await _checkin(hearth)).text


async def test_kept_counts_go_with_the_usage_retention(hearth: Hearth, llm: LLMStandIn) -> None:
    await hearth.connect_llm(llm)
    hearth.clock.set(MORNING)
    llm.reply("Coaching")
    await _checkin(hearth)
    await _erase(hearth)
    assert await hearth.db.fetchval("SELECT count(*) FROM gpt_usage_erased") == 1
    # The AI cog's daily clean-up deletes counters older than the retention, kept ones too.
    await hearth.move_clock(MORNING + timedelta(days=USAGE_RETENTION_DAYS, hours=12))
    assert await hearth.db.fetchval("SELECT count(*) FROM gpt_usage_erased") == 1
    await hearth.move_clock(MORNING + timedelta(days=USAGE_RETENTION_DAYS + 1, hours=12))
    assert await hearth.db.fetchval("SELECT count(*) FROM gpt_usage_erased") == 0
