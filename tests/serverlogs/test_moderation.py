"""Moderation in the log, whoever did it: bans and unbans with the moderator and reason from the audit log, timeouts
given and lifted; without View Audit Log the entry says who is unknown and why."""

from __future__ import annotations

from datetime import timedelta

from cogs.serverlogs.kinds import Kind
from tests.kit.serverlogs import LogsDesk, field


async def test_a_ban_and_an_unban_name_the_moderator_from_the_audit_log(desk: LogsDesk) -> None:
    desk.server.ban(desk.member, by=desk.owner, reason="spamming invites")
    await desk.d.settle()
    await desk.turn()
    desk.server.unban(desk.member, by=desk.owner, reason="appeal accepted")
    await desk.d.settle()
    await desk.drain()

    ban, unban = desk.embeds(Kind.MODERATION)
    assert ban["title"] == "🔨 Member banned" and f"<@{desk.member.id}>" in ban["description"]
    assert f"<@{desk.owner.id}>" in field(ban, "By") and field(ban, "Reason") == "spamming invites"
    assert unban["title"] == "🔓 Member unbanned" and field(unban, "Reason") == "appeal accepted"
    assert f"<@{desk.owner.id}>" in field(unban, "By")
    assert "📤 Member left" in desk.titles(Kind.MEMBERS)  # a ban also removes the member


async def test_a_ban_through_the_bot_names_the_bot_and_the_reason(desk: LogsDesk) -> None:
    await desk.d.slash("ban", user=desk.owner, options={"user": desk.member, "reason": "raid account"})
    await desk.drain()

    (entry,) = desk.embeds(Kind.MODERATION)
    assert f"<@{desk.d.bot_user.id}>" in field(entry, "By") and "raid account" in field(entry, "Reason")


async def test_without_view_audit_log_the_moderator_is_unknown(desk: LogsDesk) -> None:
    bot_role = desk.server.bot_role
    desk.server.set_role_permissions(bot_role, bot_role.permissions & ~(1 << 7))  # no View Audit Log
    await desk.d.settle()
    desk.server.ban(desk.member, by=desk.owner, reason="spam")
    await desk.d.settle()
    await desk.drain()

    (entry,) = desk.embeds(Kind.MODERATION)
    assert "I need the **View Audit Log** permission" in field(entry, "By")
    assert not desk.d.requests("GET", "/guilds/{guild_id}/audit-logs")


async def test_timeouts_given_and_lifted(desk: LogsDesk) -> None:
    desk.server.timeout(desk.member, timedelta(minutes=10), by=desk.g.moderator, reason="calm down")
    await desk.d.settle()
    await desk.turn()
    desk.server.timeout(desk.member, None, by=desk.g.moderator)
    await desk.d.settle()
    await desk.drain()

    given, lifted = desk.embeds(Kind.MODERATION)
    assert given["title"] == "⏳ Member timed out" and "until <t:" in given["description"]
    assert f"<@{desk.g.moderator.id}>" in field(given, "By") and field(given, "Reason") == "calm down"
    assert lifted["title"] == "⌛ Timeout lifted" and f"<@{desk.g.moderator.id}>" in field(lifted, "By")
    assert desk.messages(Kind.MEMBERS) == []  # a timeout is not a member change
