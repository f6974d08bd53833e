"""`LevelsDesk`: levels switched on in the default guild, with what its tests read and do (XP, level-ups heard
through the hook, messages a minute apart on the test's clock, voice channels)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from cogs.levels import curve, repo
from cogs.levels.api import LevelUp
from tests.kit.desks import FeatureDesk
from tests.standin.models import Channel, Member, Message

START = datetime(2026, 6, 3, 12, tzinfo=UTC)


@dataclass
class LevelsDesk(FeatureDesk):
    """The default guild with levels on; `heard` collects every `hearth_level_up` event of the current bot."""

    heard: list[LevelUp] = field(default_factory=list)

    @property
    def cog(self) -> Any:
        """The running levels cog."""
        return self.hearth.bot.get_cog("Levels")

    def listen(self, bot: Any = None) -> list[LevelUp]:
        """Record the level-ups `bot` (default: the running one) fires into `heard`; returns it."""
        async def on_hearth_level_up(event: LevelUp) -> None:
            self.heard.append(event)

        (bot or self.hearth.bot).add_listener(on_hearth_level_up)
        return self.heard

    async def set(self, key: str, value: Any, *, by: Member | None = None) -> None:
        """A `levels` setting, as the owner (or `by`) set it."""
        await self.setting("levels", key, value, by=by)
        await self.discord.settle()

    async def xp(self, member: Member) -> int:
        """The member's stored XP."""
        return await repo.xp_of(self.db, self.server.id, member.id)

    async def level(self, member: Member) -> int:
        """The member's level from their stored XP."""
        return curve.level_of(await self.xp(member))

    async def seed(self, member: Member, xp: int) -> None:
        """Store XP for the member as if they had earned it earlier."""
        await self.db.execute("INSERT INTO levels_members (guild_id, user_id, xp, updated_at) VALUES ($1, $2, $3, $4) "
                              "ON CONFLICT (guild_id, user_id) DO UPDATE SET xp = EXCLUDED.xp",
                              self.server.id, member.id, xp, self.hearth.clock.now())

    async def talk(self, member: Member, count: int = 1, *, channel: Channel | None = None,
                   gap: timedelta = timedelta(seconds=61)) -> list[Message]:
        """`count` messages by `member`, the clock moving `gap` before each one (past the default cooldown)."""
        sent = []
        for n in range(count):
            self.hearth.clock.advance(seconds=gap.total_seconds())
            sent.append(await self.discord.say(channel or self.guild.general, member, f"message {n}"))
        return sent

    async def flush(self) -> int:
        """Write what the cog buffers (and celebrate the level-ups it decides); settles Discord afterwards."""
        written = await self.cog.flush()
        await self.discord.settle()
        return written

    def fixed_xp(self, amount: int) -> None:
        """Make every message earn exactly `amount` XP (xp_min = xp_max is set by `enable(xp=…)` instead when the
        setting itself is under test)."""
        self.cog.rng.randint = lambda low, high: amount


async def levels_desk(hearth: Any, **settings: Any) -> LevelsDesk:
    """Levels on in the default guild (plus `settings` in scope levels), the clock at START, level-ups heard."""
    hearth.clock.set(START)
    desk = LevelsDesk(hearth)
    await desk.set("enabled", True)
    for key, value in settings.items():
        await desk.set(key, value)
    desk.listen()
    return desk
