"""The setup wizard (`/config setup`): every step end to end through the stand-in, resumed after a restart,
a typed time zone, bad answers refused with nothing stored, and re-running it."""

from __future__ import annotations

from typing import Any

from tests.hearth_harness import Hearth

BOT_NOTICES = "Bot notices channel…"
SERVER_LOGS = "Server logs channel…"


def title(result: Any) -> str:
    """The panel's current title."""
    return result.message.embeds[0]["title"]


async def test_the_wizard_end_to_end(hearth: Hearth) -> None:
    d, g = hearth.discord, hearth.guild
    staff = g.guild.add_role("Staff")
    notices = g.guild.add_text_channel("bot-notices")
    logs = g.guild.add_text_channel("server-logs")
    support = g.guild.add_category("Support")
    lobby = g.guild.add_text_channel("lobby")
    await d.settle()
    admin = g.admin
    panel = await d.slash("config setup", user=admin)
    assert panel.ephemeral and title(panel) == "Setup · 1/7 · Time zone"
    await d.select(panel, ["Europe/Berlin"], user=admin)
    assert title(panel) == "Setup · 2/7 · Staff role"
    assert panel.message.content == "✅ Saved: `system.timezone`."
    await d.select(panel, [staff], user=admin)
    assert title(panel) == "Setup · 3/7 · Log channels"
    await d.select(panel, [notices], user=admin, menu=BOT_NOTICES)
    await d.select(panel, [logs], user=admin, menu=SERVER_LOGS)
    assert title(panel) == "Setup · 3/7 · Log channels"  # two answers on this page: it stays
    await d.click(panel, "Next", user=admin)
    assert title(panel) == "Setup · 4/7 · Modules"
    keep = [o["value"] for o in next(c for row in panel.message.components for c in row["components"]
                                     if c.get("placeholder") == "The modules to keep on…")["options"]]
    await d.select(panel, [name for name in keep if name not in ("levels", "points")], user=admin)
    assert title(panel) == "Setup · 5/7 · Tickets"
    await d.select(panel, [support], user=admin)
    await d.select(panel, [lobby], user=admin)
    assert title(panel) == "Setup · 7/7 · All set"
    answers = {f["name"]: f["value"] for f in panel.message.embeds[0]["fields"]}["Your answers"]
    assert "**Time zone**: `Europe/Berlin`" in answers and f"**Staff role**: <@&{staff.id}>" in answers
    assert f"**Tickets**: <#{support.id}>" in answers and "Levels" not in answers.split("Modules on")[1]

    read = hearth.bot.guild_settings
    guild_id = g.guild.id
    assert await read.get(guild_id, "system", "timezone") == "Europe/Berlin"
    assert await read.get(guild_id, "system", "staff_role") == staff.id
    assert await read.get(guild_id, "system", "log_channel") == notices.id
    assert await read.get(guild_id, "logs", "members_channel") == logs.id
    assert await read.get(guild_id, "tickets", "category") == support.id
    assert await read.get(guild_id, "welcome", "welcome_channel") == lobby.id
    assert await read.get(guild_id, "modules", "levels") is False and await read.get(guild_id, "modules", "tags")
    kinds = {row["change_type"] for row in await hearth.db.fetch("SELECT change_type FROM settings_history")}
    assert kinds == {"setup"}
    logged = [m.content for m in d.messages_in(notices)]
    assert any("switched modules in the setup wizard: Levels off, Points off" in line for line in logged)


async def test_resumed_after_a_restart_and_reopened_where_it_stopped(hearth: Hearth) -> None:
    d, g = hearth.discord, hearth.guild
    staff = g.guild.add_role("Staff")
    await d.settle()
    panel = await d.slash("config setup", user=g.admin)
    await d.select(panel, ["Asia/Tokyo"], user=g.admin)
    await hearth.restart()
    await d.select(panel, [staff], user=g.admin)  # the old panel still works
    assert title(panel) == "Setup · 3/7 · Log channels"
    assert await hearth.bot.guild_settings.get(g.guild.id, "system", "staff_role") == staff.id
    again = await d.slash("config setup", user=g.admin)
    assert title(again) == "Setup · 3/7 · Log channels"  # the first step still unanswered
    await d.click(again, "Back", user=g.admin)
    assert title(again) == "Setup · 2/7 · Staff role"


async def test_a_typed_zone_and_bad_answers(hearth: Hearth) -> None:
    d, g = hearth.discord, hearth.guild
    panel = await d.slash("config setup", user=g.admin)
    opened = await d.click(panel, "Other zone…", user=g.admin)
    bad = await d.submit_modal(opened, {"zone": "Mars/Olympus"})
    assert bad.ephemeral and "Nothing was changed" in bad.text and "Mars/Olympus" in bad.text
    assert await hearth.bot.guild_settings.stored(g.guild.id) == {}
    opened = await d.click(panel, "Other zone…", user=g.admin)
    await d.submit_modal(opened, {"zone": "America/Toronto"})
    assert await hearth.bot.guild_settings.get(g.guild.id, "system", "timezone") == "America/Toronto"
    await d.slash("config modules", user=g.admin, module="tickets", on=False)
    steps = await d.slash("config setup", user=g.admin)
    assert title(steps) == "Setup · 2/6 · Staff role"  # no tickets step while tickets are off
