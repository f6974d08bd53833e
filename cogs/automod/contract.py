"""What the parts of automod (the violation handler, the AI worker, the appeal buttons, `/config automod`) use of
the automod cog.

Each part takes or finds the cog as an `AutomodContract`, a Protocol of exactly what the parts use, which
`AutomodCog` satisfies; none imports the cog's module, so the imports point one way: cog → parts → contract.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import discord

    from cogs.automod.actions import Outcome
    from cogs.automod.matchers import GuildRules, Hit
    from cogs.automod.stats import StatsBuffer
    from core.db import HearthPool
    from core.guild_cache import GuildCache
    from core.hearth_bot import HearthBot
    from core.message_pipeline import MessageContext
    from gpt.service import LLMService


class ViolationHandler(Protocol):
    """The violation handler (`violations.Violations`) as the AI worker and the appeal buttons see it."""

    async def handle(self, message: discord.Message, member: discord.Member, hits: list[Hit], *,
                     received: float, ctx: MessageContext | None = None,
                     ai_analysis: dict[str, Any] | None = None) -> None:
        """Act on the rules that fired for one message."""

    async def remove_points(self, row: Any, *, taken: bool = False) -> None:
        """Take back the points of a logged violation (false positive, approved appeal, a removed case), once."""

    async def mute_role(self, guild_id: int, action: Any = None) -> tuple[int | None, int | None, str]:
        """The mute role (the action's, else `automod.mute_role`), who configured it, where it is configured."""

    async def mute_refused(self, guild: discord.Guild, outcome: Outcome) -> bool:
        """Role safety for the mute role, against whoever configured it: True (and a note) when it is refused."""


class AutomodContract(Protocol):
    """The automod cog as its parts see it."""

    bot: HearthBot
    cache: GuildCache[GuildRules]  # the guilds' compiled rules (invalidate after a change)
    stats: StatsBuffer  # daily trigger and false-positive counts
    violations: ViolationHandler
    llm: LLMService  # set when the cog loads

    @property
    def pool(self) -> HearthPool:
        """The cog's database pool."""

    async def is_staff(self, member: discord.Member) -> bool:
        """Staff are never acted on (`staff.EXEMPT`)."""
