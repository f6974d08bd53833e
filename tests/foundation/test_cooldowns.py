"""The shared cooldown: N uses per window per key, counted on the bot's clock, with a human retry message."""

from __future__ import annotations

import pytest

from utils.clock import ManualClock
from utils.cooldowns import MAX_KEYS, Cooldown, OnCooldown


def test_allows_rate_uses_then_refuses_until_the_window_passes() -> None:
    clock = ManualClock()
    cooldown = Cooldown(2, 60, clock, what="profile cards")
    cooldown.hit(("g", 1))
    cooldown.hit(("g", 1))
    with pytest.raises(OnCooldown) as refused:
        cooldown.hit(("g", 1))
    assert refused.value.retry_after == 60
    assert refused.value.message == "You're doing profile cards too often. Try again in 60 s."
    cooldown.hit(("g", 2))  # another member is not affected
    clock.advance(seconds=45)
    assert cooldown.retry_after(("g", 1)) == 15
    clock.advance(seconds=15)
    cooldown.hit(("g", 1))


def test_refund_gives_the_use_back_and_long_waits_read_in_minutes() -> None:
    clock = ManualClock()
    cooldown = Cooldown(1, 600, clock)
    cooldown.hit("k")
    cooldown.refund("k")
    cooldown.hit("k")
    with pytest.raises(OnCooldown, match="Try again in 10 min"):
        cooldown.hit("k")


def test_expired_keys_are_swept_when_the_table_is_full() -> None:
    clock = ManualClock()
    cooldown = Cooldown(1, 1, clock)
    for key in range(MAX_KEYS):
        cooldown.hit(key)
    clock.advance(seconds=2)
    cooldown.hit("new")
    assert len(cooldown) == 1


def test_counting_gives_the_use_back_only_for_the_failures_named() -> None:
    clock = ManualClock()
    cooldown = Cooldown(1, 60, clock)
    with pytest.raises(KeyError), cooldown.counting("k", refund_on=(KeyError,)):
        raise KeyError("the work did not happen")
    with cooldown.counting("k"):  # given back above: usable again
        pass
    with pytest.raises(OnCooldown):
        cooldown.hit("k")
    clock.advance(seconds=60)
    with pytest.raises(ValueError), cooldown.counting("k", refund_on=(KeyError,)):
        raise ValueError("the work was done")
    with pytest.raises(OnCooldown):  # not given back: ValueError is not a refund case
        cooldown.hit("k")
