"""A support desk in the default guild: a Support role with a staff member, an Escalation role, a Tickets
category and a ticket-logs channel, configured with /ticket setup; helpers to open tickets and read them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import discord
import pytest_asyncio

from tests.hearth_harness import Hearth
from tests.llm_standin import LLMStandIn
from tests.standin import permissions as perms
from tests.standin.models import Channel, Member, Role


@dataclass
class Desk:
    hearth: Hearth
    staff: Member
    staff_role: Role
    escalation: Member
    escalation_role: Role
    category: Channel
    logs: Channel

    @property
    def member(self) -> Member:
        return self.hearth.guild.member

    @property
    def admin(self) -> Member:
        return self.hearth.guild.admin


async def _desk(hearth: Hearth) -> Desk:
    guild = hearth.guild.guild
    staff_role = guild.add_role("Support", [])
    escalation_role = guild.add_role("Escalation", [])
    staff = guild.add_member("sam", roles=[staff_role])
    escalation = guild.add_member("esme", roles=[escalation_role])
    category = guild.add_category("Tickets")
    logs = guild.add_text_channel("ticket-logs", overwrites={"everyone": {"deny": ["view_channel"]},
                                                             staff_role: {"allow": ["view_channel"]},
                                                             guild.bot_role: {"allow": ["view_channel"]}})
    await hearth.discord.settle()
    result = await hearth.discord.slash(
        "ticket setup", user=hearth.guild.admin, guild=guild,
        options={"category": category, "staff_role": staff_role, "log_channel": logs,
                 "escalation_role": escalation_role})
    assert result.text.startswith("✅ Tickets open in **Tickets**."), result.text
    return Desk(hearth, staff, staff_role, escalation, escalation_role, category, logs)


@pytest_asyncio.fixture(loop_scope="session")
async def desk(hearth: Hearth) -> Desk:
    """The desk without AI."""
    return await _desk(hearth)


@pytest_asyncio.fixture(loop_scope="session")
async def ai_desk(hearth: Hearth, llm: LLMStandIn) -> Desk:
    """The desk with AI configured against the LLM stand-in."""
    await hearth.connect_llm(llm)
    return await _desk(hearth)


async def open_ticket(desk: Desk, member: Member | None = None, description: str = "My game keeps crashing "
                      "when I join voice", **options: Any) -> tuple[dict, Channel]:
    """Open a ticket with /ticket open; returns its row and its channel in the stand-in."""
    hearth = desk.hearth
    who = member or desk.member
    result = await hearth.discord.slash("ticket open", user=who, guild=hearth.guild.guild, description=description,
                                        **options)
    assert result.ephemeral
    assert "is open: <#" in result.text, result.text
    row = await hearth.db.fetchrow("SELECT * FROM support_tickets WHERE user_id = $1 ORDER BY id DESC LIMIT 1",
                                   who.id)
    return dict(row), hearth.discord.world.channels[row["channel_id"]]


async def ticket(desk: Desk, ticket_id: int) -> dict:
    return dict(await desk.hearth.db.fetchrow("SELECT * FROM support_tickets WHERE id = $1", ticket_id))


def control_message(desk: Desk, channel: Channel) -> Any:
    """The ticket's first message, with its buttons."""
    return next(m for m in desk.hearth.discord.messages_in(channel) if m.buttons())


def overwrite(channel: Channel, target_id: int) -> tuple[discord.Permissions, discord.Permissions] | None:
    """(allow, deny) of one overwrite, or None."""
    found = channel.overwrites.get(target_id)
    if found is None:
        return None
    return discord.Permissions(found.allow), discord.Permissions(found.deny)


def can_view(desk: Desk, member: Member, channel: Channel) -> bool:
    guild = desk.hearth.guild.guild
    return bool(perms.channel_permissions(guild, member, channel) & perms.VIEW_CHANNEL)


def can_send(desk: Desk, member: Member, channel: Channel) -> bool:
    guild = desk.hearth.guild.guild
    return bool(perms.channel_permissions(guild, member, channel) & perms.SEND_MESSAGES)


