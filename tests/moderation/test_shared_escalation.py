"""One escalation engine: a moderator's warning points and automod's points add up under automod's decaying
escalation ("3 points in 7 days → 1 h timeout"); removing a warning takes its points back."""

from __future__ import annotations

from datetime import datetime, timedelta

from cogs.automod.api import AutomodApi
from tests.kit.automod import Automod
from tests.kit.moderation import Moderation

WEEK = 7 * 86400


async def _automod(m: Moderation, severity: int = 2) -> Automod:
    """Automod with a 2-point "badword" rule and one step: 3 points within 7 days → a 1 h timeout."""
    automod = Automod(m.hearth, m.logs)
    await m.setting("automod", "decay_mode", "window")
    await m.setting("automod", "decay_period", WEEK)
    await m.setting("automod", "escalation", [{"points": 3, "action": "timeout", "duration": 3600}])
    warn = await automod.action("warn", severity=severity)
    await automod.rule("Bad word", "content", words="badword", action=warn)
    return automod


def _timed_out_until(m: Moderation) -> datetime | None:
    value = m.server.members[m.member.id].communication_disabled_until
    return datetime.fromisoformat(value) if value else None


async def _warn(m: Moderation, points: float, reason: str = "rude") -> str:
    result = await m.d.slash("warn", user=m.g.moderator, options={"user": m.member, "reason": reason,
                                                                 "points": points})
    return result.text


async def test_an_automod_hit_then_a_warning_escalate_to_a_timeout_case(moderation: Moderation) -> None:
    m = moderation
    await _automod(m)
    await m.d.say(m.g.general, m.member, "badword")  # 2 points: a warning by automod
    assert _timed_out_until(m) is None
    m.hearth.clock.advance(days=3)
    answer = await _warn(m, 1)  # 3 points within 7 days
    assert "escalated to **timeout 1h**" in answer, answer
    assert _timed_out_until(m) is not None  # (Discord's timeout runs on real time: discord.py adds it to utcnow)
    warning = await m.case(await _number(m, "warn", moderator=True))
    escalation = await m.case(await _number(m, "timeout"))
    assert escalation.moderator_id is None and escalation.automod_rule == "Escalation"
    assert escalation.duration_seconds == 3600 and escalation.linked_case == warning.number
    assert escalation.expires_at - escalation.created_at == timedelta(hours=1)
    assert f"after case #{warning.number}" in escalation.reason and "3.0 points (threshold 3)" in escalation.reason
    fields = {f["name"]: f["value"] for f in m.log_embed(escalation.number)["fields"]}
    assert fields["Moderator"] == "Automod (Escalation)" and fields["Follows"] == f"case #{warning.number}"
    dm = m.d.dms_to(m.member)[-1]
    assert "timed out" in dm.embeds[0]["description"] and dm.components  # with the Appeal button


async def test_a_warning_then_an_automod_hit_escalate(moderation: Moderation) -> None:
    m = moderation
    await _automod(m)
    await _warn(m, 2)
    assert _timed_out_until(m) is None
    m.hearth.clock.advance(days=6)
    await m.d.say(m.g.general, m.member, "badword")  # 2 + 2 points within 7 days
    assert _timed_out_until(m) is not None
    actions = [row["action_taken"] for row in await m.db.fetch(
        "SELECT action_taken FROM automod_logs WHERE rule_id IS NOT NULL ORDER BY id")]
    assert actions == ["timeout 1h"]


async def test_outside_the_window_the_points_do_not_add_up(moderation: Moderation) -> None:
    m = moderation
    await _automod(m)
    await _warn(m, 2)
    m.hearth.clock.advance(days=8)
    await m.d.say(m.g.general, m.member, "badword")
    assert _timed_out_until(m) is None


async def test_a_removed_warning_takes_its_points_back(moderation: Moderation) -> None:
    m = moderation
    await _automod(m)
    await _warn(m, 2)
    removed = await m.d.slash("warnings remove", user=m.g.moderator, number=1)
    assert "no longer count towards escalation" in removed.text, removed.text
    api = m.hearth.bot.apis.get(AutomodApi)
    assert not await api.remove_points(m.hearth.bot.get_guild(m.server.id), 1)  # taken back once only
    await m.d.say(m.g.general, m.member, "badword")  # 2 points only
    assert _timed_out_until(m) is None
    history = await m.db.fetchrow("SELECT total_points FROM automod_user_history WHERE rule_type = 'manual'")
    assert history["total_points"] == 0


async def test_without_automod_a_warning_is_a_case_with_points_and_nothing_escalates(
        moderation: Moderation) -> None:
    m = moderation
    await _automod(m)
    await m.hearth.bot.remove_cog("Automod")
    answer = await _warn(m, 5)
    assert "Case #1" in answer and "escalat" not in answer
    assert (await m.case(1)).points == 5 and _timed_out_until(m) is None
    assert await m.db.fetchval("SELECT count(*) FROM automod_user_history") == 0


async def _number(m: Moderation, type_: str, *, moderator: bool = False) -> int:
    """The number of the one live case of `type_` (by a moderator, or automatic)."""
    rows = await m.db.fetch(
        "SELECT number FROM moderation_cases WHERE guild_id = $1 AND type = $2 AND (moderator_id IS NOT NULL) = $3",
        m.server.id, type_, moderator)
    assert len(rows) == 1, rows
    return rows[0]["number"]
