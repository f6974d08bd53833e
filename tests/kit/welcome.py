"""The welcome desk: #welcome for the messages, #mod-log as the log channel (where problems are reported), and
helpers to configure the messages and let people join, leave and be banned."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from PIL import Image

from tests.kit.desks import FeatureDesk
from tests.standin.models import Channel, Member, Message, User

RED = (210, 30, 40)


def png(colour: tuple[int, int, int] = RED, size: int = 96) -> bytes:
    """A plain square PNG (an avatar to upload)."""
    out = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(out, format="PNG")
    return out.getvalue()


def image_of(data: bytes) -> Image.Image:
    """An attachment's bytes as a Pillow image."""
    return Image.open(io.BytesIO(data))


@dataclass
class WelcomeDesk(FeatureDesk):
    """The harness plus #welcome and #mod-log (the system log channel)."""

    welcome: Channel
    logs: Channel

    async def set(self, key: str, value: Any) -> None:
        """Store a `welcome.<key>` setting as the owner did it."""
        await self.setting("welcome", key, value)

    async def join(self, user: str | User, **kw: Any) -> Member:
        """`user` (a name makes a new user) joins the default guild."""
        return await self.d.member_join(self.server, user, **kw)

    def posted(self) -> list[Message]:
        """What the bot posted in #welcome."""
        return [m for m in self.d.messages_in(self.welcome) if m.author.id == self.d.world.bot_user.id]

    def notices(self) -> list[str]:
        """What the bot posted in the log channel."""
        return [m.content for m in self.d.messages_in(self.logs)]

    def admin(self) -> Member:
        """alice, who has Manage Server."""
        return self.g.admin
