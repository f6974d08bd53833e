"""Autocomplete applies its command's permission checks: a member typing into a staff command (a crafted
interaction, for commands Discord hides from them) is offered nothing, staff are offered the choices, and a command
open to members offers each member their own items only."""

from __future__ import annotations

import discord

from tests.hearth_harness import Hearth

# Autocompletes of commands that members may run: they offer what any member may see (or the member's own items).
# /faq view: every member may list and read the FAQ (docs/faq.md).
MEMBER_FACING = {("ticket open", "category"), ("premium transfer", "server"), ("buy", "item"), ("faq view", "entry"),
                 ("timezone set", "zone"), ("remindme delete", "reminder"), ("help", "command")}


def _names(choices: list[dict]) -> list[str]:
    return [choice["name"] for choice in choices]


async def test_a_member_cannot_list_staff_reminders_or_settings_history(hearth: Hearth) -> None:
    d, g = hearth.discord, hearth.guild
    await d.slash("reminder add", user=g.owner, name="Secret staff party", options={"channel": g.general},
                  when="every day 20:00")
    await d.slash("config set", user=g.admin, scope="system", key="timezone", value="Europe/Paris")
    # bob (no roles) types into /reminder edit and /config rollback (Discord hides /config from him: crafted).
    assert await d.autocomplete("reminder edit", "reminder", user=g.member, partial="") == []
    assert await d.autocomplete("reminder delete", "reminder", user=g.member, partial="Secret") == []
    assert await d.autocomplete("config rollback", "entry", user=g.member, check_permissions=False) == []
    assert await d.autocomplete("config custom_commands edit", "name", user=g.member, check_permissions=False) == []
    # The admin (Manage Server) may use /config, but is not reminder staff (Manage Events or the reminders role).
    assert _names(await d.autocomplete("config rollback", "entry", user=g.admin))[0].startswith("#")
    assert await d.autocomplete("reminder edit", "reminder", user=g.admin) == []
    # Reminder staff: the moderator once the reminders role is theirs.
    await d.slash("config set", user=g.admin, scope="reminders", key="manager_role",
                  options={"role": g.moderator_role})
    assert _names(await d.autocomplete("reminder edit", "reminder", user=g.moderator)) == [
        f"#{await hearth.db.fetchval('SELECT id FROM reminders')} Secret staff party"]
    assert await d.autocomplete("reminder edit", "reminder", user=g.member) == []


async def test_a_check_in_the_command_body_is_applied_by_its_autocomplete(hearth: Hearth) -> None:
    """/faq edit is visible to everyone (members use /faq search) and checks staff in its body."""
    d, g = hearth.discord, hearth.guild
    added = await d.slash("faq add", user=g.admin, title="Secret staff procedure", answer="Only for staff.")
    assert added.text.startswith("✅"), added.text
    assert await d.autocomplete("faq edit", "entry", user=g.member, partial="Secret") == []
    assert _names(await d.autocomplete("faq edit", "entry", user=g.moderator, partial="Secret"))  # Manage Messages


async def test_a_member_gets_only_their_own_servers(hearth: Hearth) -> None:
    d, g = hearth.discord, hearth.guild
    theirs = d.add_guild("Bob's other place")
    theirs.add_member(g.member.user.username, user=g.member.user)
    d.add_guild("Somewhere bob is not")
    await d.settle()
    choices = await d.autocomplete("premium transfer", "server", user=g.member)
    assert sorted(_names(choices)) == sorted(["Bob's other place", g.guild.name])


async def test_no_staff_autocomplete_answers_a_member(hearth: Hearth) -> None:
    """Every autocomplete option of every command: a member without any permission is offered nothing, except on
    the commands made for members. Data first, so a leak would show."""
    d, g = hearth.discord, hearth.guild
    await d.slash("reminder add", user=g.owner, name="Staff meeting", options={"channel": g.general},
                  when="every day 20:00")
    await d.slash("config set", user=g.admin, scope="system", key="timezone", value="Europe/Paris")
    await d.slash("config custom_commands add", user=g.admin, name="rules", trigger_type="exact", trigger="!rules",
                  response="Read the rules")
    await d.slash("faq add", user=g.admin, title="Staff only entry", answer="For staff.")
    await d.slash("command_stats", user=g.admin)
    await d.slash("config automod add", user=g.admin, options={"name": "Staff words", "type": "content",
                                                                "words": "secret"})
    await d.slash("config onboarding rule_add", user=g.admin, title="Staff rule", description="Be kind.")
    leaks: list[str] = []
    offered = 0
    for command in hearth.bot.tree.walk_commands(type=discord.AppCommandType.chat_input):
        if not isinstance(command, discord.app_commands.Command):
            continue
        for parameter in command.parameters:
            if not parameter.autocomplete or (command.qualified_name, parameter.display_name) in MEMBER_FACING:
                continue
            staff = await d.autocomplete(command.qualified_name, parameter.display_name, user=g.owner)
            offered += bool(staff)
            member = await d.autocomplete(command.qualified_name, parameter.display_name, user=g.member,
                                          check_permissions=False)
            if member:
                leaks.append(f"/{command.qualified_name} {parameter.display_name}: {_names(member)[:3]}")
    assert leaks == []
    assert offered >= 20  # the owner was offered choices: the sweep saw real data
