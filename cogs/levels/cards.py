"""The rank card: the profile card's style (900×300, round avatar, name, rank in the corner, figures, a bar), drawn
with the shared kit (`utils/cards.py`), with the progress bar to the next level. `/levels` draws the kit's own
leaderboard card. Rendering is CPU work: the cog runs it in its drawing threads."""

from __future__ import annotations

from dataclasses import dataclass

from utils.cards import ACCENT, MUTED, TEXT, bar, font, member_card, png_bytes

RANK_SIZE = (900, 300)


@dataclass
class RankData:
    """What a rank card shows."""

    name: str
    subtitle: str  # e.g. the username
    user_id: int
    level: int
    rank: int | None
    xp: int  # total
    into_level: int  # XP since reaching `level`
    needed: int  # XP from `level` to the next
    messages: int
    voice_minutes: int
    avatar: bytes | None = None


def rank_card(data: RankData) -> bytes:
    """A 900×300 PNG: avatar, name, rank and level, XP towards the next level with its bar, totals."""
    image, draw, left, right = member_card(RANK_SIZE, avatar=data.avatar, user_id=data.user_id, name=data.name,
                                           subtitle=data.subtitle, reserved=300)
    draw.text((right, 40), str(data.level), font=font(44, True), fill=ACCENT, anchor="ra")
    draw.text((right, 92), "level", font=font(18), fill=MUTED, anchor="ra")
    rank_x = right - max(110, int(draw.textlength(str(data.level), font=font(44, True))) + 40)
    draw.text((rank_x, 40), f"#{data.rank}" if data.rank else "—", font=font(44, True), fill=TEXT, anchor="ra")
    draw.text((rank_x, 92), "rank", font=font(18), fill=MUTED, anchor="ra")
    draw.text((left, 138), f"{data.into_level:,} / {data.needed:,} XP", font=font(26, True), fill=TEXT)
    draw.text((right, 144), f"level {data.level + 1} in {data.needed - data.into_level:,} XP", font=font(18),
              fill=MUTED, anchor="ra")
    bar(draw, (left, 180, right, 204), data.into_level / data.needed if data.needed else 1.0, ACCENT)
    stats = [("total XP", f"{data.xp:,}"), ("messages", f"{data.messages:,}"),
             ("in voice", f"{data.voice_minutes // 60} h {data.voice_minutes % 60:02d} min")]
    for index, (label, value) in enumerate(stats):
        x = left + index * 200
        draw.text((x, 222), value, font=font(22, True), fill=TEXT)
        draw.text((x, 252), label, font=font(16), fill=MUTED)
    return png_bytes(image)
