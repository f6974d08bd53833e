"""Draw the example welcome card of docs/welcome.md (docs/images/welcome-card.png) with the bot's own code.

Run `python -m tools.welcome_card_example` after changing the card (`cogs/welcome/card.py`) and commit the PNG. The
avatar is drawn here (a soft gradient with a simple face), so the example needs no network and names no real
person.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw

from cogs.welcome.card import CardData, welcome_card

OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "images" / "welcome-card.png"


def example_avatar(size: int = 256) -> bytes:
    """A made-up avatar: a diagonal gradient with a smiling face."""
    image = Image.new("RGB", (size, size))
    pixels = image.load()
    for x in range(size):
        for y in range(size):
            t = (x + y) / (2 * size)
            pixels[x, y] = (int(90 + 120 * t), int(120 + 60 * (1 - t)), int(230 - 90 * t))
    draw = ImageDraw.Draw(image)
    draw.ellipse((size * 0.30, size * 0.32, size * 0.40, size * 0.44), fill=(255, 255, 255))
    draw.ellipse((size * 0.60, size * 0.32, size * 0.70, size * 0.44), fill=(255, 255, 255))
    draw.arc((size * 0.28, size * 0.38, size * 0.72, size * 0.76), start=20, end=160, fill=(255, 255, 255),
             width=max(2, size // 28))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def main() -> None:
    """Write the example card."""
    data = CardData(name="Robin Fairweather", user_id=271828182845904523, server="Hearth Community", count=1234,
                    avatar=example_avatar())
    OUTPUT.write_bytes(welcome_card(data))
    print(f"wrote {OUTPUT.relative_to(Path.cwd()) if OUTPUT.is_relative_to(Path.cwd()) else OUTPUT}")


if __name__ == "__main__":
    main()
