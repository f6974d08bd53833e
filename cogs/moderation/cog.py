"""The moderation cog. In this branch it holds only the channel tools (`ChannelTools`, a mixin); the case log and
the member actions are merged into this class beside it."""

from __future__ import annotations

from cogs.moderation.channel_tools import ChannelTools
from cogs.moderation.settings import SETTINGS
from core.cog_base import CompositeMetaClass, HearthCog


class ModerationCog(ChannelTools, HearthCog, metaclass=CompositeMetaClass, name="Moderation"):
    """Manual moderation. The mixins see it through their contracts (`channel_tools_contract.ChannelToolsMeta`)."""

    pool_size = 2
    settings = SETTINGS
