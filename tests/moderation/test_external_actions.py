"""Timeouts, kicks and unbans made in Discord's own menus become cases, the moderator from the audit log; an
unban closes the open ban case; Hearth's own actions (commands, automod) are not recorded twice."""

from __future__ import annotations

from datetime import timedelta

from tests.kit.automod import Automod
from tests.kit.moderation import Moderation


async def test_a_timeout_and_its_lifting_in_discords_menus_become_cases(moderation: Moderation) -> None:
    m = moderation
    m.server.timeout(m.member, timedelta(hours=2), by=m.g.moderator, reason="cool down")
    await m.d.settle()
    case = await m.case(1)
    assert (case.type, case.target_id, case.moderator_id) == ("timeout", m.member.id, m.g.moderator.id)
    assert "cool down" in case.reason and abs(case.duration_seconds - 7200) <= 2
    m.server.timeout(m.member, None, by=m.g.moderator)
    await m.d.settle()
    lifted = await m.case(2)
    assert (lifted.type, lifted.moderator_id, lifted.linked_case) == ("untimeout", m.g.moderator.id, 1)
    assert m.log_embed(2)["title"] == "Case #2 · Timeout lifted"


async def test_a_kick_in_discords_menus_is_a_case_and_leaving_is_not(moderation: Moderation) -> None:
    m = moderation
    carol = m.server.add_member("carol")
    await m.d.settle()
    m.server.kick(m.member, by=m.g.moderator, reason="spam bot")
    await m.d.settle()
    case = await m.case(1)
    assert (case.type, case.target_id, case.moderator_id) == ("kick", m.member.id, m.g.moderator.id)
    assert "spam bot" in case.reason
    await m.d.member_leave(m.server, carol)
    assert await m.numbers() == [1]


async def test_an_unban_in_discords_menus_closes_the_ban_case(moderation: Moderation) -> None:
    m = moderation
    await m.d.slash("ban", user=m.g.owner, options={"user": m.member, "reason": "raid"})
    m.server.unban(m.member, by=m.g.owner, reason="appeal by mail")
    await m.d.settle()
    ban, unban = await m.case(1), await m.case(2)
    assert (unban.type, unban.linked_case, unban.moderator_id) == ("unban", ban.number, m.g.owner.id)
    assert "appeal by mail" in unban.reason
    assert {f["name"]: f["value"] for f in m.log_embed(2)["fields"]}["Closes"] == "case #1"


async def test_without_the_audit_log_a_timeout_is_recorded_by_someone_unknown(moderation: Moderation) -> None:
    m = moderation
    m.server.set_role_permissions(m.server.bot_role, ["view_channel", "send_messages", "embed_links",
                                                      "moderate_members"])
    await m.d.settle()
    m.server.timeout(m.member, timedelta(minutes=5), by=m.g.moderator)
    await m.d.settle()
    case = await m.case(1)
    assert case.type == "timeout" and case.moderator_id is None and "View Audit Log" in case.reason


async def test_hearths_own_actions_are_recorded_once(moderation: Moderation) -> None:
    m = moderation
    await m.d.slash("timeout", user=m.g.moderator, options={"user": m.member, "duration": "1h"})
    await m.d.slash("untimeout", user=m.g.moderator, options={"user": m.member})
    await m.d.slash("kick", user=m.g.moderator, options={"user": m.member})
    await m.d.slash("ban", user=m.g.owner, options={"user": m.member})
    await m.d.slash("unban", user=m.g.owner, options={"user": str(m.member.id)})
    await m.d.settle()
    types = [(await m.case(n)).type for n in await m.numbers()]
    assert types == ["timeout", "untimeout", "kick", "ban", "unban"]


async def test_automods_timeout_is_recorded_once_even_without_the_audit_log(moderation: Moderation) -> None:
    m = moderation
    m.server.set_role_permissions(m.server.bot_role, ["view_channel", "send_messages", "embed_links",
                                                      "manage_messages", "moderate_members"])
    await m.d.settle()
    automod = Automod(m.hearth, m.logs)
    await m.setting("automod", "escalation", [])
    action = await automod.action("timeout", severity=3)
    await automod.rule("Bad word", "content", words="badword", action=action)
    await m.d.say(m.g.general, m.member, "badword")
    await m.d.settle()
    assert await m.numbers() == [1] and (await m.case(1)).automod_rule == "Bad word"
