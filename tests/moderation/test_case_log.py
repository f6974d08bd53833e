"""The case log: numbering under concurrency, the API other features use, the mod-log message per case."""

from __future__ import annotations

import asyncio

from tests.kit.moderation import Moderation


async def test_concurrent_cases_are_numbered_without_gap_or_duplicate(moderation: Moderation) -> None:
    guild = moderation.hearth.bot.get_guild(moderation.server.id)
    records = await asyncio.gather(*(
        moderation.api.record_case(guild, "warn", target_id=moderation.member.id, reason=f"r{i}", points=1,
                                   automod_rule="Spam") for i in range(25)))
    assert sorted(r.number for r in records) == list(range(1, 26))
    assert await moderation.numbers() == list(range(1, 26))
    await moderation.d.settle()
    assert len(moderation.log_messages()) == 25


async def test_concurrent_warn_commands_get_numbers_one_to_n(moderation: Moderation) -> None:
    d, g = moderation.d, moderation.g
    await moderation.setting("automod", "escalation", [])  # eight warnings, no escalation case among them
    results = await asyncio.gather(*(
        d.slash("warn", user=g.moderator, options={"user": g.member, "reason": f"spam {i}"}, settle=False)
        for i in range(8)))
    await d.settle()
    assert all("Case #" in r.text for r in results), [r.text for r in results]
    assert await moderation.numbers() == list(range(1, 9))
    shown = sorted(int(r.text.split("Case #")[1].split(":")[0]) for r in results)
    assert shown == list(range(1, 9))


async def test_numbers_are_per_guild(moderation: Moderation) -> None:
    other = moderation.d.add_guild("Other")
    member = other.add_member("zed")
    await moderation.d.settle()
    bot = moderation.hearth.bot
    await moderation.api.record_case(bot.get_guild(moderation.server.id), "warn", target_id=moderation.member.id,
                                     reason="a", moderator_id=moderation.g.moderator.id)
    record = await moderation.api.record_case(bot.get_guild(other.id), "warn", target_id=member.user.id, reason="b",
                                              moderator_id=moderation.g.moderator.id)
    assert record.number == 1
    assert await moderation.numbers() == [1]


async def test_an_automatic_case_names_the_rule_and_keeps_the_evidence(moderation: Moderation) -> None:
    guild = moderation.hearth.bot.get_guild(moderation.server.id)
    await moderation.api.record_case(guild, "timeout", target_id=moderation.member.id, reason="slurs",
                                     automod_rule="Bad words", duration_seconds=600,
                                     evidence={"content": "bad text", "attachments": ["https://x/a.png"],
                                               "channel_id": moderation.g.general.id})
    await moderation.d.settle()
    case = await moderation.case(1)
    assert case is not None and case.moderator_id is None and case.automod_rule == "Bad words"
    embed = moderation.log_embed(1)
    text = str(embed)
    assert "Automod (Bad words)" in text and "bad text" in text and "https://x/a.png" in text and "10m" in text


async def test_without_moderation_log_channel_the_system_log_is_used(moderation: Moderation) -> None:
    system = moderation.server.add_text_channel("system-log")
    await moderation.d.settle()
    await moderation.setting("moderation", "log_channel", None)
    await moderation.setting("system", "log_channel", system.id)
    await moderation.d.slash("warn", user=moderation.g.moderator, options={"user": moderation.member,
                                                                          "reason": "spam"})
    posted = [m for m in moderation.d.messages_in(system) if m.embeds]
    assert len(posted) == 1 and posted[0].embeds[0]["title"] == "Case #1 · Warning"
    assert (await moderation.case(1)).log_message_id == posted[0].id
