"""What the channel tools (`channel_tools.py`, a mixin) use of the moderation cog.

Red's `MixinMeta` pattern: `ChannelTools` derives from `ChannelToolsMeta`, which declares the cog's attributes it
reads; the moderation cog (a `HearthCog`) provides them. The mixin so depends on this contract, never on the cog's
module: cog → channel_tools → contract.
"""

from __future__ import annotations

from abc import ABC
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.db import HearthPool
    from core.hearth_bot import HearthBot


class ChannelToolsMeta(ABC):
    """The moderation cog as the channel tools see it.

    Attributes are only annotated here (the cog and `HearthCog` set them), so nothing in this class shadows them.
    """

    bot: HearthBot
    pool: HearthPool  # the cog's own pool (the lock state lives in moderation_channel_locks)
