"""The support desk of the tickets tests: a Support role with a staff member, an Escalation role with a member, a
Tickets category and a ticket-logs channel, configured with /ticket setup; opening a ticket and reading it back."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from cogs.tickets import repo
from tests.hearth_harness import Hearth
from tests.kit.desks import FeatureDesk
from tests.standin.models import Channel, Member, Role


@dataclass
class TicketDesk(FeatureDesk):
    """The default guild with tickets set up."""

    staff: Member
    staff_role: Role
    escalation: Member
    escalation_role: Role
    category: Channel
    logs: Channel


async def ticket_desk(hearth: Hearth) -> TicketDesk:
    """Set tickets up in the default guild (as the admin, with /ticket setup) and return the desk."""
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
    return TicketDesk(hearth, staff, staff_role, escalation, escalation_role, category, logs)


async def open_ticket(desk: TicketDesk, member: Member | None = None, description: str = "My game keeps crashing "
                      "when I join voice", **options: Any) -> tuple[dict, Channel]:
    """Open a ticket with /ticket open; returns its row and its channel in the stand-in."""
    hearth = desk.hearth
    who = member or desk.member
    result = await hearth.discord.slash("ticket open", user=who, guild=hearth.guild.guild, description=description,
                                        **options)
    assert result.ephemeral
    assert "is open: <#" in result.text, result.text
    channel_id = int(re.search(r"is open: <#(\d+)>", result.text).group(1))  # type: ignore[union-attr]
    found = await repo.by_channel(hearth.db, hearth.guild.guild.id, channel_id)
    assert found is not None and found.user_id == who.id, found
    return asdict(found), hearth.discord.world.channels[found.channel_id]


async def ticket(desk: TicketDesk, ticket_id: int) -> dict:
    """The ticket's row, as it is now (read through the tickets repo)."""
    found = await repo.get(desk.db, desk.server.id, ticket_id)
    assert found is not None, f"no ticket #{ticket_id}"
    return asdict(found)


def control_message(desk: TicketDesk, channel: Channel) -> Any:
    """The ticket's first message, with its buttons."""
    return next(m for m in desk.hearth.discord.messages_in(channel) if m.buttons())
