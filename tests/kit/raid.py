"""The raid protection desk: the default guild with #raid-alerts as `raid.log_channel` and #mod-log as the moderation
log, raid protection turned on (threshold 40 weighted joins in 10 s), and a raid to set off: young accounts with
Discord's default avatar joining a fraction of a second apart on the bot's clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cogs.raid import repo
from cogs.raid.repo import Incident, RaidMember
from tests.kit.desks import FeatureDesk
from tests.standin.models import Channel, Member, Message, Role

THRESHOLD = 40  # a young account with the default avatar weighs 2.5: the 16th such join in 10 s is a raid


@dataclass
class Raid(FeatureDesk):
    """The harness plus the alert and mod-log channels and shortcuts."""

    alerts: Channel
    logs: Channel
    joined: int = 0

    async def configure(self, **values: Any) -> None:
        """Set raid settings (as the owner)."""
        for key, value in values.items():
            await self.setting("raid", key, value)

    async def join(self, name: str | None = None, *, age: timedelta = timedelta(days=1), avatar: str | None = None,
                   after: float = 0.25, joined_at: datetime | None = None) -> Member:
        """One account joins `after` seconds after the previous event (the bot's clock), made `age` ago."""
        self.joined += 1
        now = self.hearth.clock.advance(seconds=after)
        return await self.d.member_join(self.server, name or f"raider{self.joined}", created_at=now - age,
                                        avatar=avatar, joined_at=joined_at)

    async def raid(self, count: int = 20, *, after: float = 0.25) -> list[Member]:
        """`count` day-old accounts with the default avatar join `after` seconds apart."""
        return [await self.join(after=after) for _ in range(count)]

    async def incident(self) -> Incident:
        """The guild's latest incident."""
        incident = await repo.latest(self.db, self.server.id)
        assert incident is not None, "no raid incident"
        return incident

    async def members(self, incident_id: int) -> list[RaidMember]:
        """The incident's members, as stored."""
        return await repo.members(self.db, self.server.id, incident_id)

    def alert_messages(self) -> list[Message]:
        """The raid alerts (messages with an embed in #raid-alerts), oldest first."""
        return [m for m in self.d.messages_in(self.alerts) if m.embeds]

    def alert(self) -> Message:
        """The one raid alert."""
        found = self.alert_messages()
        assert len(found) == 1, [m.embeds[0].get("title") for m in found]
        return found[0]

    def field(self, message: Message, name: str) -> str:
        """The value of the alert's field whose name starts with `name`."""
        for item in message.embeds[0].get("fields", []):
            if item["name"].startswith(name):
                return str(item["value"])
        raise KeyError(f"no field {name!r} in {[f['name'] for f in message.embeds[0].get('fields', [])]}")

    async def cases(self) -> list[Any]:
        """The moderation cases of the default guild, in order."""
        return await self.db.fetch("SELECT * FROM moderation_cases WHERE guild_id = $1 ORDER BY number",
                                   self.server.id)

    async def member_cases(self) -> list[Any]:
        """The cases about members (without the server-wide `server_brake` ones), in order."""
        return [case for case in await self.cases() if case["target_id"] is not None]

    def timed_out(self, member: Member) -> bool:
        """Whether Discord holds a timeout for the member now."""
        value = self.server.members[member.id].communication_disabled_until
        return value is not None and datetime.fromisoformat(value) > datetime.now(datetime.fromisoformat(value).tzinfo)

    def head_moderator(self) -> Member:
        """A member with Manage Server and Timeout Members (but not the owner)."""
        role: Role = self.server.add_role("Head mod", ["manage_guild", "moderate_members", "view_channel",
                                                       "send_messages"])
        return self.server.add_member("hedda", roles=[role])

    def raid_pool_trips(self) -> int:
        """How many times the raid cog's pool was used so far."""
        return self.hearth.bot.db.pools["raid"].acquisitions

    def settings_cached(self) -> Any:
        """The guild's settings as the bot holds them in memory (the same object while nothing reloads them)."""
        cached = self.hearth.bot.guild_settings._rows.peek(self.server.id)
        assert cached is not None
        return cached
