"""`/help`: exactly the commands a member may use here (Discord permissions, permission rules, modules), grouped by
module and paginated; `/help command:` with usage and the docs page."""

from __future__ import annotations

import re

from tests.hearth_harness import Hearth
from tests.standin.models import Channel, Member
from utils.errors import BadInput


async def listed(hearth: Hearth, who: Member, channel: Channel | None = None) -> list[str]:
    """Every command name `/help` lists for `who` (all pages, by clicking Next)."""
    d, g = hearth.discord, hearth.guild
    result = await d.slash("help", user=who, guild=g.guild, channel=channel or g.general)
    names: list[str] = []
    while True:
        embed = result.message.embeds[0]
        names += re.findall(r"^`([^`]+)`", embed["description"], re.M)
        page, pages = map(int, re.match(r"Page (\d+) of (\d+)", embed["footer"]["text"]).groups())
        if page == pages:
            return names
        await d.click(result, "Next", user=who)


async def test_a_member_sees_what_they_may_use_and_no_more(hearth: Hearth) -> None:
    g = hearth.guild
    member = await listed(hearth, g.member)
    moderator = await listed(hearth, g.moderator)
    admin = await listed(hearth, g.admin)
    assert "/tag get" in member and "/help" in member
    assert not [name for name in member if name.startswith("/config ")]  # Manage Server
    staff_only = {"/faq add", "/faq edit", "/faq remove", "/faq export", "/ticket claim", "/ticket setup",
                  "/ticket note", "/ticket reply", "/ticket_stats"}
    assert not staff_only & set(member) and staff_only <= set(admin)  # staff checks are command checks
    assert {"/ticket open", "/ticket close", "/faq search", "/tickets"} <= set(member)
    for_user = "Open a ticket for this user (right-click a member → Apps)"
    assert for_user not in member and for_user in admin
    assert "/config set" in admin and "/config modules" in admin
    assert "/timeout" not in member and "/timeout" in moderator  # Timeout Members
    assert "Warn (right-click a message → Apps)" in moderator and not any(n.startswith("Warn") for n in member)
    assert len(member) == len(set(member))


async def test_rules_and_modules_take_commands_off_the_list(hearth: Hearth) -> None:
    g, d = hearth.guild, hearth.discord
    muted_role = g.guild.add_role("Muted")
    muted = g.guild.add_member("mo", roles=[muted_role])
    await d.settle()
    before = await listed(hearth, muted)
    await d.slash("config permissions deny", user=g.admin, command="tag", role=muted_role)
    after = await listed(hearth, muted)
    assert sorted(set(before) - set(after)) == sorted(n for n in before if n.startswith("/tag "))
    assert "/tag get" in before and "/help" in after
    await d.slash("config modules", user=g.admin, module="engagement", on=False)
    without = await listed(hearth, muted)
    assert "/leaderboard" in after and "/leaderboard" not in without


async def test_one_command_with_usage_and_its_docs_page(hearth: Hearth) -> None:
    g = hearth.guild
    result = await hearth.discord.slash("help", user=g.member, command="tag get")
    embed = result.message.embeds[0]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert embed["title"] == "/tag get"
    assert fields["Usage"].startswith("`/tag get name:<text>`")
    assert "docs/tags.md" in fields["More"] and "Here" not in fields
    config = await hearth.discord.slash("help", user=g.member, command="/config set")
    assert "You can't use it here" in {f["name"]: f["value"] for f in config.message.embeds[0]["fields"]}["Here"]
    async with hearth.discord.expect_errors(BadInput):
        unknown = await hearth.discord.slash("help", user=g.member, command="weather")
    assert unknown.ephemeral and unknown.text.startswith("There is no command `/weather`.")
    choices = await hearth.discord.autocomplete("help", "command", user=g.member, partial="config")
    assert choices == []  # only what they may use
