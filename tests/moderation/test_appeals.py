"""Appeals of manual bans and timeouts: the Appeal button in the DM, the form, Approve (needs the reversal's own
permission; unbans or lifts the timeout; a closing case) and Deny, each decided once; kicks have no appeal."""

from __future__ import annotations

from cogs.moderation import gdpr
from tests.kit.moderation import Moderation
from tests.standin.models import Message


async def appeal(m: Moderation, reason: str) -> Message:
    """The member appeals from the DM of their latest action; the appeal's message in the mod log."""
    dm = m.d.dms_to(m.member)[-1]
    opened = await m.d.click(dm, "Appeal", user=m.member.user)
    assert opened.modal is not None
    sent = await m.d.submit_modal(opened, {"reason": reason}, user=m.member.user)
    assert "sent to the moderators" in sent.text
    [posted] = [msg for msg in m.log_messages() if msg.embeds[0]["title"].startswith("📨 Appeal")]
    return posted


async def test_an_approved_ban_appeal_unbans_with_a_closing_case(moderation: Moderation) -> None:
    m = moderation
    await m.d.slash("ban", user=m.g.owner, options={"user": m.member, "reason": "raid"})
    assert m.member.id in m.server.bans
    posted = await appeal(m, "It was my brother")
    assert posted.embeds[0]["title"] == "📨 Appeal of case #1 (ban)"
    assert posted.embeds[0]["description"] == "It was my brother"
    assert await m.db.fetchval("SELECT status FROM moderation_appeals") == "pending"

    bystander = m.server.add_member("carl")
    await m.d.settle()
    not_staff = await m.d.click(posted, "Approve", user=bystander)
    # Staff, but unbanning needs Ban Members, which the moderator role lacks: nothing changes.
    no_ban = await m.d.click(posted, "Approve", user=m.g.moderator)
    assert "Only moderators" in not_staff.text
    assert "**Ban Members**" in no_ban.text and "still open" in no_ban.text
    assert m.member.id in m.server.bans
    assert await m.db.fetchval("SELECT status FROM moderation_appeals") == "pending"

    await m.d.click(posted, "Approve", user=m.g.owner)
    assert m.member.id not in m.server.bans
    unban = await m.case(2)
    assert (unban.type, unban.linked_case, unban.moderator_id) == ("unban", 1, m.g.owner.id)
    assert unban.reason == "Appeal approved: It was my brother"
    row = await m.db.fetchrow("SELECT status, decided_by FROM moderation_appeals")
    assert tuple(row) == ("approved", m.g.owner.id)
    assert m.d.world.messages[posted.id].content.startswith(f"✅ Appeal approved by <@{m.g.owner.id}>")
    assert await m.numbers() == [1, 2]  # the unban's own GUILD_BAN_REMOVE is not a second, outside case

    again = await m.d.click(m.d.dms_to(m.member)[0], "Appeal", user=m.member.user)
    assert "nothing left to appeal" in again.text


async def test_a_denied_timeout_appeal_keeps_it_and_a_case_is_appealed_once(moderation: Moderation) -> None:
    m = moderation
    await m.d.slash("timeout", user=m.g.moderator, options={"user": m.member, "duration": "2h", "reason": "flood"})
    posted = await appeal(m, "sorry")
    await m.d.click(posted, "Deny", user=m.g.moderator)
    assert m.server.members[m.member.id].communication_disabled_until is not None
    assert await m.db.fetchval("SELECT status FROM moderation_appeals") == "denied"
    assert "was **denied**" in m.d.dms_to(m.member)[-1].embeds[0]["description"]
    twice = await m.d.click(m.d.dms_to(m.member)[0], "Appeal", user=m.member.user)
    assert "already appealed case #1 (status: denied)" in twice.text
    assert not m.d.world.messages[posted.id].components  # decided: the buttons are gone
    assert await m.numbers() == [1]


async def test_an_approved_timeout_appeal_lifts_it_after_a_restart(moderation: Moderation) -> None:
    m = moderation
    await m.d.slash("timeout", user=m.g.moderator, options={"user": m.member, "duration": "1d"})
    await m.hearth.restart()
    posted = await appeal(m, "wrong channel")
    await m.hearth.restart()
    await m.d.click(posted, "Approve", user=m.g.moderator)
    assert m.server.members[m.member.id].communication_disabled_until is None
    lifted = await m.case(2)
    assert (lifted.type, lifted.linked_case) == ("untimeout", 1)
    assert "The timeout was lifted" in m.d.dms_to(m.member)[-1].embeds[0]["description"]


async def test_only_the_member_appeals_and_a_kick_has_no_appeal(moderation: Moderation) -> None:
    m = moderation
    await m.d.slash("timeout", user=m.g.moderator, options={"user": m.member, "duration": "1h"})
    other = await m.d.click(m.d.dms_to(m.member)[0], "Appeal", user=m.g.admin.user)
    assert "not yours" in other.text
    await m.d.slash("kick", user=m.g.moderator, options={"user": m.member, "reason": "rude"})
    kick_dm = m.d.dms_to(m.member)[-1]
    assert "were kicked" in str(kick_dm.embeds) and not kick_dm.components


async def test_the_appeal_is_in_the_members_export_and_erased_with_them(moderation: Moderation) -> None:
    m = moderation
    await m.d.slash("ban", user=m.g.owner, options={"user": m.member})
    await appeal(m, "my words")
    async with m.db.acquire() as conn:
        mine = await gdpr.export(conn, m.member.id)
        assert [row["reason"] for row in mine["moderation_appeals"]] == ["my words"]
        report = await gdpr.erase(conn, m.member.id)
    assert report.deleted["moderation_appeals"] == 1
    assert await m.db.fetchval("SELECT count(*) FROM moderation_appeals") == 0
