"""Admin and staff commands run by a member without the permission: refused at runtime, nothing changes.

Discord hides a command with `default_member_permissions` from members, but only for top-level commands, and a
member can still send the interaction (an old client, a crafted request): the bot's own check must hold. The
stand-in lets the member invoke it (`check_permissions=False`). Commands come from the live tree: every command
and subcommand with default_permissions (its own or its root's), a `has_permissions` check, or an
`interaction_check` of its group or cog. Staff-only commands whose check lives in the callback are listed too.
Each is invoked twice (required options only, then every option) with valid-looking values that point at real
rows of the guild, so a missing check would act on them; the whole database must be unchanged afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import discord
import pytest
from discord import app_commands

from tests.hearth_harness import Hearth
from tests.reliability import hostile
from tests.standin.models import Channel
from utils.errors import UserFacingError, permission_name

# Checked in the callback (not visible in the tree): the staff of tickets and the FAQ.
STAFF_COMMANDS = {
    "faq add", "faq edit", "faq remove", "faq stats",
    "ticket add_user", "ticket remove_user", "ticket rename", "ticket transfer", "ticket note", "ticket notes",
    "ticket suggest", "ticket claim", "ticket wait", "ticket escalate",
}
STAFF_REFUSAL = "Only staff"
# Checked in the callback too, for a permission: /premium is for everyone, its `check` subcommand for admins; so
# are /faq's export and import (the rest of /faq is for members and staff).
ADMIN_IN_CALLBACK = {"premium check", "faq export", "faq import"}
# The audit log records every command, refused ones included: that is the point of it.
NOT_SNAPSHOTTED = ("audit_logs", "health_check_history")


@dataclass
class Desk:
    """The guild with one row of each kind an admin command could act on."""

    ids: dict[str, int]
    ticket_channel: Channel


async def _desk(hearth: Hearth) -> Desk:
    d, g = hearth.discord, hearth.guild
    owner = g.owner
    tickets = g.guild.add_category("Tickets")
    await d.settle()
    setup = [
        await d.slash("ticket setup", user=owner, options={"category": tickets}),
        await d.slash("faq add", user=owner, title="How do I reset my password?", answer="The account page."),
        await d.slash("config custom_commands add", user=owner, name="hi", trigger_type="exact", trigger="!hi",
                      response="Hello!"),
        await d.slash("config automod add", user=owner, options={"name": "Words", "type": "content",
                                                                 "words": "badword"}),
        await d.slash("config automod action_add", user=owner, options={"type": "delete"}),
        await d.slash("config onboarding rule_add", user=owner, title="Be kind", description="Always."),
        await d.slash("config onboarding question_add", user=owner, text="Why here?", options={"type": "text"}),
        await d.slash("config set", user=owner, scope="system", key="timezone", value="Europe/Paris"),
        await d.slash("reminder add", user=owner, options={"name": "Standup", "channel": g.general,
                                                           "when": "tomorrow 09:00"}),
        await d.slash("ticket open", user=g.member, description="My game crashes on start-up"),
    ]
    assert all(hostile.INTERNAL_ERROR not in r.text and r.responded for r in setup), [r.text for r in setup]
    one = "SELECT min(id) FROM {} WHERE guild_id = $1"
    ids = {name: await hearth.db.fetchval(one.format(table), g.guild.id) for name, table in {
        "faq": "faq_entries", "reminder": "reminders", "ticket": "support_tickets", "automod_rule": "automod_rules",
        "automod_action": "automod_actions", "onboarding_rule": "guild_rules",
        "question": "guild_onboarding_questions", "history": "settings_history"}.items()}
    assert all(ids.values()), ids
    channel_id = await hearth.db.fetchval("SELECT channel_id FROM support_tickets WHERE id = $1", ids["ticket"])
    return Desk(ids, d.world.channels[channel_id])


def _int_value(command: str, option: str, desk: Desk) -> int:
    """The id of a real row for an id option, so that a missing check would act on it."""
    ids = desk.ids
    if option == "entry":
        return ids["history"] if command.startswith("config") else ids["faq"]
    if option == "rule":
        return ids["onboarding_rule"] if "onboarding" in command else ids["automod_rule"]
    return {"reminder": ids["reminder"], "ticket": ids["ticket"], "action": ids["automod_action"],
            "question": ids["question"]}.get(option, 1)


def _value(command: app_commands.Command, param: app_commands.Parameter, hearth: Hearth, desk: Desk) -> Any:
    """A valid, ordinary value for one option."""
    g = hearth.guild
    kind = param.type
    if param.choices:
        return param.choices[0].value
    if kind is discord.AppCommandOptionType.string:
        return "general-valid-text"[: int(param.max_value or 100)].ljust(int(param.min_value or 0), "x")
    if kind in (discord.AppCommandOptionType.integer, discord.AppCommandOptionType.number):
        value = _int_value(command.qualified_name, param.name, desk)
        low = param.min_value if param.min_value is not None else value
        high = param.max_value if param.max_value is not None else value
        return min(max(value, int(low)), int(high))
    if kind is discord.AppCommandOptionType.boolean:
        return False  # disabling is the most destructive choice
    if kind is discord.AppCommandOptionType.user:
        return g.moderator
    if kind is discord.AppCommandOptionType.role:
        return g.moderator_role
    if kind is discord.AppCommandOptionType.channel:
        wanted = {t.value for t in param.channel_types}
        return g.category if wanted == {4} else g.general
    if kind is discord.AppCommandOptionType.attachment:
        return ("config.json", b'{"settings": {"system": {"timezone": "Asia/Tokyo"}}}', "application/json")
    raise AssertionError(f"no value for {param.name} ({kind})")


def _required_permissions(command: app_commands.Command) -> list[str]:
    """Names of the permissions the refusal must name (from default_permissions; Manage Events for reminders)."""
    declared = hostile.effective_default_permissions(command)
    if declared is not None:
        return [permission_name(flag) for flag, on in declared if on]
    if command.qualified_name.startswith("reminder"):
        return ["Manage Events"]
    return ["Manage Server"]


def _guarded(hearth: Hearth) -> list[app_commands.Command]:
    return [c for c in hostile.leaf_commands(hearth.bot.tree) if hostile.has_permission_check(c)]


@pytest.mark.asyncio(loop_scope="session")
async def test_every_admin_command_refuses_a_member(hearth: Hearth) -> None:
    hearth.discord.ignore_errors(UserFacingError)
    desk = await _desk(hearth)
    d, member = hearth.discord, hearth.guild.member
    guarded = _guarded(hearth) + [c for c in hostile.leaf_commands(hearth.bot.tree)
                                   if c.qualified_name in ADMIN_IN_CALLBACK]
    staff = [c for c in hostile.leaf_commands(hearth.bot.tree) if c.qualified_name in STAFF_COMMANDS]
    assert len(guarded) >= 55 and len(staff) == len(STAFF_COMMANDS), [c.qualified_name for c in guarded]
    sql = await hostile.whole_database_sql(hearth, skip=NOT_SNAPSHOTTED)
    before = await hostile.snapshot(hearth, sql, 0)
    messages_before = {cid: len(d.world.visible_messages(cid)) for cid in d.world.channels}
    changes_before = len(_discord_changes(d))

    failures: list[str] = []
    invocations = 0
    for command in [*guarded, *staff]:
        name = command.qualified_name
        channel = desk.ticket_channel if name.startswith("ticket ") else hearth.guild.general
        full = {p.display_name: _value(command, p, hearth, desk) for p in command.parameters}
        required = {p.display_name: full[p.display_name] for p in command.parameters if p.required}
        for options in (required, full):
            answer = await d.slash(name, user=member, channel=channel, options=options, check_permissions=False)
            invocations += 1
            wanted = [STAFF_REFUSAL] if command in staff else _required_permissions(command)
            if not (answer.responded and answer.ephemeral and all(w in answer.text for w in wanted)):
                failures.append(f"/{name} {options}: {answer.text!r} (ephemeral={answer.ephemeral}), "
                                f"wanted a refusal naming {wanted}")
    assert not failures, "\n".join(failures)
    assert hostile.diff(before, await hostile.snapshot(hearth, sql, 0)) == []
    assert {cid: len(d.world.visible_messages(cid)) for cid in messages_before} == messages_before
    assert _discord_changes(d)[changes_before:] == [], "a refused command changed something on Discord"
    print(f"\n{len(guarded)} guarded + {len(staff)} staff commands, {invocations} refused invocations")


def _discord_changes(d: Any) -> list[str]:
    """Requests that change channels, roles, members or messages (not the answers to interactions)."""
    return [f"{r.method} {r.path}" for r in d.requests() if r.path.startswith(("/channels", "/guilds"))
            and (r.method != "GET")]
