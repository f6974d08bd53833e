"""The roles desk: three plain roles to hand out (Gamer, Artist, Musician), a role manager (`rita`, Manage Roles,
her role above them), a #roles channel, #mod-log as the system log channel; helpers to run `/roles …` and to
make, fill and post a menu."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.hearth_harness import Hearth
from tests.kit.desks import FeatureDesk
from tests.standin.models import Channel, Member, Message, Role
from utils.errors import UserFacingError

MEMBER_ROLE = "/guilds/{guild_id}/members/{user_id}/roles/{role_id}"


@dataclass
class RolesDesk(FeatureDesk):
    """The default guild with roles to hand out and someone allowed to hand them out."""

    gamer: Role
    artist: Role
    musician: Role
    manager: Member
    channel: Channel
    logs: Channel

    async def roles(self, command: str, *, by: Member | None = None, **options: Any) -> Any:
        """Run `/roles <command>` as the role manager (or `by`); returns the result."""
        return await self.d.slash(f"roles {command}", user=by or self.manager, options=options)

    async def refused(self, command: str, *, by: Member | None = None, **options: Any) -> Any:
        """Run `/roles <command>` that must be refused (a `UserFacingError`, answered privately); the answer."""
        async with self.d.expect_errors(UserFacingError):
            result = await self.roles(command, by=by, **options)
        assert result.ephemeral, result.text
        return result

    async def menu(self, name: str, roles: list[Role], *, post: bool = True, **create: Any) -> Message | None:
        """Create a menu with `roles` and post it in #roles; returns the posted message."""
        made = await self.roles("menu create", name=name, **create)
        assert made.text.startswith("✅ Created"), made.text
        for role in roles:
            added = await self.roles("menu add", menu=name, role=role)
            assert added.text.startswith("✅ Added"), added.text
        if not post:
            return None
        posted = await self.roles("menu post", menu=name, channel=self.channel)
        assert posted.text.startswith("✅ Posted"), posted.text
        return self.d.last_message(self.channel)

    def has(self, member: Member, role: Role) -> bool:
        """Whether the member holds the role now, in Discord."""
        return role.id in self.server.member(member.id).roles

    def role_changes(self, method: str) -> list[Any]:
        """The bot's role grants (PUT) or removals (DELETE) so far."""
        return self.d.requests(method, MEMBER_ROLE)

    def log_lines(self) -> list[str]:
        """What the bot posted in #mod-log."""
        return [m.content for m in self.d.messages_in(self.logs)]


async def roles_desk(hearth: Hearth) -> RolesDesk:
    """Set the desk up in the default guild."""
    guild = hearth.guild.guild
    gamer, artist, musician = (guild.add_role(name) for name in ("Gamer", "Artist", "Musician"))
    manager = guild.add_member("rita", permissions=["manage_roles"])  # her role is created last: above the others
    channel = guild.add_text_channel("roles")
    logs = guild.add_text_channel("mod-log")
    await hearth.discord.settle()
    await hearth.bot.guild_settings.set(guild.id, "system", "log_channel", logs.id, changed_by=hearth.guild.owner.id)
    return RolesDesk(hearth, gamer, artist, musician, manager, channel, logs)
