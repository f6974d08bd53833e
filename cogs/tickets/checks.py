"""The tickets' staff check for commands: staff of tickets anywhere on the server (the staff rule, or a role of any
ticket category). Commands that act on one ticket still check that ticket's own staff in their body."""

from __future__ import annotations

import discord

from core.guild_kit import staff_only

NOT_STAFF = "Only staff can do that (the ticket staff role, Manage Channels or Manage Server)."


async def staff_of_any_category(interaction: discord.Interaction) -> bool:
    """Whether the member handles tickets here: the tickets' staff rule, or the staff role of some category."""
    cog = interaction.client.get_cog("Tickets")  # type: ignore[attr-defined]
    if cog is None:
        return True  # the command itself reports that tickets are unavailable
    return bool(await cog.desk.is_staff_anywhere(interaction.user))


TICKET_STAFF = staff_only(staff_of_any_category, NOT_STAFF)
