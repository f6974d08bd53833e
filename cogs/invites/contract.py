"""What the invites commands mixin uses of the invites cog (Red's `MixinMeta` pattern): the cog provides it, the
mixin depends on this contract only, so the imports point one way: cog → commands → contract."""

from __future__ import annotations

from abc import ABC
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

    from core.db import HearthPool
    from core.hearth_bot import HearthBot
    from utils.cooldowns import Cooldown


class MixinMeta(ABC):
    """The invites cog as its commands see it (attributes only annotated: the cog and `HearthCog` set them)."""

    bot: HearthBot
    pool: HearthPool
    drawing: ThreadPoolExecutor  # where leaderboard cards are drawn
    card_cooldown: Cooldown  # /invites leaderboard per member
