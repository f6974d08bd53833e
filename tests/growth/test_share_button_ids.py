"""The "Share publicly" button: new ones carry `hearth:growth:` ids, and those posted by older versions
(`growth:share:<id>`) still share the check-in."""

from __future__ import annotations

from tests.custom_ids import as_posted_before, custom_ids
from tests.growth.test_checkin import open_and_submit
from tests.hearth_harness import Hearth


async def test_share_buttons_posted_with_the_old_growth_id_still_work(ai: Hearth) -> None:
    g = ai.guild
    result = await open_and_submit(ai, g.member)
    checkin_id = await ai.db.fetchval("SELECT id FROM growth_checkins")
    assert custom_ids(result.message) == [f"hearth:growth:share:{checkin_id}"]
    as_posted_before(result.message, "hearth:growth:", "growth:")
    assert custom_ids(result.message) == [f"growth:share:{checkin_id}"]

    shared = await ai.discord.click(result, "Share publicly", user=g.member)
    assert ai.discord.last_message(g.general).content.startswith(f"🌱 **Growth check-in from <@{g.member.id}>**")
    assert [b["label"] for b in shared.message.buttons()] == ["Shared"]
    assert await ai.db.fetchval("SELECT shared FROM growth_checkins") is True
