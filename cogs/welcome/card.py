"""The welcome card: a PNG drawn with the shared drawing kit (`utils/cards.py`, the profile card's look) — the
member's round avatar, "WELCOME", their name, the server and their member number.

Rendering is CPU work: the cog runs `welcome_card` in a thread of its own (`WelcomeCog.drawing`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from utils.cards import ACCENT, BACKGROUND, MUTED, PANEL, TEXT, fit_text, font, png_bytes, round_avatar
from utils.lazy_import import lazy_module

if TYPE_CHECKING:
    from PIL import Image, ImageDraw
else:  # Pillow is imported when the first card is drawn, not at start-up (utils/cards.py)
    Image, ImageDraw = lazy_module("PIL.Image"), lazy_module("PIL.ImageDraw")

CARD_SIZE = (1000, 360)
AVATAR = 220
CARD_NAME = "welcome.png"


@dataclass(frozen=True)
class CardData:
    """What a welcome card shows (names as plain text: the card is an image, nothing in it can ping)."""

    name: str
    user_id: int
    server: str
    count: int
    avatar: bytes | None = None


def welcome_card(data: CardData) -> bytes:
    """A 1000×360 PNG: the avatar in an accent ring on the left, the greeting on the right."""
    width, height = CARD_SIZE
    image = Image.new("RGB", CARD_SIZE, BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((16, 16, width - 16, height - 16), radius=28, fill=PANEL)
    left, top = 56, (height - AVATAR) // 2
    draw.ellipse((left - 8, top - 8, left + AVATAR + 8, top + AVATAR + 8), fill=ACCENT)
    avatar = round_avatar(data.avatar, data.user_id, data.name, AVATAR)
    image.paste(avatar, (left, top), avatar)
    x, right = left + AVATAR + 48, width - 56
    draw.text((x, 78), "WELCOME", font=font(28, True), fill=ACCENT)
    draw.text((x, 118), fit_text(draw, data.name, right - x, font(54, True)), font=font(54, True), fill=TEXT)
    draw.text((x, 194), fit_text(draw, f"to {data.server}", right - x, font(28)), font=font(28), fill=MUTED)
    draw.text((x, 248), f"Member #{data.count:,}", font=font(30, True), fill=TEXT)
    return png_bytes(image)
