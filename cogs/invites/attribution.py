"""Who invited a member, from the invites' use counts: pure logic (no Discord calls, no SQL).

The tracker keeps, per guild, a `Snapshot` of every invite's uses *as accounted for* (and the vanity URL's). When
a member joins it fetches the current counts and calls `attribute`: the candidates are

- a live invite whose uses went up (a new code that the snapshot lacks counts from 0: it was made after the
  snapshot was taken);
- an invite that vanished (Discord deletes an invite when its last use is spent, before GUILD_MEMBER_ADD) and
  was exactly one use short of its `max_uses` when last accounted for, and not expired;
- the vanity URL, when its uses went up.

Exactly one candidate: that is the invite (or the vanity URL). None, or more than one: "unknown" — never a guess.
When one invite went up by more than one (two members joined through it at once), this join takes one use and the
rest stays unaccounted for the next join, which then finds the same invite. When the verdict is unknown every
change is written off: the next join compares with the counts fetched now.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal

How = Literal["invite", "vanity", "unknown"]


@dataclass(frozen=True)
class Seen:
    """One invite as accounted for: its uses, limits and inviter."""

    uses: int
    max_uses: int = 0  # 0 = unlimited
    inviter_id: int | None = None
    expires_at: datetime | None = None

    def expired(self, now: datetime) -> bool:
        """Past its expiry (Discord drops expired invites without an event)."""
        return self.expires_at is not None and self.expires_at <= now

    def one_use_left(self) -> bool:
        """Its next use spends it (Discord then deletes it)."""
        return self.max_uses > 0 and self.uses == self.max_uses - 1


@dataclass
class Snapshot:
    """A guild's invites (code → `Seen`) and vanity URL (`(code, uses)` or None) as accounted for."""

    invites: dict[str, Seen] = field(default_factory=dict)
    vanity: tuple[str, int] | None = None


@dataclass(frozen=True)
class Verdict:
    """How a member joined: through an invite (its code and inviter), the vanity URL, or unknown."""

    how: How
    code: str | None = None
    inviter_id: int | None = None


UNKNOWN = Verdict("unknown")


def attribute(before: Snapshot, deleted: dict[str, Seen], now: Snapshot, at: datetime) -> tuple[Verdict, Snapshot]:
    """The verdict for one join, and the snapshot to keep for the next one.

    `before` is what was accounted for, `deleted` the invites deleted (INVITE_DELETE) since the last join, `now`
    the counts Discord reports now, `at` the current time (for expiry)."""
    candidates: list[tuple[Verdict, int]] = []  # (verdict, uses gained)
    for code, seen in now.invites.items():
        old = before.invites.get(code)
        gained = seen.uses - (old.uses if old is not None else 0)
        if gained > 0:
            candidates.append((Verdict("invite", code, seen.inviter_id), gained))
    vanished = {**deleted, **{c: s for c, s in before.invites.items() if c not in now.invites}}
    for code, seen in vanished.items():
        if code not in now.invites and seen.one_use_left() and not seen.expired(at):
            candidates.append((Verdict("invite", code, seen.inviter_id), 1))
    vanity_known = True
    if now.vanity is not None:
        if before.vanity is not None and before.vanity[0] == now.vanity[0]:
            gained = now.vanity[1] - before.vanity[1]
            if gained > 0:
                candidates.append((Verdict("vanity", now.vanity[0]), gained))
        else:
            vanity_known = False  # a new vanity code since the snapshot: its uses cannot be compared
    kept = Snapshot(dict(now.invites), now.vanity)
    if len(candidates) != 1 or not vanity_known:
        return UNKNOWN, kept
    verdict, gained = candidates[0]
    if gained > 1:  # the other uses belong to joins still to come: leave them unaccounted for
        if verdict.how == "vanity" and now.vanity is not None:
            kept.vanity = (now.vanity[0], now.vanity[1] - gained + 1)
        elif verdict.code in kept.invites:
            seen = kept.invites[verdict.code]
            kept.invites[verdict.code] = replace(seen, uses=seen.uses - gained + 1)
    return verdict, kept
