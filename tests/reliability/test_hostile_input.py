"""Hostile input, property-based: every slash command of the live tree, driven through the Discord stand-in with
generated options (see tests/reliability/hostile.py), as the guild's admin and as a plain member.

For each example: both invocations are answered in Discord's 3-second window, neither answer is the internal-error
message, no error reaches discord.py's hooks, and not one row of the second guild (seeded in every table) changes.

Hypothesis runs its examples in a worker thread (`@given` cannot drive a coroutine on the session's running loop);
each example is a coroutine sent to that loop with `run_coroutine_threadsafe`.
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass, field
from typing import Any

import pytest
from discord import app_commands
from hypothesis import given, settings
from hypothesis import strategies as st

from cogs.tickets.lifecycle import ACTIVE
from tests.hearth_harness import Hearth
from tests.llm_standin import LLMStandIn
from tests.reliability import hostile
from tests.standin.interactions import InteractionResult
from tests.standin.models import Channel, Member, walk_components
from utils.errors import UserFacingError

# 25 keeps the file well under a minute on 2 cores; HEARTH_HOSTILE_EXAMPLES=200 digs deeper locally.
EXAMPLES_PER_COMMAND = int(os.environ.get("HEARTH_HOSTILE_EXAMPLES", "25"))
EXAMPLE_TIMEOUT = 30.0  # seconds; a hung example fails instead of blocking the session
PARTS = 4  # the commands split in parts that xdist runs side by side (one part alone was the suite's longest test)

# The rest (no example database, derandomized, no deadline) is the "hearth-ci" profile of conftest.py.
PROPERTY_SETTINGS = settings(max_examples=EXAMPLES_PER_COMMAND)


@dataclass
class Home:
    """Guild A as the property test sees it."""

    hearth: Hearth
    ticket_channel: Channel
    users: dict[str, Member]
    other_id: int
    opened: int = 1
    completions: int = 0
    follow_ups: int = 0
    stats: dict[str, int] = field(default_factory=dict)


async def _prepare_home(hearth: Hearth, other: hostile.OtherGuild) -> tuple[Home, hostile.World]:
    """Guild A with a ticket desk, an open ticket and a few rows, plus the objects options may name."""
    d, g = hearth.discord, hearth.guild
    guild = g.guild
    admin_role = guild.role("Admin")
    loud = guild.add_role("Announcements", [], mentionable=True)
    top = guild.add_role("Above Bot", ["manage_guild"], above_bot=True)
    tickets = guild.add_category("Tickets")
    logs = guild.add_text_channel("ticket-logs", overwrites={"everyone": {"deny": ["view_channel"]},
                                                             admin_role: {"allow": ["view_channel"]}})
    hidden = guild.add_text_channel("bot-blind", overwrites={guild.bot_role: {"deny": ["view_channel"]}})
    mute = guild.add_text_channel("bot-mute", overwrites={guild.bot_role: {"deny": ["send_messages"]}})
    voice = guild.add_voice_channel("Voice")
    stranger = d.world.add_user("stranger")
    await d.settle()
    setup = await d.slash("ticket setup", user=g.admin, guild=guild,
                          options={"category": tickets, "staff_role": admin_role, "log_channel": logs})
    assert setup.text.startswith("✅"), setup.text
    opened = await d.slash("ticket open", user=g.member, guild=guild, description="My game crashes on start-up")
    assert "is open: <#" in opened.text, opened.text
    row = await hearth.db.fetchrow("SELECT id, channel_id FROM support_tickets WHERE guild_id = $1", guild.id)
    made = [await d.slash("faq add", user=g.admin, guild=guild, title="How do I reset my password?",
                          answer="Use the account page."),
            await d.slash("config custom_commands add", user=g.admin, guild=guild, name="hi", trigger_type="exact",
                          trigger="!hi", response="Hello!"),
            await d.slash("reminder add", user=g.owner, guild=guild, options={
                "name": "Standup", "channel": g.general, "when": "tomorrow 09:00", "message": "Standup time"})]
    assert all(r.text.startswith("✅") for r in made), [r.text for r in made]
    home_ids = [row["id"]] + [r["id"] for r in await hearth.db.fetch(
        "SELECT id FROM faq_entries WHERE guild_id = $1 UNION SELECT id FROM reminders WHERE guild_id = $1", guild.id)]
    world = hostile.World(
        users=[g.admin, g.member, g.moderator, g.owner, guild.me, other.member, other.owner, stranger],
        roles=[guild.everyone, admin_role, g.moderator_role, loud, top, guild.bot_role],
        channels=[g.general, logs, hidden, mute, voice, g.category, tickets,
                  d.world.channels[row["channel_id"]]],
        other=other, home_ids=home_ids)
    home = Home(hearth, d.world.channels[row["channel_id"]], {"admin": g.owner, "member": g.member}, other.guild.id)
    return home, world


async def _fresh_ticket(home: Home) -> None:
    """Ticket commands get an open ticket to work on (an earlier command may have closed or archived it)."""
    hearth, g = home.hearth, home.hearth.guild
    row = await hearth.db.fetchrow("SELECT status, channel_id FROM support_tickets WHERE guild_id = $1 AND user_id = $2"
                                   " ORDER BY id DESC LIMIT 1", g.guild.id, g.member.id)
    # (None when /delete_my_data, confirmed by a pressed button, erased the member's tickets: by design.)
    channel = hearth.discord.world.channels.get(row["channel_id"] or 0) if row else None
    if row and row["status"] in ACTIVE and channel is not None:
        return
    opened = await hearth.discord.slash("ticket open", user=g.member, guild=g.guild,
                                        description="It crashes again after the update")
    assert "is open: <#" in opened.text, opened.text
    row = await hearth.db.fetchrow("SELECT channel_id FROM support_tickets WHERE guild_id = $1 AND user_id = $2 "
                                   "ORDER BY id DESC LIMIT 1", g.guild.id, g.member.id)
    home.ticket_channel = hearth.discord.world.channels[row["channel_id"]]
    home.opened += 1


async def _present(home: Home, who: str) -> Member:
    """The member an example runs as, back in the guild if an earlier invocation kicked or banned them (the
    moderation commands do that by design): the ban lifted and the member rejoined with their roles."""
    guild, user = home.hearth.guild.guild, home.users[who]
    if user.id not in guild.members:
        guild.bans.pop(user.id, None)
        roles = [guild.roles[r] for r in user.roles if r in guild.roles and r != guild.id]
        home.users[who] = user = await home.hearth.discord.member_join(guild, user.user, roles=roles)
    return user


async def _invoke(home: Home, command: str, who: str, where: str, options: dict[str, Any]) -> InteractionResult:
    hearth = home.hearth
    user = await _present(home, who)
    channel = home.ticket_channel if where == "ticket" else hearth.guild.general
    return await hearth.discord.slash(command, user=user, guild=hearth.guild.guild, channel=channel,
                                      options=options, check_permissions=False)


def _verdict(result: InteractionResult, command: str, who: str, options: dict[str, Any]) -> list[str]:
    """What is wrong with one answer (empty when it is fine)."""
    what = f"/{command} as {who} with {options!r}"
    if not result.responded:
        return [f"{what}: no answer within Discord's window"]
    if result.response_type == 5 and not (result.followup_ids or result.edits):
        return [f"{what}: deferred and never followed up"]
    texts = [m.content for m in result.messages] + [result.text]
    if any(hostile.INTERNAL_ERROR in t for t in texts):
        return [f"{what}: internal error: {result.text!r}"]
    return []


MODAL_TEXT = "@everyone <@&1> '; DROP TABLE support_tickets; -- **x** 🙂"


def _modal_values(modal: dict[str, Any], options: dict[str, Any]) -> dict[str, str]:
    """Fill every text input of a modal with the example's text (within the input's bounds, as Discord enforces)."""
    text = next((v for v in options.values() if isinstance(v, str)), MODAL_TEXT)
    values = {}
    for item in walk_components(modal.get("components") or []):
        if item.get("type") == 4:
            low, high = item.get("min_length", 0), item.get("max_length", 4000)
            values[item["custom_id"]] = (text * (1 + low // max(1, len(text))))[:high]
    return values


async def _follow_through(home: Home, result: InteractionResult, command: str, who: str,
                          options: dict[str, Any]) -> list[str]:
    """Do what the member is asked next: submit the modal with the same hostile text, or press the first button."""
    d, user = home.hearth.discord, home.users[who]
    step = result
    try:
        if step.modal is None:
            message = result.last
            buttons = [b for b in (message.buttons() if message else []) if "custom_id" in b and not b.get("disabled")]
            if not buttons or message.deleted:
                return []
            step = await d.click(message, buttons[0]["custom_id"], user=user)
            home.follow_ups += 1
            if step.modal is None:
                return _verdict(step, f"{command} → {buttons[0].get('label')!r}", who, options)
        after = await d.submit_modal(step, _modal_values(step.modal, options), user=user)
        home.follow_ups += 1
        return _verdict(after, f"{command} → modal", who, options)
    except (LookupError, PermissionError, ValueError):
        return []  # not something this member can see or press (Discord would not let them)


async def _example(home: Home, sql: str, before: dict[str, Any], command: str, where: str,
                   options: dict[str, Any], completions: list[str]) -> None:
    """Run one generated example as admin then as member and check the property."""
    hearth = home.hearth
    problems: list[str] = []
    known = len(hearth.discord.problems())  # only this example's problems: shrinking must not see older ones
    for who in ("admin", "member"):
        result = await _invoke(home, command, who, where, options)
        problems += _verdict(result, command, who, options)
        home.stats[command] = home.stats.get(command, 0) + 1
        if not problems:
            problems += await _follow_through(home, result, command, who, options)
    for name in completions:  # what a member types into an autocomplete option: anything, answered every time
        partial = str(options.get(name, ""))[:100]  # Discord sends at most 100 characters while typing
        # The helper's own keywords (user, guild, channel) can't carry options here; the rest goes along.
        others = {k: v for k, v in options.items() if k != name and k not in ("user", "guild", "channel", "partial")}
        for who in ("admin", "member"):
            try:
                choices = await hearth.discord.autocomplete(command, name, user=home.users[who], partial=partial,
                                                            channel=hearth.guild.general, **others)
            except PermissionError:
                continue  # Discord hides the command from this member: nothing to type into
            except AssertionError as exc:
                problems.append(f"/{command} autocomplete {name}={partial!r} as {who}: {exc}")
            else:
                home.completions += 1
                if len(choices) > 25:
                    problems.append(f"/{command} autocomplete {name}: {len(choices)} choices")
    problems += [f"/{command} with {options!r}: {p}" for p in hearth.discord.problems()[known:]]
    changed = hostile.diff(before, await hostile.snapshot(hearth, sql, home.other_id))
    if changed:
        problems.append(f"/{command} with {options!r} changed the other guild's rows: " + "; ".join(changed))
    if problems:
        raise AssertionError("\n".join(problems))


def _run_property(loop: asyncio.AbstractEventLoop, home: Home, world: hostile.World, sql: str,
                  before: dict[str, Any], command: app_commands.Command) -> None:
    """Hypothesis, in this worker thread, sends each example to the session loop and waits for its verdict."""
    completions = [p.display_name for p in command.parameters if p.autocomplete]

    @PROPERTY_SETTINGS
    @given(options=hostile.options_strategy(command, world), where=st.sampled_from(["general", "ticket"]))
    def prop(options: dict[str, Any], where: str) -> None:
        future = asyncio.run_coroutine_threadsafe(
            _example(home, sql, before, command.qualified_name, where, options, completions), loop)
        future.result(timeout=EXAMPLE_TIMEOUT)

    prop()


@pytest.mark.asyncio(loop_scope="session")
@pytest.mark.parametrize("part", range(PARTS))
async def test_every_command_survives_hostile_options(hearth: Hearth, llm: LLMStandIn, part: int) -> None:
    # AI configured, answering with mentions and markdown: the GPT paths (check-ins, ticket suggestions, AI automod
    # rules) run too, with hostile model output.
    llm.respond_with(lambda _: "@everyone @here <@&1> **Done** `x` ```y```")
    await hearth.connect_llm(llm)
    # A validation message is the answer we want: the stand-in must not count it as an unexpected error.
    hearth.discord.ignore_errors(UserFacingError, app_commands.TransformerError)
    other = await hostile.seed_other_guild(hearth)
    home, world = await _prepare_home(hearth, other)
    sql = await hostile.snapshot_sql(hearth)
    before = await hostile.snapshot(hearth, sql, other.guild.id)
    seeded = {table: len(rows) for table, rows in before.items() if rows}
    assert len(seeded) >= 35, seeded  # guild B has rows in (nearly) every guild table

    every = hostile.leaf_commands(hearth.bot.tree)
    assert len(every) >= 85, [c.qualified_name for c in every]
    commands = every[part::PARTS]  # every command is in exactly one part
    loop = asyncio.get_running_loop()
    started = time.monotonic()
    failures: dict[str, str] = {}
    for command in commands:  # every command runs even when an earlier one failed: one run lists every bug
        if command.qualified_name.startswith("ticket "):
            await _fresh_ticket(home)
        try:
            await asyncio.to_thread(_run_property, loop, home, world, sql, before, command)
        except AssertionError as exc:
            failures[command.qualified_name] = str(exc)
    elapsed = time.monotonic() - started
    assert not failures, "\n\n".join(f"/{name}:\n{text}" for name, text in failures.items())

    assert set(home.stats) == {c.qualified_name for c in commands}
    for name in sorted(home.stats):
        print(f"{name}: {home.stats[name] // 2} examples")
    print(f"tickets opened for the ticket commands: {home.opened}; autocomplete requests: {home.completions}; "
          f"buttons pressed and modals submitted after an answer: {home.follow_ups}")
    print(f"\n{len(commands)} commands, {sum(home.stats.values())} invocations "
          f"({min(home.stats.values())}-{max(home.stats.values())} per command) in {elapsed:.1f} s")
