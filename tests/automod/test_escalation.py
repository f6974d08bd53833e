"""Escalation: points that decay (half-life or window), thresholds, and "X violations in Y minutes"."""

from __future__ import annotations

from cogs.automod.escalation import check_escalation, pick_step, total_points
from tests.kit.automod import Automod

DAY = 86400


def test_half_life_and_window_decay() -> None:
    events = [[0.0, 4.0]]
    assert total_points(events, DAY, "half_life", DAY) == 2.0
    assert total_points(events, 2 * DAY, "half_life", DAY) == 1.0
    assert total_points(events, DAY - 1, "window", DAY) == 4.0
    assert total_points(events, DAY, "window", DAY) == 0.0
    assert total_points([[0.0, 3.0], [0.0, -3.0]], 10, "half_life", DAY) == 0.0  # a removed violation


def test_the_strongest_step_reached_wins() -> None:
    steps = [{"points": 3, "action": "timeout", "duration": 600}, {"points": 6, "action": "ban"},
             {"violations": 3, "minutes": 10, "action": "timeout", "duration": 3600}]
    assert pick_step(steps, 2.9, [[0, 1]], 0) is None
    assert pick_step(steps, 3, [[0, 1]], 0).kind == "timeout"
    assert pick_step(steps, 6.5, [[0, 1]], 0).kind == "ban"
    burst = pick_step(steps, 1, [[0, 0.3], [100, 0.3], [200, 0.3]], 300)
    assert (burst.kind, burst.duration) == ("timeout", 3600) and "3 violations in 10 min" in burst.why
    assert pick_step(steps, 1, [[0, 0.3], [100, 0.3], [700, 0.3]], 700) is None  # the first is 11+ minutes old


def test_escalation_setting_is_validated() -> None:
    assert check_escalation([{"points": 3, "action": "timeout"}]) is None
    assert "action" in check_escalation([{"points": 3, "action": "explode"}])
    assert "violations" in check_escalation([{"action": "ban"}])


async def _setup(automod: Automod, **settings) -> None:
    store = automod.hearth.bot.guild_settings
    for key, value in settings.items():
        await store.set(automod.g.guild.id, "automod", key, value, changed_by=1)
    warn = await automod.action("warn", severity=2)
    await automod.rule("Bad word", "content", words="badword", action=warn)


async def _actions(automod: Automod) -> list[str]:
    return [r["action_taken"] for r in await automod.hearth.db.fetch("SELECT action_taken FROM automod_logs "
                                                                      "ORDER BY id")]


async def test_points_escalate_to_timeout_then_ban(automod: Automod) -> None:
    d, g = automod.d, automod.g
    await _setup(automod, escalation=[{"points": 3, "action": "timeout", "duration": 600},
                                      {"points": 6, "action": "ban"}])
    for _ in range(3):
        await d.say(g.general, g.member, "badword")
    assert await _actions(automod) == ["warn", "timeout 10m", "ban"]  # 2, 4, 6 points
    assert g.member.id in g.guild.bans
    escalated = {f["name"]: f["value"] for f in automod.log_embeds()[1]["fields"]}["Notes"]
    assert "escalated: 4.0 points (threshold 3)" in escalated
    row = await automod.hearth.db.fetchrow("SELECT violation_count, total_points FROM automod_user_history")
    assert tuple(row) == (3, 6)


async def test_points_decay_with_the_clock(automod: Automod) -> None:
    d, g, clock = automod.d, automod.g, automod.hearth.clock
    await _setup(automod, decay_mode="half_life", decay_period=DAY,
                 escalation=[{"points": 3, "action": "timeout", "duration": 600}])
    await d.say(g.general, g.member, "badword")  # 2 points
    clock.advance(days=2)  # → 0.5
    await d.say(g.general, g.member, "badword")  # 2.5: still below 3
    clock.advance(hours=1)
    await d.say(g.general, g.member, "badword")  # ≈ 4.4: timeout
    assert await _actions(automod) == ["warn", "warn", "timeout 10m"]


async def test_window_mode_forgets_old_violations(automod: Automod) -> None:
    d, g, clock = automod.d, automod.g, automod.hearth.clock
    await _setup(automod, decay_mode="window", decay_period=3600,
                 escalation=[{"points": 4, "action": "timeout", "duration": 600}])
    await d.say(g.general, g.member, "badword")
    clock.advance(minutes=61)
    await d.say(g.general, g.member, "badword")  # the first one left the window: 2 points
    clock.advance(minutes=30)
    await d.say(g.general, g.member, "badword")  # 4 points within the hour
    assert await _actions(automod) == ["warn", "warn", "timeout 10m"]


async def test_violations_in_minutes(automod: Automod) -> None:
    d, g, clock = automod.d, automod.g, automod.hearth.clock
    await _setup(automod, escalation=[{"violations": 3, "minutes": 10, "action": "timeout", "duration": 3600}])
    for _ in range(2):
        await d.say(g.general, g.member, "badword")
        clock.advance(minutes=6)
    await d.say(g.general, g.member, "badword")  # three in 12 minutes: not three in 10
    clock.advance(minutes=1)
    await d.say(g.general, g.member, "badword")  # three in 7 minutes
    assert await _actions(automod) == ["warn", "warn", "warn", "timeout 1h"]


async def test_the_default_escalation_counts_violations_in_a_row_in_full(automod: Automod) -> None:
    """Three 1-point violations 0.1 s apart have decayed by less than a millionth of a point: they are 3 points,
    so the default steps time the member out on the 3rd violation and ban on the 6th (not the 4th and 7th)."""
    d, g, clock = automod.d, automod.g, automod.hearth.clock
    warn = await automod.action("warn", severity=1)
    await automod.rule("Bad word", "content", words="badword", action=warn)
    for _ in range(6):
        await d.say(g.general, g.member, "badword")
        clock.advance(seconds=0.1)
    assert await _actions(automod) == ["warn", "warn", "timeout 10m", "timeout 10m", "timeout 10m", "ban"]
    assert g.member.id in g.guild.bans
