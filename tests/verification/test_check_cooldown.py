"""Screenshot checks are LLM calls with an image the member chose: a member who starts verification after
verification (an admin may set `verification.cooldown` to 0) gets at most three AI checks an hour."""

from __future__ import annotations

import json

from cogs.verification.submission import CHECK_RATE
from tests.kit.verification import VerificationDesk, row, start, upload


def needs_review() -> dict:
    return {"can_verify": False, "needs_manual_review": True, "reason": "Unclear.", "payment_date": None}


async def test_a_fourth_screenshot_check_within_the_hour_is_refused_without_an_llm_request(
        desk: VerificationDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    await hearth.bot.guild_settings.set(g.guild.id, "verification", "cooldown", 0, changed_by=g.admin.id)
    desk.llm.respond_with(lambda _request: json.dumps(needs_review()))
    for _ in range(CHECK_RATE[0]):
        verification, channel = await start(desk)
        await upload(desk, channel)
        assert (await row(desk, verification["id"]))["status"] == "manual_review"
        await hearth.bot.get_channel(channel.id).delete()  # an admin closes it; the member starts again
        await hearth.discord.settle()
    assert len(desk.llm.completions) == CHECK_RATE[0]
    verification, channel = await start(desk)
    await upload(desk, channel)
    assert len(desk.llm.completions) == CHECK_RATE[0]
    assert hearth.discord.last_message(channel).content == (
        "⏳ You're doing screenshot checks too often. Try again in 60 min. Upload your screenshot again then.")
    assert (await row(desk, verification["id"]))["status"] == "pending"
    # An hour on, the same verification's upload is checked.
    hearth.clock.advance(seconds=CHECK_RATE[1])
    await upload(desk, channel)
    assert len(desk.llm.completions) == CHECK_RATE[0] + 1
    assert (await row(desk, verification["id"]))["status"] == "manual_review"


async def test_a_check_the_ai_could_not_do_gives_the_use_back(desk: VerificationDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    await hearth.bot.guild_settings.set(g.guild.id, "verification", "cooldown", 0, changed_by=g.admin.id)
    for _ in range(CHECK_RATE[0] + 1):  # more failed checks than the limit: none of them counts
        verification, channel = await start(desk)
        desk.llm.fail(500, times=3)
        await upload(desk, channel)
        assert (await row(desk, verification["id"]))["status"] == "error"
        await hearth.bot.get_channel(channel.id).delete()
        await hearth.discord.settle()
    verification, channel = await start(desk)
    desk.llm.reply_json(needs_review())
    await upload(desk, channel)
    assert (await row(desk, verification["id"]))["status"] == "manual_review"
