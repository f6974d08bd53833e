"""The comparison itself (cogs/invites/attribution.py), case by case, without Discord."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cogs.invites.attribution import UNKNOWN, Seen, Snapshot, Verdict, attribute

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def test_one_invite_up_is_that_invite() -> None:
    before = Snapshot({"a": Seen(3, inviter_id=1), "b": Seen(0, inviter_id=2)})
    verdict, kept = attribute(before, {}, Snapshot({"a": Seen(4, inviter_id=1), "b": Seen(0, inviter_id=2)}), NOW)
    assert verdict == Verdict("invite", "a", 1) and kept.invites["a"].uses == 4


def test_two_uses_of_one_invite_leave_one_for_the_next_join() -> None:
    now = Snapshot({"a": Seen(5, inviter_id=1)})
    verdict, kept = attribute(Snapshot({"a": Seen(3, inviter_id=1)}), {}, now, NOW)
    assert verdict == Verdict("invite", "a", 1) and kept.invites["a"].uses == 4
    assert attribute(kept, {}, now, NOW)[0] == Verdict("invite", "a", 1)


def test_nothing_up_or_two_things_up_is_unknown_and_written_off() -> None:
    before = Snapshot({"a": Seen(0), "b": Seen(0)}, ("town", 5))
    assert attribute(before, {}, before, NOW)[0] == UNKNOWN
    verdict, kept = attribute(before, {}, Snapshot({"a": Seen(1), "b": Seen(0)}, ("town", 6)), NOW)
    assert verdict == UNKNOWN and kept.vanity == ("town", 6) and kept.invites["a"].uses == 1


def test_a_vanished_invite_counts_only_when_its_last_use_was_left_and_it_had_not_expired() -> None:
    spent = Seen(0, max_uses=1, inviter_id=7)
    assert attribute(Snapshot({"x": spent}), {}, Snapshot({}), NOW)[0] == Verdict("invite", "x", 7)
    assert attribute(Snapshot(), {"x": spent}, Snapshot({}), NOW)[0] == Verdict("invite", "x", 7)
    revoked = Seen(1, max_uses=5, inviter_id=7)  # deleted by someone with uses to spare: not a candidate
    assert attribute(Snapshot({"x": revoked}), {}, Snapshot({}), NOW)[0] == UNKNOWN
    expired = Seen(0, max_uses=1, inviter_id=7, expires_at=NOW - timedelta(minutes=1))
    assert attribute(Snapshot({"x": expired}), {}, Snapshot({}), NOW)[0] == UNKNOWN


def test_a_new_vanity_code_cannot_be_compared() -> None:
    before = Snapshot({"a": Seen(0, inviter_id=1)}, ("old", 4))
    verdict, kept = attribute(before, {}, Snapshot({"a": Seen(1, inviter_id=1)}, ("new", 0)), NOW)
    assert verdict == UNKNOWN and kept.vanity == ("new", 0)
