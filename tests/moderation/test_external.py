"""Bans made in Discord's own menus become cases, the moderator taken from the audit log."""

from __future__ import annotations

from tests.kit.moderation import Moderation


async def test_a_ban_in_discords_menus_becomes_a_case(moderation: Moderation) -> None:
    m = moderation
    m.server.ban(m.member, by=m.g.owner, reason="raider")
    await m.d.settle()
    case = await m.case(1)
    assert (case.type, case.target_id, case.moderator_id) == ("ban", m.member.id, m.g.owner.id)
    assert "raider" in case.reason and "Case #1 · Ban" == m.log_embed(1)["title"]


async def test_without_the_audit_log_the_moderator_is_unknown(moderation: Moderation) -> None:
    m = moderation
    m.server.set_role_permissions(m.server.bot_role, ["view_channel", "send_messages", "embed_links", "ban_members"])
    await m.d.settle()
    m.server.ban(m.member, by=m.g.owner)
    await m.d.settle()
    case = await m.case(1)
    assert case.moderator_id is None and "View Audit Log" in case.reason


async def test_hearths_own_bans_are_recorded_once(moderation: Moderation) -> None:
    m = moderation
    await m.d.slash("ban", user=m.g.owner, options={"user": m.member})
    await m.d.slash("softban", user=m.g.owner, options={"user": m.g.moderator})
    await m.d.settle()
    assert await m.numbers() == [1, 2]
