"""Profile and leaderboard cards: PNG images drawn with Pillow (avatar, names, bars).

Rendering is CPU work, so the cog runs it in threads of its own (`EngagementCog.drawing`). Avatars are the member's own
image when one was fetched, else a coloured disc with their initial (no network call for default avatars).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

PROFILE_SIZE = (900, 300)
LEADERBOARD_WIDTH = 900
LEADERBOARD_HEADER = 110
LEADERBOARD_ROW = 64
LEADERBOARD_FOOTER = 20

BACKGROUND = (32, 34, 40)
PANEL = (43, 45, 53)
TEXT = (240, 240, 245)
MUTED = (160, 163, 175)
ACCENT = (255, 140, 50)
BAR_BACK = (60, 63, 74)
PALETTE = [(88, 101, 242), (87, 242, 135), (254, 231, 92), (235, 69, 158), (237, 66, 69), (52, 152, 219),
           (155, 89, 182), (26, 188, 156)]
NO_GLYPH = {"\u200d", "\ufe0f", "\u2b50", "\u2b55", "\u231a", "\u231b", "\u23f0", "\u23f3"}
FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF",
             "/Library/Fonts", "C:/Windows/Fonts")


@cache
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu Sans when the system has it (wide Unicode coverage), else Pillow's built-in font."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in FONT_DIRS:
        path = Path(folder) / name
        if path.exists():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


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


@dataclass
class LeaderboardRow:
    """One line of a leaderboard card."""

    rank: int
    name: str
    user_id: int
    messages: int
    avatar: bytes | None = None


def drawable(text: str) -> str:
    """`text` without what the card's font cannot draw (emoji would show as empty boxes): astral-plane characters,
    emoji joiners and variation selectors, and a few BMP emoji; spaces left behind are collapsed."""
    kept = "".join(ch for ch in text if ord(ch) <= 0xFFFF and ch not in NO_GLYPH)
    return " ".join(kept.split())


def _fit(draw: ImageDraw.ImageDraw, text: str, width: int, typeface: ImageFont.ImageFont) -> str:
    """`text` without undrawable characters, shortened with an ellipsis to fit `width` pixels."""
    text = drawable(text)
    if draw.textlength(text, font=typeface) <= width:
        return text
    while text and draw.textlength(text + "…", font=typeface) > width:
        text = text[:-1]
    return text + "…"


def _avatar(data: bytes | None, user_id: int, name: str, size: int) -> Image.Image:
    """A round avatar: the member's image, or a coloured disc with their initial."""
    mask = Image.new("L", (size, size), 0)
    ImageDraw.Draw(mask).ellipse((0, 0, size - 1, size - 1), fill=255)
    picture: Image.Image | None = None
    if data:
        try:
            picture = Image.open(io.BytesIO(data)).convert("RGB").resize((size, size))
        except (OSError, ValueError):
            picture = None
    if picture is None:
        picture = Image.new("RGB", (size, size), PALETTE[user_id % len(PALETTE)])
        draw = ImageDraw.Draw(picture)
        initial = (drawable(name)[:1] or "?").upper()
        typeface = font(size // 2, bold=True)
        draw.text((size / 2, size / 2), initial, font=typeface, fill=(255, 255, 255), anchor="mm")
    result = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    result.paste(picture, (0, 0), mask)
    return result


def _bar(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], fraction: float, colour: tuple) -> None:
    x0, y0, x1, y1 = box
    radius = (y1 - y0) // 2
    draw.rounded_rectangle(box, radius=radius, fill=BAR_BACK)
    filled = x0 + max(0.0, min(1.0, fraction)) * (x1 - x0)
    if filled - x0 >= 2 * radius:
        draw.rounded_rectangle((x0, y0, int(filled), y1), radius=radius, fill=colour)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", optimize=True)
    return out.getvalue()


def profile_card(data: ProfileData) -> bytes:
    """A 900×300 PNG: avatar, name, rank and messages, the streak with a bar towards the best, badges."""
    image = Image.new("RGB", PROFILE_SIZE, BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((16, 16, PROFILE_SIZE[0] - 16, PROFILE_SIZE[1] - 16), radius=24, fill=PANEL)
    avatar = _avatar(data.avatar, data.user_id, data.name, 160)
    image.paste(avatar, (44, 70), avatar)
    left, right = 236, PROFILE_SIZE[0] - 48
    draw.text((left, 40), _fit(draw, data.name, right - left - 170, font(38, True)), font=font(38, True), fill=TEXT)
    draw.text((left, 88), _fit(draw, data.subtitle, right - left - 170, font(20)), font=font(20), fill=MUTED)
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
    _bar(draw, (left, 196, right, 214), data.streak / best, ACCENT)
    badges = "  ·  ".join(drawable(f"{label} ×{times}" if times > 1 else label) for label, times in data.badges)
    draw.text((left, 232), _fit(draw, badges or "No badges yet", right - left, font(20)), font=font(20),
              fill=TEXT if badges else MUTED)
    return _png(image)


def leaderboard_size(rows: int) -> tuple[int, int]:
    """The card's size for `rows` lines (at least one, for the "no messages" line)."""
    return LEADERBOARD_WIDTH, LEADERBOARD_HEADER + LEADERBOARD_ROW * max(1, rows) + LEADERBOARD_FOOTER


def leaderboard_card(title: str, subtitle: str, rows: list[LeaderboardRow]) -> bytes:
    """A PNG with one line per member: rank, avatar, name, a bar relative to the leader, messages."""
    size = leaderboard_size(len(rows))
    image = Image.new("RGB", size, BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.text((32, 26), _fit(draw, title, size[0] - 64, font(34, True)), font=font(34, True), fill=TEXT)
    draw.text((32, 70), subtitle, font=font(18), fill=MUTED)
    top = max((row.messages for row in rows), default=1) or 1
    for index, row in enumerate(rows):
        y = LEADERBOARD_HEADER + index * LEADERBOARD_ROW
        draw.rounded_rectangle((16, y + 4, size[0] - 16, y + LEADERBOARD_ROW - 4), radius=14, fill=PANEL)
        colour = ACCENT if row.rank == 1 else TEXT
        draw.text((64, y + LEADERBOARD_ROW // 2), f"#{row.rank}", font=font(24, True), fill=colour, anchor="mm")
        avatar = _avatar(row.avatar, row.user_id, row.name, 44)
        image.paste(avatar, (104, y + 10), avatar)
        draw.text((164, y + 12), _fit(draw, row.name, 300, font(22, True)), font=font(22, True), fill=TEXT)
        _bar(draw, (164, y + 42, 760, y + 52), row.messages / top, PALETTE[row.user_id % len(PALETTE)])
        draw.text((size[0] - 36, y + 14), f"{row.messages:,}", font=font(22, True), fill=TEXT, anchor="ra")
    if not rows:
        draw.text((32, LEADERBOARD_HEADER + 18), "No messages counted in this period yet.", font=font(22),
                  fill=MUTED)
    return _png(image)
