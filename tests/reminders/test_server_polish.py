"""Server reminders: the text taken from a message link, and the default reminders channel."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.hearth_harness import Hearth
from utils.errors import BadInput


@pytest.fixture
async def organiser(hearth: Hearth) -> Hearth:
    """The admin (alice) may manage events; the clock is on 1 June 2026, 06:00 UTC (the server's zone is UTC)."""
    g = hearth.guild.guild
    g.set_role_permissions(g.role("Admin"), ["manage_guild", "manage_events"])
    await hearth.discord.settle()
    hearth.clock.set(datetime(2026, 6, 1, 6, tzinfo=UTC))
    return hearth


def _link(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


async def test_a_server_reminder_takes_its_text_from_a_message_link(organiser: Hearth) -> None:
    hearth, g, d = organiser, organiser.guild, organiser.discord
    source = await d.say(g.general, g.member, "Bring snacks to game night!")
    made = await d.slash("reminder add", user=g.admin, guild=g.guild, name="Game night", when="every fri 20:00",
                         options={"channel": g.general}, from_message=_link(g.guild.id, g.general.id, source.id))
    assert made.text.startswith("✅ Created")
    row = await hearth.db.fetchrow("SELECT message, message_set_by FROM reminders")
    assert (row["message"], row["message_set_by"]) == ("Bring snacks to game night!", g.admin.id)
    await hearth.move_clock(datetime(2026, 6, 5, 20, tzinfo=UTC))
    assert d.last_message(g.general).content == "Bring snacks to game night!"


async def test_a_message_link_must_be_of_this_server_and_readable_by_the_member(organiser: Hearth) -> None:
    hearth, g, d = organiser, organiser.guild, organiser.discord
    staff = g.guild.add_text_channel("staff-only", overwrites={"everyone": {"deny": ["view_channel"]}})
    await d.settle()
    hidden = await d.say(staff, g.owner, "secret plans")
    other = d.add_guild("Other")
    elsewhere = other.add_text_channel("general")
    await d.settle()
    for link, expected in ((_link(other.id, elsewhere.id, 1), "That message is not on this server"),
                           (_link(g.guild.id, staff.id, hidden.id), "I can't find that message in a channel you can"),
                           ("not a link", "That is not a message link")):
        with d.expect_errors(BadInput):
            result = await d.slash("reminder add", user=g.admin, guild=g.guild, name="x", when="every fri 20:00",
                                   options={"channel": g.general}, from_message=link)
        assert result.ephemeral and expected in result.text
    assert await hearth.db.fetchval("SELECT count(*) FROM reminders") == 0


async def test_the_default_channel_is_used_when_none_is_given(organiser: Hearth) -> None:
    hearth, g, d = organiser, organiser.guild, organiser.discord
    with d.expect_errors(BadInput):
        refused = await d.slash("reminder add", user=g.admin, guild=g.guild, name="Standup", when="every day 09:00")
    assert "have an admin set a default reminders channel" in refused.text
    events = g.guild.add_text_channel("events")
    await d.settle()
    await d.slash("config set", user=g.admin, guild=g.guild, scope="reminders", key="default_channel",
                  value=f"<#{events.id}>")
    made = await d.slash("reminder add", user=g.admin, guild=g.guild, name="Standup", when="every day 09:00")
    assert f"in <#{events.id}>" in made.text
    assert await hearth.db.fetchval("SELECT channel_id FROM reminders") == events.id
    await hearth.move_clock(datetime(2026, 6, 1, 9, tzinfo=UTC))
    assert d.last_message(events).embeds[0]["title"] == "⏰ Standup"
