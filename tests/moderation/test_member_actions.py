"""/timeout, /untimeout, /kick, /ban, /softban, /unban: success, and each refusal path (the moderator's own
permission, the hierarchy both ways, the bot's permission and position, a target not on the server)."""

from __future__ import annotations

from tests.kit.moderation import Moderation


async def test_timeout_times_out_records_and_dms(moderation: Moderation) -> None:
    m = moderation
    result = await m.d.slash("timeout", user=m.g.moderator, options={"user": m.member, "duration": "2h",
                                                                     "reason": "flood"})
    assert "timed out for 2h" in result.text and "case #1" in result.text
    assert m.server.members[m.member.id].communication_disabled_until is not None
    case = await m.case(1)
    assert (case.type, case.duration_seconds, case.reason) == ("timeout", 7200, "flood")
    assert case.expires_at == m.hearth.clock.now().replace(hour=14)
    assert "were timed out" in str(m.d.dms_to(m.member)[0].embeds)


async def test_timeout_refuses_more_than_28_days_and_bad_durations(moderation: Moderation) -> None:
    m = moderation
    result = await m.refused("timeout", user=m.g.moderator, options={"user": m.member, "duration": "29d"})
    assert "at most 28d" in result.text
    result = await m.refused("timeout", user=m.g.moderator, options={"user": m.member, "duration": "soon"})
    assert "not a duration" in result.text
    assert m.server.members[m.member.id].communication_disabled_until is None and await m.numbers() == []


async def test_untimeout(moderation: Moderation) -> None:
    m = moderation
    refused = await m.refused("untimeout", user=m.g.moderator, options={"user": m.member})
    assert "is not timed out" in refused.text
    await m.d.slash("timeout", user=m.g.moderator, options={"user": m.member, "duration": "10m"})
    result = await m.d.slash("untimeout", user=m.g.moderator, options={"user": m.member, "reason": "ok"})
    assert "lifted" in result.text
    assert m.server.members[m.member.id].communication_disabled_until is None
    assert (await m.case(2)).type == "untimeout"


async def test_kick_dms_first_then_kicks(moderation: Moderation) -> None:
    m = moderation
    result = await m.d.slash("kick", user=m.g.moderator, options={"user": m.member, "reason": "rude"})
    assert "Kicked" in result.text
    assert m.member.id not in m.server.members
    assert "were kicked" in str(m.d.dms_to(m.member)[0].embeds)
    kick = m.d.requests("DELETE", "/guilds/{guild_id}/members/{user_id}")[0]
    assert "rude" in kick.reason and str(m.g.moderator.id) in kick.reason
    assert (await m.case(1)).type == "kick"


async def test_kick_refused_on_a_higher_role(moderation: Moderation) -> None:
    m = moderation  # Admin was created after Moderator: it sits above it
    result = await m.refused("kick", user=m.g.moderator, options={"user": m.g.admin})
    assert "at or above yours" in result.text and m.g.admin.id in m.server.members


async def test_kick_refused_on_the_owner_and_the_bot(moderation: Moderation) -> None:
    m = moderation
    result = await m.refused("kick", user=m.g.moderator, options={"user": m.g.owner})
    assert "own the server" in result.text
    result = await m.refused("kick", user=m.g.owner, options={"user": m.server.me})
    assert "myself" in result.text


async def test_kick_refused_when_the_target_outranks_the_bot(moderation: Moderation) -> None:
    m = moderation
    high = m.server.add_role("High", [], above_bot=True)
    carl = m.server.add_member("carl", roles=[high])
    await m.d.settle()
    result = await m.refused("kick", user=m.g.owner, options={"user": carl})
    assert "at or above mine" in result.text and carl.user.id in m.server.members


async def test_kick_refused_when_the_target_left(moderation: Moderation) -> None:
    m = moderation
    gone = m.server.add_member("gone")
    await m.d.settle()
    await m.d.member_leave(m.server, gone)
    result = await m.refused("kick", user=m.g.moderator, options={"user": gone.user})
    assert "not on this server" in result.text and await m.numbers() == []


async def test_ban_refused_without_ban_members(moderation: Moderation) -> None:
    m = moderation
    result = await m.refused("ban", user=m.g.moderator, options={"user": m.member})
    assert "You need the **Ban Members** permission" in result.text
    assert m.member.id not in m.server.bans and m.d.dms_to(m.member) == []


async def test_ban_refused_when_the_bot_lacks_ban_members(moderation: Moderation) -> None:
    m = moderation
    m.server.set_role_permissions(m.server.bot_role, ["view_channel", "send_messages", "embed_links",
                                                      "kick_members", "moderate_members"])
    await m.d.settle()
    result = await m.refused("ban", user=m.g.owner, options={"user": m.member})
    assert "I'm missing the **Ban Members** permission" in result.text and m.member.id not in m.server.bans


async def test_ban_with_message_deletion_and_a_user_not_on_the_server(moderation: Moderation) -> None:
    m = moderation
    result = await m.d.slash("ban", user=m.g.owner, options={"user": m.member, "reason": "raid",
                                                            "delete_messages": "1d"})
    assert "Banned" in result.text and m.member.id in m.server.bans
    ban = m.d.requests("PUT", "/guilds/{guild_id}/bans/{user_id}")[0]
    assert ban.query["delete_message_seconds"] == "86400"
    assert "were banned" in str(m.d.dms_to(m.member)[0].embeds)
    gone = m.server.add_member("gone")
    await m.d.settle()
    await m.d.member_leave(m.server, gone)
    await m.d.slash("ban", user=m.g.owner, options={"user": gone.user})
    assert gone.user.id in m.server.bans and [c.type for c in [await m.case(1), await m.case(2)]] == ["ban", "ban"]


async def test_softban_bans_and_unbans(moderation: Moderation) -> None:
    m = moderation
    result = await m.d.slash("softban", user=m.g.owner, options={"user": m.member, "reason": "spam bot"})
    assert "Softbanned" in result.text
    assert m.member.id not in m.server.members and m.member.id not in m.server.bans
    assert m.d.requests("PUT", "/guilds/{guild_id}/bans/{user_id}")[0].query["delete_message_seconds"] == "86400"
    assert (await m.case(1)).type == "softban"


async def test_unban_closes_the_ban_case_and_autocomplete_follows_the_permission(moderation: Moderation) -> None:
    m = moderation
    await m.d.slash("ban", user=m.g.owner, options={"user": m.member})
    choices = await m.d.autocomplete("unban", "user", user=m.g.owner, partial="bo")
    assert [c["value"] for c in choices] == [str(m.member.id)]
    assert await m.d.autocomplete("unban", "user", user=m.g.moderator, partial="", check_permissions=False) == []
    refused = await m.refused("unban", user=m.g.moderator, options={"user": str(m.member.id)})
    assert "Ban Members" in refused.text and m.member.id in m.server.bans
    result = await m.d.slash("unban", user=m.g.owner, options={"user": str(m.member.id), "reason": "appeal"})
    assert "Unbanned" in result.text and m.member.id not in m.server.bans
    unban = await m.case(2)
    assert (unban.type, unban.linked_case) == ("unban", 1)
    again = await m.refused("unban", user=m.g.owner, options={"user": str(m.member.id)})
    assert "not banned" in again.text
