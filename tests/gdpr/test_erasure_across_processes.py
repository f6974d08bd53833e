"""An erasure made by one bot process reaches the memory of the others: a second process (even one without the
GDPR cog) that still buffers the member's message counts drops them, so its next flush cannot write the erased
data back."""

from __future__ import annotations

from core.gdpr import erase_everything
from tests.hearth_harness import Hearth
from tests.waiting import eventually


async def test_another_process_drops_its_buffer_of_an_erased_member(hearth: Hearth) -> None:
    g, d = hearth.guild, hearth.discord
    other = await d.connect(hearth.make_bot(cogs=["engagement"]))  # no GDPR cog there
    try:
        await d.say(g.general, g.member, "counted by both processes")
        engagement = other.get_cog("Engagement")
        assert len(engagement.buffer) == 1  # not written yet: it flushes every few seconds
        # (Both bots see the same guild here, so the request is made in the first one's code path directly: a
        # slash command would reach both.)
        erasure = await erase_everything(hearth.bot, hearth.db, g.member.id)
        assert erasure.committed and erasure.not_erased == []
        await eventually(lambda: len(engagement.buffer) == 0, timeout=5,
                         message="the other process still buffers the erased member's counts")
        await engagement.flush()
        for table in ("engagement_daily_counts", "engagement_weekly_messages"):
            assert await hearth.db.fetchval("SELECT count(*) FROM " + table + " WHERE user_id = $1",
                                            g.member.id) == 0, table
    finally:
        await d.disconnect(other)
