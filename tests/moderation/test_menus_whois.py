"""Context menus ("Warn", "Delete and warn", "Cases") and /whois."""

from __future__ import annotations

from tests.kit.moderation import Moderation
from utils.errors import UserFacingError


async def test_warn_menu_keeps_the_message_as_evidence(moderation: Moderation) -> None:
    m = moderation
    message = await m.d.say(m.g.general, m.member, "buy cheap stuff", attachments=[("ad.png", b"png", "image/png")])
    opened = await m.d.context_menu("Warn", message, user=m.g.moderator)
    assert opened.modal is not None
    await m.d.submit_modal(opened, {"reason": "advertising", "points": "2"})
    case = await m.case(1)
    assert (case.type, case.target_id, case.points, case.reason) == ("warn", m.member.id, 2.0, "advertising")
    assert case.evidence["content"] == "buy cheap stuff" and case.evidence["attachments"][0].endswith("ad.png")
    assert case.evidence["message_id"] == message.id
    assert "buy cheap stuff" in str(m.log_embed(1))
    assert not m.d.requests("DELETE", "/channels/{channel_id}/messages/{message_id}")  # "Warn" keeps the message


async def test_delete_and_warn_deletes_after_recording(moderation: Moderation) -> None:
    m = moderation
    message = await m.d.say(m.g.general, m.member, "slur here")
    opened = await m.d.context_menu("Delete and warn", message, user=m.g.moderator)
    await m.d.submit_modal(opened, {"reason": "slur", "points": "1"})
    assert (await m.case(1)).evidence["content"] == "slur here"
    assert m.d.requests("DELETE", "/channels/{channel_id}/messages/{message_id}")


async def test_delete_and_warn_needs_manage_messages(moderation: Moderation) -> None:
    m = moderation
    staff = m.server.add_role("Helpers", ["moderate_members"])
    helper = m.server.add_member("helper", roles=[staff])
    await m.d.settle()
    message = await m.d.say(m.g.general, m.member, "x")
    async with m.d.expect_errors(UserFacingError):
        result = await m.d.context_menu("Delete and warn", message, user=helper)
    assert "Manage Messages" in result.text and result.modal is None


async def test_warn_menu_refused_on_a_bots_message(moderation: Moderation) -> None:
    m = moderation
    await m.d.slash("warn", user=m.g.moderator, options={"user": m.member, "reason": "spam"})
    async with m.d.expect_errors(UserFacingError):
        result = await m.d.context_menu("Warn", m.log_messages()[0], user=m.g.moderator)
    assert "not written by a member" in result.text and await m.numbers() == [1]


async def test_cases_menu_lists_the_members_cases(moderation: Moderation) -> None:
    m = moderation
    await m.d.slash("warn", user=m.g.moderator, options={"user": m.member, "reason": "spam"})
    result = await m.d.context_menu("Cases", m.member, user=m.g.moderator)
    assert "Cases (1)" in result.text and "spam" in result.text


async def test_whois_shows_roles_and_case_counts(moderation: Moderation) -> None:
    m = moderation
    await m.d.slash("warn", user=m.g.moderator, options={"user": m.member, "reason": "a"})
    await m.d.slash("warn", user=m.g.moderator, options={"user": m.member, "reason": "b"})
    await m.d.slash("kick", user=m.g.moderator, options={"user": m.member})
    result = await m.d.slash("whois", user=m.g.moderator, options={"user": m.member})
    assert "warning: 2" in result.text and "kick: 1" in result.text and "not on this server" in result.text
    result = await m.d.slash("whois", user=m.g.moderator, options={"user": m.g.moderator})
    assert "Roles (1)" in result.text and "Account created" in result.text and "none" in result.text
    carl = m.server.add_member("carl")
    await m.d.settle()
    refused = await m.refused("whois", user=carl, options={"user": m.g.moderator})
    assert "Only moderators" in refused.text
