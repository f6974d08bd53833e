"""/tempban: lifted by the timers service once it ends, exactly once, across a restart."""

from __future__ import annotations

from datetime import timedelta

from tests.kit.moderation import Moderation


async def _unbans(m: Moderation) -> int:
    return len(m.d.requests("DELETE", "/guilds/{guild_id}/bans/{user_id}"))


async def test_tempban_is_lifted_once_after_a_restart(moderation: Moderation) -> None:
    m = moderation
    start = m.hearth.clock.now()
    result = await m.d.slash("tempban", user=m.g.owner, options={"user": m.member, "duration": "3d",
                                                                "reason": "cool off"})
    assert "Banned for 3d" in result.text and m.member.id in m.server.bans
    assert await m.db.fetchval("SELECT count(*) FROM timers WHERE kind = 'moderation_tempban'") == 1
    await m.hearth.restart()
    await m.hearth.move_clock(start + timedelta(days=2))
    assert m.member.id in m.server.bans  # not yet
    await m.hearth.move_clock(start + timedelta(days=3, minutes=1))
    assert m.member.id not in m.server.bans
    unban = await m.case(2)
    assert (unban.type, unban.linked_case, unban.moderator_id) == ("unban", 1, m.hearth.bot.user.id)
    await m.hearth.restart()
    await m.hearth.move_clock(start + timedelta(days=10))
    assert await _unbans(m) == 1 and await m.numbers() == [1, 2]
    assert await m.db.fetchval("SELECT count(*) FROM timers WHERE kind = 'moderation_tempban'") == 0


async def test_an_early_unban_cancels_the_tempban_job(moderation: Moderation) -> None:
    m = moderation
    start = m.hearth.clock.now()
    await m.d.slash("tempban", user=m.g.owner, options={"user": m.member, "duration": "1d"})
    await m.d.slash("unban", user=m.g.owner, options={"user": str(m.member.id)})
    assert await m.db.fetchval("SELECT count(*) FROM timers WHERE kind = 'moderation_tempban'") == 0
    await m.hearth.move_clock(start + timedelta(days=2))
    assert await _unbans(m) == 1 and await m.numbers() == [1, 2]


async def test_a_later_permanent_ban_is_not_lifted_by_the_tempban(moderation: Moderation) -> None:
    m = moderation
    start = m.hearth.clock.now()
    await m.d.slash("tempban", user=m.g.owner, options={"user": m.member, "duration": "1d"})
    await m.d.slash("ban", user=m.g.owner, options={"user": m.member, "reason": "for good"})
    await m.hearth.move_clock(start + timedelta(days=2))
    assert m.member.id in m.server.bans and await _unbans(m) == 0


async def test_the_job_retries_until_discord_accepts(moderation: Moderation) -> None:
    m = moderation
    start = m.hearth.clock.now()
    await m.d.slash("tempban", user=m.g.owner, options={"user": m.member, "duration": "1d"})
    m.d.fail("DELETE", "/guilds/{guild_id}/bans/{user_id}", status=500, times=6)
    async with m.d.expect_errors(required=False):
        await m.hearth.move_clock(start + timedelta(days=1, minutes=1))
    assert m.member.id in m.server.bans
    await m.hearth.move_clock(start + timedelta(days=1, hours=1))
    assert m.member.id not in m.server.bans and await m.numbers() == [1, 2]
