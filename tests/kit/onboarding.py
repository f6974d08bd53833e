"""The onboarding desk: a welcome channel, a staff channel, a join and a completion role, and helpers to configure
the flow through `/config onboarding …` and to walk it like a member."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cogs.onboarding import repo
from tests.kit.desks import FeatureDesk
from tests.standin.models import Channel, Member, Message, Role


@dataclass
class Onboarding(FeatureDesk):
    """The harness plus the onboarding channels and roles."""

    welcome: Channel
    staff: Channel
    join_role: Role
    done_role: Role

    @property
    def guild_id(self) -> int:
        """The default guild's id."""
        return self.g.guild.id

    async def set(self, key: str, value: Any) -> None:
        """Store a setting as the server owner did it (roles the bot gives are checked against who set them)."""
        await self.setting("onboarding", key, value)

    async def admin(self, command: str, *, by: Member | None = None, **options: Any) -> Any:
        """Run `/config onboarding <command>` as the admin (Manage Server only), or `by`; returns the result."""
        return await self.d.slash(f"config onboarding {command}", user=by or self.g.admin, options=options)

    async def rule(self, title: str, description: str = "Be kind.", **options: Any) -> int:
        """Add a rule with `/config onboarding rule_add`; returns its id."""
        result = await self.admin("rule_add", title=title, description=description, **options)
        assert "Added rule" in result.text, result.text
        return max(rule.id for rule in await repo.rules(self.db, self.guild_id))

    async def question(self, text: str, type_: str, **options: Any) -> int:
        """Add a question with `/config onboarding question_add`; returns its id."""
        result = await self.admin("question_add", text=text, type=type_, **options)
        assert "Added question" in result.text, result.text
        return max(question.id for question in await repo.questions(self.db, self.guild_id))

    async def responses(self, member: Member, guild_id: int | None = None) -> dict[str, Any] | None:
        """The member's stored answers, or None when there is no row (raw SQL: the repo answers {} for both)."""
        value = await self.hearth.db.fetchval("SELECT responses FROM onboarding WHERE guild_id = $1 AND user_id = $2",
                                              guild_id or self.guild_id, member.id)
        return value

    def dm(self, member: Member) -> Message:
        """The latest DM of the bot to the member (its current version)."""
        messages = self.d.dms_to(member)
        assert messages, f"no DM to {member.user.username}"
        return messages[-1]

    def roles_of(self, member: Member) -> set[int]:
        """The ids of the member's roles now, in the stand-in."""
        return set(self.g.guild.members[member.id].roles)

    def title(self, message: Any) -> str:
        """The current title of a message (or of an interaction's message): its first embed's, else its text."""
        current = self.d.world.messages[message.id] if isinstance(message, Message) else message.message
        return current.embeds[0]["title"] if current.embeds else current.content
