"""Render the example cards of docs/levels.md: `docs/images/rank-card.png` (/rank) and
`docs/images/levels-card.png` (/levels), from made-up members, with the same code the bot draws them with.

    python -m tools.levels_cards
"""

from __future__ import annotations

from pathlib import Path

from cogs.levels import curve
from cogs.levels.cards import RankData, rank_card
from utils.cards import LeaderboardRow, leaderboard_card

IMAGES = Path(__file__).resolve().parent.parent / "docs" / "images"
MEMBERS = [("Robin", 48_210), ("Sam", 31_877), ("Kai", 25_700), ("Alex", 12_455), ("Noor", 7_310)]


def main() -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    name, xp = MEMBERS[2]
    progress = curve.progress(xp)
    card = rank_card(RankData(name=name, subtitle="@kai", user_id=3, level=progress.level, rank=3, xp=xp,
                              into_level=progress.into_level, needed=progress.needed, messages=1_288,
                              voice_minutes=1_075))
    (IMAGES / "rank-card.png").write_bytes(card)
    rows = [LeaderboardRow(rank, f"{who} · level {curve.level_of(points)}", rank, points)
            for rank, (who, points) in enumerate(MEMBERS, start=1)]
    board = leaderboard_card("🏆 Hearth Café · levels", "Total XP · page 1 of 4", rows)
    (IMAGES / "levels-card.png").write_bytes(board)
    print(f"wrote {IMAGES / 'rank-card.png'} and {IMAGES / 'levels-card.png'}")


if __name__ == "__main__":
    main()
