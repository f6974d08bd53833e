"""Onboarding tests: the bot on the stand-in with a welcome channel, a staff channel, a join and a completion role,
and helpers to configure the flow through `/config onboarding …` and to walk it like a member."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.hearth_harness import Hearth
from tests.standin.models import Channel, Member, Message, Role


@dataclass
class Onboarding:
    """The harness plus the onboarding channels and roles."""

    hearth: Hearth
    welcome: Channel
    staff: Channel
    join_role: Role
    done_role: Role

    @property
    def d(self):
        return self.hearth.discord

    @property
    def g(self):
        return self.hearth.guild

    @property
    def guild_id(self) -> int:
        return self.g.guild.id

    async def set(self, key: str, value: Any) -> None:
        """Store a setting as the server owner did it (roles the bot gives are checked against who set them)."""
        await self.hearth.bot.guild_settings.set(self.guild_id, "onboarding", key, value, changed_by=self.g.owner.id)

    async def admin(self, command: str, *, by: Member | None = None, **options: Any) -> Any:
        """Run `/config onboarding <command>` as the admin (Manage Server only), or `by`; returns the result."""
        return await self.d.slash(f"config onboarding {command}", user=by or self.g.admin, options=options)

    async def rule(self, title: str, description: str = "Be kind.", **options: Any) -> int:
        result = await self.admin("rule_add", title=title, description=description, **options)
        assert "Added rule" in result.text, result.text
        return await self.hearth.db.fetchval("SELECT max(id) FROM guild_rules WHERE guild_id = $1", self.guild_id)

    async def question(self, text: str, type_: str, **options: Any) -> int:
        result = await self.admin("question_add", text=text, type=type_, **options)
        assert "Added question" in result.text, result.text
        return await self.hearth.db.fetchval("SELECT max(id) FROM guild_onboarding_questions WHERE guild_id = $1",
                                             self.guild_id)

    async def responses(self, member: Member, guild_id: int | None = None) -> dict[str, Any] | None:
        value = await self.hearth.db.fetchval("SELECT responses FROM onboarding WHERE guild_id = $1 AND user_id = $2",
                                              guild_id or self.guild_id, member.id)
        return value

    def dm(self, member: Member) -> Message:
        """The latest DM of the bot to the member (its current version)."""
        messages = self.d.dms_to(member)
        assert messages, f"no DM to {member.user.username}"
        return messages[-1]

    def roles_of(self, member: Member) -> set[int]:
        return set(self.g.guild.members[member.id].roles)

    def title(self, message: Any) -> str:
        current = self.d.world.messages[message.id] if isinstance(message, Message) else message.message
        return current.embeds[0]["title"] if current.embeds else current.content


@pytest.fixture
async def onboarding(hearth: Hearth) -> Onboarding:
    g = hearth.guild.guild
    welcome = g.add_text_channel("welcome")
    staff = g.add_text_channel("staff")
    logs = g.add_text_channel("mod-log")
    join_role = g.add_role("Newcomer")
    done_role = g.add_role("Member")
    await hearth.discord.settle()
    ob = Onboarding(hearth, welcome, staff, join_role, done_role)
    await hearth.bot.guild_settings.set(g.id, "system", "log_channel", logs.id, changed_by=hearth.guild.owner.id)
    await ob.set("welcome_channel", welcome.id)
    await ob.set("staff_channel", staff.id)
    await ob.set("join_role", join_role.id)
    await ob.set("completion_role", done_role.id)
    await ob.set("mode", "rules_questions")
    return ob
