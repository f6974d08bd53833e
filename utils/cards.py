"""Image cards drawn with Pillow: the shared drawing kit (fonts, fitted text, round avatars, bars, PNG output) and
the leaderboard card that engagement's `/leaderboard` and `/invites leaderboard` both draw.

Rendering is CPU work: a cog runs these functions in threads of its own (a small `ThreadPoolExecutor`), never on
the event loop. Avatars are the member's own image when one was fetched (`avatar_bytes`), else a coloured disc with
their initial (no network call for default avatars).
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import discord

from utils.lazy_import import lazy_module

if TYPE_CHECKING:
    from PIL import Image, ImageDraw, ImageFont
else:  # ~4 MiB resident: Pillow is imported when the first card is drawn, not at start-up
    Image, ImageDraw, ImageFont = (lazy_module(f"PIL.{name}") for name in ("Image", "ImageDraw", "ImageFont"))

LEADERBOARD_WIDTH = 900
LEADERBOARD_HEADER = 110
LEADERBOARD_ROW = 64
LEADERBOARD_FOOTER = 20
AVATAR_TIMEOUT = 3.0  # seconds for one avatar download; a card never waits longer for a picture

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
class LeaderboardRow:
    """One line of a leaderboard card: the figure (`value`) is what the board ranks by (messages, invites …)."""

    rank: int
    name: str
    user_id: int
    value: int
    avatar: bytes | None = None


def drawable(text: str) -> str:
    """`text` without what the card's font cannot draw (emoji would show as empty boxes): astral-plane characters,
    emoji joiners and variation selectors, and a few BMP emoji; spaces left behind are collapsed."""
    kept = "".join(ch for ch in text if ord(ch) <= 0xFFFF and ch not in NO_GLYPH)
    return " ".join(kept.split())


def fit_text(draw: ImageDraw.ImageDraw, text: str, width: int, typeface: ImageFont.ImageFont) -> str:
    """`text` without undrawable characters, shortened with an ellipsis to fit `width` pixels."""
    text = drawable(text)
    if draw.textlength(text, font=typeface) <= width:
        return text
    while text and draw.textlength(text + "…", font=typeface) > width:
        text = text[:-1]
    return text + "…"


def round_avatar(data: bytes | None, user_id: int, name: str, size: int) -> Image.Image:
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


def bar(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], fraction: float, colour: tuple) -> None:
    """A rounded progress bar filled to `fraction` (0–1)."""
    x0, y0, x1, y1 = box
    radius = (y1 - y0) // 2
    draw.rounded_rectangle(box, radius=radius, fill=BAR_BACK)
    filled = x0 + max(0.0, min(1.0, fraction)) * (x1 - x0)
    if filled - x0 >= 2 * radius:
        draw.rounded_rectangle((x0, y0, int(filled), y1), radius=radius, fill=colour)


def member_card(size: tuple[int, int], *, avatar: bytes | None, user_id: int, name: str, subtitle: str,
                reserved: int) -> tuple[Image.Image, ImageDraw.ImageDraw, int, int]:
    """The frame a member's card starts with (the profile card, the rank card): the panel, the round avatar, the
    name and the subtitle, leaving `reserved` pixels on the right for the card's own figures. Returns the image,
    its drawing context and the text column's left and right edges."""
    image = Image.new("RGB", size, BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((16, 16, size[0] - 16, size[1] - 16), radius=24, fill=PANEL)
    picture = round_avatar(avatar, user_id, name, 160)
    image.paste(picture, (44, 70), picture)
    left, right = 236, size[0] - 48
    draw.text((left, 40), fit_text(draw, name, right - left - reserved, font(38, True)), font=font(38, True),
              fill=TEXT)
    draw.text((left, 88), fit_text(draw, subtitle, right - left - reserved, font(20)), font=font(20), fill=MUTED)
    return image, draw, left, right


def png_bytes(image: Image.Image) -> bytes:
    """The image as PNG bytes."""
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", optimize=True)
    return out.getvalue()


def leaderboard_size(rows: int) -> tuple[int, int]:
    """The card's size for `rows` lines (at least one, for the "nothing yet" line)."""
    return LEADERBOARD_WIDTH, LEADERBOARD_HEADER + LEADERBOARD_ROW * max(1, rows) + LEADERBOARD_FOOTER


def leaderboard_card(title: str, subtitle: str, rows: list[LeaderboardRow], *,
                     empty: str = "No messages counted in this period yet.") -> bytes:
    """A PNG with one line per member: rank, avatar, name, a bar relative to the leader, the figure; `empty` is
    the line shown when there are no rows."""
    size = leaderboard_size(len(rows))
    image = Image.new("RGB", size, BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.text((32, 26), fit_text(draw, title, size[0] - 64, font(34, True)), font=font(34, True), fill=TEXT)
    draw.text((32, 70), fit_text(draw, subtitle, size[0] - 64, font(18)), font=font(18), fill=MUTED)
    top = max((row.value for row in rows), default=1) or 1
    for index, row in enumerate(rows):
        y = LEADERBOARD_HEADER + index * LEADERBOARD_ROW
        draw.rounded_rectangle((16, y + 4, size[0] - 16, y + LEADERBOARD_ROW - 4), radius=14, fill=PANEL)
        colour = ACCENT if row.rank == 1 else TEXT
        draw.text((64, y + LEADERBOARD_ROW // 2), f"#{row.rank}", font=font(24, True), fill=colour, anchor="mm")
        avatar = round_avatar(row.avatar, row.user_id, row.name, 44)
        image.paste(avatar, (104, y + 10), avatar)
        draw.text((164, y + 12), fit_text(draw, row.name, 300, font(22, True)), font=font(22, True), fill=TEXT)
        bar(draw, (164, y + 42, 760, y + 52), row.value / top, PALETTE[row.user_id % len(PALETTE)])
        draw.text((size[0] - 36, y + 14), f"{row.value:,}", font=font(22, True), fill=TEXT, anchor="ra")
    if not rows:
        draw.text((32, LEADERBOARD_HEADER + 18), fit_text(draw, empty, size[0] - 64, font(22)), font=font(22),
                  fill=MUTED)
    return png_bytes(image)


async def avatar_bytes(user: discord.abc.User | None) -> bytes | None:
    """A custom avatar's bytes (small), or None for default avatars and on any failure."""
    if user is None or user.avatar is None:
        return None
    try:
        return await asyncio.wait_for(user.display_avatar.with_size(128).read(), timeout=AVATAR_TIMEOUT)
    except (TimeoutError, discord.DiscordException, ValueError):
        return None
