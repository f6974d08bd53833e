"""Regression tests for the bugs the hostile-input property test (test_hostile_input.py) found, one plain test each."""

from __future__ import annotations

import pytest

from tests.hearth_harness import Hearth
from tests.reliability import hostile
from utils.errors import UserFacingError
from utils.options import ROW_ID_MAX

ID_OPTIONS = {"rule", "action", "entry", "reminder", "ticket", "question"}


def _options(command: dict) -> list[dict]:
    """Leaf options of a synced command payload (subcommands and groups walked)."""
    out = []
    for option in command.get("options") or []:
        if option["type"] in (1, 2):
            out += _options(option)
        else:
            out.append(option)
    return out


async def test_row_id_options_stop_at_int4(hearth: Hearth) -> None:
    """Bug: `/reminder delete reminder:2147483648` (and 30 other id options) was an internal error — asyncpg cannot
    send a number beyond int4 for a serial column. Every id option now declares 1..2147483647, which Discord
    enforces; the largest valid id is a plain "not found"."""
    hearth.discord.ignore_errors(UserFacingError)
    synced = [c for pool in hearth.discord.world.commands.values() for c in pool]
    ids = [(c["name"], o) for c in synced for o in _options(c) if o["name"] in ID_OPTIONS and o["type"] == 4]
    assert len(ids) >= 30
    assert all(o.get("min_value") == 1 and o.get("max_value") == ROW_ID_MAX for _, o in ids), ids
    with pytest.raises(ValueError, match="outside"):  # Discord's client refuses it, as the stand-in does
        await hearth.discord.slash("reminder delete", user=hearth.guild.owner, reminder=ROW_ID_MAX + 1)
    answer = await hearth.discord.slash("reminder delete", user=hearth.guild.owner, reminder=ROW_ID_MAX)
    assert answer.ephemeral and hostile.INTERNAL_ERROR not in answer.text
    assert f"#{ROW_ID_MAX}" in answer.text or "No reminder" in answer.text, answer.text


async def test_an_error_quoting_6000_characters_still_reaches_the_member(hearth: Hearth) -> None:
    """Bug: "There is no custom command `<6000 characters>`" exceeded Discord's 2000-character limit, the reply was
    refused (400) and the member saw nothing. Error replies are now shortened in the middle."""
    hearth.discord.ignore_errors(UserFacingError)
    answer = await hearth.discord.slash("config custom_commands show", user=hearth.guild.admin, name="x" * 6000)
    assert answer.responded and answer.ephemeral
    assert answer.text.startswith("There is no custom command `xxx") and " … " in answer.text
    assert len(answer.content) == 2000


async def test_command_stats_refuses_a_name_no_command_has(hearth: Hearth) -> None:
    """Bug: `/command_stats command:<300 characters>` went into the embed title (256 at most): 400 from Discord and
    an internal error. Now a validation message says what a command name looks like."""
    hearth.discord.ignore_errors(UserFacingError)
    answer = await hearth.discord.slash("command_stats", user=hearth.guild.admin, command="a" * 300)
    assert answer.ephemeral and "not a command name" in answer.text and "config set" in answer.text
    assert hostile.INTERNAL_ERROR not in answer.text
    normal = await hearth.discord.slash("command_stats", user=hearth.guild.admin, command="/config  set")
    assert normal.embeds and normal.embeds[0]["title"].endswith("· /config set")


async def test_ticket_remove_user_cannot_lock_the_bot_out(hearth: Hearth) -> None:
    """Bug: `/ticket remove_user member:@Hearth` removed the bot's own overwrite from the ticket channel: the bot
    lost access to the ticket it runs (every later rename/close got 403 Missing Access). Bots are now refused."""
    hearth.discord.ignore_errors(UserFacingError)
    d, g = hearth.discord, hearth.guild
    tickets = g.guild.add_category("Tickets")
    await d.settle()
    setup = await d.slash("ticket setup", user=g.admin, options={"category": tickets})
    assert setup.text.startswith("✅"), setup.text
    opened = await d.slash("ticket open", user=g.member, description="My game crashes on start-up")
    row = await hearth.db.fetchrow("SELECT id, channel_id FROM support_tickets WHERE user_id = $1", g.member.id)
    channel = d.world.channels[row["channel_id"]]
    assert "is open: <#" in opened.text
    overwrites_before = dict(channel.overwrites)

    refused = await d.slash("ticket remove_user", user=g.owner, channel=channel, member=g.guild.me)
    assert refused.ephemeral and "bots can't be removed from tickets" in refused.text
    assert channel.overwrites == overwrites_before
    renamed = await d.slash("ticket rename", user=g.owner, channel=channel, options={"name": "Crash on start"})
    assert renamed.text == f"Renamed ticket #{row['id']} to `crash-on-start`."
    assert channel.name == "crash-on-start"


async def test_ticket_topic_longer_than_a_field_is_refused_before_anything_is_created(hearth: Hearth) -> None:
    """Bug: with no topics configured, `/ticket open category:<1500 characters>` (typed, the option is
    autocomplete-only) created the ticket row and channel, then the intro embed's Topic field (1024 at most) was
    refused: an internal error and a ticket without its intro message. Now refused first, nothing created."""
    hearth.discord.ignore_errors(UserFacingError)
    d, g = hearth.discord, hearth.guild
    tickets = g.guild.add_category("Tickets")
    await d.settle()
    await d.slash("ticket setup", user=g.admin, options={"category": tickets})
    channels_before = len(g.guild.channels)
    typed = await d.slash("ticket open", user=g.member, description="My game crashes on start-up",
                          category="é" * 1500)
    form = await d.slash("ticket open", user=g.member, category="é" * 1500)  # without a description: the form
    for answer in (typed, form):
        assert answer.ephemeral and answer.modal is None
        assert "A ticket topic is at most 100 characters (this one has 1500)" in answer.text
    assert await hearth.db.fetchval("SELECT count(*) FROM support_tickets") == 0
    assert len(g.guild.channels) == channels_before
    fine = await d.slash("ticket open", user=g.member, description="My game crashes on start-up", category="Crash")
    assert "is open: <#" in fine.text
    row = await hearth.db.fetchrow("SELECT category, channel_id FROM support_tickets")
    assert row["category"] == "Crash"
    intro = next(m for m in d.messages_in(d.world.channels[row["channel_id"]]) if m.embeds)
    assert {"name": "Topic", "value": "Crash", "inline": True} in intro.embeds[0]["fields"]
