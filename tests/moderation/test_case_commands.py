"""/warn, /case show|reason|delete, /cases, /warnings list|remove, /note add|list|remove: success and refusals."""

from __future__ import annotations

from tests.kit.moderation import Moderation


async def warn(m: Moderation, reason: str = "spam", points: float = 1.0, **extra) -> None:
    result = await m.d.slash("warn", user=m.g.moderator, options={"user": m.member, "reason": reason,
                                                                  "points": points, **extra})
    assert "Case #" in result.text, result.text


async def test_warn_records_a_case_dms_the_member_and_posts_the_log(moderation: Moderation) -> None:
    m = moderation
    result = await m.d.slash("warn", user=m.g.moderator, options={"user": m.member, "reason": "spam", "points": 2})
    assert result.ephemeral and "Case #1" in result.text
    case = await m.case(1)
    assert (case.type, case.target_id, case.moderator_id, case.reason, case.points) == (
        "warn", m.member.id, m.g.moderator.id, "spam", 2.0)
    dms = m.d.dms_to(m.member)
    assert len(dms) == 1 and "spam" in str(dms[0].embeds) and "were warned" in str(dms[0].embeds)
    assert m.log_embed(1)["title"] == "Case #1 · Warning"
    assert case.log_message_id == m.log_messages()[0].id


async def test_warn_without_dm_when_the_setting_is_off(moderation: Moderation) -> None:
    await moderation.setting("moderation", "dm_on_action", False)
    await warn(moderation)
    assert moderation.d.dms_to(moderation.member) == []


async def test_warn_refused_to_a_plain_member(moderation: Moderation) -> None:
    m = moderation
    other = m.server.add_member("carl")
    await m.d.settle()
    result = await m.refused("warn", user=m.member, options={"user": other, "reason": "x"})
    assert "Only moderators" in result.text and await m.numbers() == []


async def test_warn_refused_on_a_higher_member_and_outside_the_guild(moderation: Moderation) -> None:
    m = moderation
    result = await m.refused("warn", user=m.g.moderator, options={"user": m.g.owner, "reason": "x"})
    assert "own the server" in result.text
    gone = m.server.add_member("gone")
    await m.d.settle()
    await m.d.member_leave(m.server, gone)
    result = await m.refused("warn", user=m.g.moderator, options={"user": gone.user, "reason": "x"})
    assert "not on this server" in result.text and await m.numbers() == []


async def test_staff_role_may_warn(moderation: Moderation) -> None:
    m = moderation
    staff = m.server.add_role("Staff", [])
    helper = m.server.add_member("helper", roles=[staff])
    await m.d.settle()
    await m.setting("system", "staff_role", staff.id)
    result = await m.d.slash("warn", user=helper, options={"user": m.member, "reason": "x"},
                             check_permissions=False)
    assert "Case #1" in result.text


async def test_case_reason_edits_the_log_message_and_keeps_the_old_reason(moderation: Moderation) -> None:
    m = moderation
    await warn(m, "first reason")
    message_id = (await m.case(1)).log_message_id
    result = await m.d.slash("case reason", user=m.g.moderator, number=1, reason="better reason")
    assert "reason changed" in result.text
    embed = m.log_embed(1)
    assert "better reason" in str(embed) and "first reason" not in str(embed)
    assert [msg.id for msg in m.log_messages()] == [message_id]  # edited, not posted again
    assert (await m.case(1)).reason == "better reason"
    shown = await m.d.slash("case show", user=m.g.moderator, number=1)
    assert "first reason" in shown.text and "better reason" in shown.text


async def test_case_reason_refusals(moderation: Moderation) -> None:
    m = moderation
    result = await m.refused("case reason", user=m.g.moderator, number=7, reason="x")
    assert "no case #7" in result.text
    await warn(m)
    result = await m.refused("case reason", user=m.member, number=1, reason="x")
    assert "Only moderators" in result.text and (await m.case(1)).reason == "spam"


async def test_case_show_refuses_an_unknown_case(moderation: Moderation) -> None:
    result = await moderation.refused("case show", user=moderation.g.moderator, number=3)
    assert "no case #3" in result.text


async def test_case_delete_is_for_admins_and_soft(moderation: Moderation) -> None:
    m = moderation
    await warn(m)
    refused = await m.refused("case delete", user=m.g.moderator, number=1)
    assert "Only admins" in refused.text and (await m.case(1)).deleted_at is None
    result = await m.d.slash("case delete", user=m.g.admin, number=1, reason="mistake", check_permissions=False)
    assert "deleted" in result.text
    case = await m.case(1)
    assert case is not None and case.deleted_at is not None and case.deleted_by == m.g.admin.id
    assert "(deleted)" in m.log_embed(1)["title"]
    listing = await m.d.slash("cases", user=m.g.moderator)
    assert "No cases" in listing.text


async def test_cases_filters_and_pages(moderation: Moderation) -> None:
    m = moderation
    await m.setting("automod", "escalation", [])  # twelve warnings of one member, none escalated
    for i in range(12):
        await warn(m, f"w{i}")
    guild = m.hearth.bot.get_guild(m.server.id)
    await m.api.record_case(guild, "kick", target_id=m.g.admin.id, reason="k", moderator_id=m.g.owner.id)
    all_cases = await m.d.slash("cases", user=m.g.moderator)
    assert "Cases (13)" in all_cases.text and all_cases.embeds[0]["footer"]["text"] == "Page 1 of 2"
    page_two = await m.d.click(all_cases, "Next", user=m.g.moderator)
    assert "**#1** " in page_two.message.embeds[0]["description"]
    by_type = await m.d.slash("cases", user=m.g.moderator, type="kick")
    assert "Cases (1)" in by_type.text
    by_mod = await m.d.slash("cases", user=m.g.moderator, options={"moderator": m.g.owner})
    assert "Cases (1)" in by_mod.text
    by_user = await m.d.slash("cases", user=m.g.moderator, options={"user": m.member})
    assert "Cases (12)" in by_user.text
    refused = await m.refused("cases", user=m.member)
    assert "Only moderators" in refused.text


async def test_warnings_list_and_remove(moderation: Moderation) -> None:
    m = moderation
    await warn(m, "a", 2)
    await warn(m, "b", 1.5)
    listing = await m.d.slash("warnings list", user=m.g.moderator, options={"user": m.member})
    assert listing.embeds[0]["footer"]["text"] == "2 warning(s), 3.5 point(s) in all"
    removed = await m.d.slash("warnings remove", user=m.g.moderator, number=1)
    assert "deleted" in removed.text
    listing = await m.d.slash("warnings list", user=m.g.moderator, options={"user": m.member})
    assert listing.embeds[0]["footer"]["text"] == "1 warning(s), 1.5 point(s) in all"
    guild = m.hearth.bot.get_guild(m.server.id)
    await m.api.record_case(guild, "kick", target_id=m.member.id, reason="k", moderator_id=m.g.owner.id)
    refused = await m.refused("warnings remove", user=m.g.moderator, number=3)
    assert "no warning #3" in refused.text and (await m.case(3)).deleted_at is None
    refused = await m.refused("warnings list", user=m.member, options={"user": m.member})
    assert "Only moderators" in refused.text


async def test_notes_are_not_cases(moderation: Moderation) -> None:
    m = moderation
    added = await m.d.slash("note add", user=m.g.moderator, options={"user": m.member, "text": "watch out"})
    assert "Note" in added.text and await m.numbers() == []
    listing = await m.d.slash("note list", user=m.g.moderator, options={"user": m.member})
    assert "watch out" in listing.text
    note_id = await m.db.fetchval("SELECT id FROM moderation_notes")
    removed = await m.d.slash("note remove", user=m.g.moderator, note_id=note_id)
    assert "deleted" in removed.text and await m.db.fetchval("SELECT count(*) FROM moderation_notes") == 0
    refused = await m.refused("note remove", user=m.g.moderator, note_id=note_id)
    assert f"no note {note_id}" in refused.text
    refused = await m.refused("note add", user=m.member, options={"user": m.member, "text": "x"})
    assert "Only moderators" in refused.text


async def test_guild_isolation(moderation: Moderation) -> None:
    m = moderation
    other = m.d.add_guild("Other")
    zed = other.add_member("zed")
    await m.d.settle()
    await m.api.record_case(m.hearth.bot.get_guild(other.id), "warn", target_id=zed.user.id, reason="other guild",
                            moderator_id=other.owner.user.id if hasattr(other.owner, "user") else None)
    result = await m.refused("case show", user=m.g.moderator, number=1)
    assert "no case #1" in result.text
    listing = await m.d.slash("cases", user=m.g.moderator)
    assert "No cases" in listing.text
