"""The profile card: a PNG drawn with Pillow (avatar, name, rank, messages, the streak bar, badges).

The drawing kit and the leaderboard card are shared (`utils/cards.py`: `/invites leaderboard` draws the same card);
they are re-exported here for the engagement code. Rendering is CPU work, so the cog runs it in threads of its own
(`EngagementCog.drawing`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from utils.cards import (
    ACCENT,
    MUTED,
    TEXT,
    LeaderboardRow,
    bar,
    drawable,
    fit_text,
    font,
    leaderboard_card,
    leaderboard_size,
    member_card,
    png_bytes,
)

__all__ = ["PROFILE_SIZE", "LeaderboardRow", "ProfileData", "leaderboard_card", "leaderboard_size", "profile_card"]

PROFILE_SIZE = (900, 300)


@dataclass
class ProfileData:
    """What a profile card shows."""

    name: str
    subtitle: str  # e.g. the username
    user_id: int
    messages: int
    rank: int | None
    streak: int
    best_streak: int
    week_messages: int
    badges: list[tuple[str, int]] = field(default_factory=list)  # (label, times)
    avatar: bytes | None = None


def profile_card(data: ProfileData) -> bytes:
    """A 900×300 PNG: avatar, name, rank and messages, the streak with a bar towards the best, badges."""
    image, draw, left, right = member_card(PROFILE_SIZE, avatar=data.avatar, user_id=data.user_id, name=data.name,
                                           subtitle=data.subtitle, reserved=170)
    rank = f"#{data.rank}" if data.rank else "—"
    draw.text((right, 40), rank, font=font(44, True), fill=ACCENT, anchor="ra")
    draw.text((right, 92), "rank", font=font(18), fill=MUTED, anchor="ra")
    stats = [("messages", f"{data.messages:,}"), ("this week", f"{data.week_messages:,}"),
             ("streak", f"{data.streak} d"), ("best", f"{data.best_streak} d")]
    for index, (label, value) in enumerate(stats):
        x = left + index * 150
        draw.text((x, 128), value, font=font(28, True), fill=TEXT)
        draw.text((x, 162), label, font=font(16), fill=MUTED)
    best = max(data.best_streak, data.streak, 1)
    bar(draw, (left, 196, right, 214), data.streak / best, ACCENT)
    badges = "  ·  ".join(drawable(f"{label} ×{times}" if times > 1 else label) for label, times in data.badges)
    draw.text((left, 232), fit_text(draw, badges or "No badges yet", right - left, font(20)), font=font(20),
              fill=TEXT if badges else MUTED)
    return png_bytes(image)
