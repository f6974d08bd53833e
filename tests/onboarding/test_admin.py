"""`/config onboarding …` through the stand-in: the subgroup and its permission check, editing rules and questions,
reordering, enabling, follow-ups and role mapping, preview, the CSV export (this guild only), guild isolation, and
GDPR export and erasure of the onboarding table."""

from __future__ import annotations

import csv
import io

from core.gdpr import erase_everything, export_everything
from tests.kit.onboarding import Onboarding
from utils.errors import BadInput


async def _csv(ob: Onboarding, admin, guild) -> list[list[str]]:
    result = await ob.d.slash("config onboarding export", user=admin, guild=guild)
    message = result.followups[0] if result.followups else result.message
    assert "member(s) exported" in message.content and message.ephemeral_for
    return list(csv.reader(io.StringIO(message.attachments[0].data.decode("utf-8-sig"))))


async def _walk_colour(ob: Onboarding, member, colour: str) -> None:
    intro = ob.dm(member)
    await ob.d.click(intro, "Start", user=member)
    await ob.d.select(intro, [colour], user=member)


async def test_onboarding_is_a_config_subgroup_and_admin_only(onboarding: Onboarding) -> None:
    ob, d = onboarding, onboarding.d
    bot = ob.hearth.bot
    config = bot.tree.get_command("config")
    assert config.get_command("onboarding") is not None and bot.tree.get_command("onboarding") is None
    [synced] = [c for commands in d.world.commands.values() for c in commands if c["name"] == "config"]
    assert "onboarding" in {o["name"] for o in synced["options"]}  # what Discord got from the sync
    # check_permissions=False: the member calls it anyway (an admin may have changed who sees /config).
    refused = await d.slash("config onboarding rule_add", user=ob.g.member, check_permissions=False,
                            options={"title": "x", "description": "y"})
    assert refused.text == "You need the **Manage Server** permission to use this command."
    assert await ob.hearth.db.fetchval("SELECT count(*) FROM guild_rules") == 0
    await bot.remove_cog("Onboarding")
    assert config.get_command("onboarding") is None  # detached on unload


async def test_rules_add_edit_move_enable_delete(onboarding: Onboarding) -> None:
    ob, d = onboarding, onboarding.d
    await ob.set("mode", "rules")
    first = await ob.rule("Be kind")
    second = await ob.rule("No spam", image="https://example.org/spam.png")
    third = await ob.rule("Have fun")
    edited = await ob.admin("rule_edit", rule=first, title="Be very kind", image="https://example.org/k.png")
    assert "Updated rule **R" in edited.text
    await ob.admin("rule_edit", rule=second, image="-")
    moved = await ob.admin("rule_move", rule=third, position=1)
    assert moved.text == f"↕️ Rule R{third} is now number 1."
    await ob.admin("rule_enable", rule=second, enabled=False)
    rows = await ob.hearth.db.fetch("SELECT id, rule_order, title, image_url, enabled FROM guild_rules "
                                    "ORDER BY rule_order")
    assert [(r["id"], r["rule_order"]) for r in rows] == [(third, 1), (first, 2), (second, 3)]
    assert rows[1]["title"] == "Be very kind" and rows[1]["image_url"] == "https://example.org/k.png"
    assert rows[2]["image_url"] is None and rows[2]["enabled"] is False
    listing = await ob.admin("list")
    assert "Mode: **rules**" in listing.embeds[0]["description"]
    assert f"R{second}** No spam (**disabled**)" in listing.text

    m = await d.member_join(ob.g.guild, "pat")  # the flow follows the new order and skips the disabled rule
    intro = ob.dm(m)
    await d.click(intro, "Start", user=m)
    assert ob.title(intro) == "Have fun"
    await d.click(intro, "I accept", user=m)
    assert ob.title(intro) == "Be very kind"
    await d.click(intro, "I accept", user=m)
    assert ob.title(intro) == "🎉 Onboarding complete"

    deleted = await ob.admin("rule_delete", rule=first)
    assert deleted.text == f"🗑️ Deleted rule R{first} (Be very kind)."
    assert await ob.hearth.db.fetchval("SELECT count(*) FROM guild_rules") == 2


async def test_questions_edit_move_enable_followups_and_role_mapping(onboarding: Onboarding) -> None:
    ob, d = onboarding, onboarding.d
    colour = await ob.question("Pick a colour", "select", options="Red, Blue")
    email = await ob.question("Email?", "email", required=False)
    red = ob.g.guild.add_role("Reds")
    await d.settle()
    mapped = await ob.admin("role_map", question=colour, option="red", role=red, by=ob.g.owner)
    assert mapped.text == f"✅ Q{colour} `red` → <@&{red.id}>."
    # New options keep the role of an option with the same value.
    await ob.admin("question_edit", question=colour, text="Pick your colour", options="Red, Green, Blue")
    options = await ob.hearth.db.fetchval("SELECT options FROM guild_onboarding_questions WHERE id = $1", colour)
    assert options == [{"label": "Red", "value": "red", "role_id": red.id}, {"label": "Green", "value": "green"},
                       {"label": "Blue", "value": "blue"}]
    added = await ob.admin("followup_add", question=colour, when="green", text="Which green?", type="select",
                           options="Lime, Olive")
    assert f"{colour}.f1" in added.text
    await ob.admin("role_map", question=colour, option="olive", followup="f1", role=red, by=ob.g.owner)
    await ob.admin("question_move", question=email, position=1)
    await ob.admin("question_enable", question=email, enabled=False)
    listing = await ob.admin("list")
    text = listing.text
    assert text.index(f"Q{email}") < text.index(f"Q{colour}") and "**disabled**" in text
    assert f"↳ **{colour}.f1** if `green`: Which green?" in text

    preview = await ob.admin("preview")
    steps = preview.embeds[0]["description"]
    assert "Pick your colour (pick one): Red, Green, Blue" in steps and "↳ if **Green**: Which green?" in steps
    assert "Email?" not in steps  # disabled
    assert await ob.hearth.db.fetchval("SELECT count(*) FROM onboarding") == 0  # a preview saves nothing

    await ob.set("mode", "questions")
    await ob.set("personalisation", False)
    m = await d.member_join(ob.g.guild, "quinn")
    intro = ob.dm(m)
    await d.click(intro, "Start", user=m)
    await d.select(intro, ["green"], user=m)
    await d.select(intro, ["olive"], user=m)  # the follow-up's option maps to the role too
    assert red.id in ob.roles_of(m) and ob.done_role.id in ob.roles_of(m)

    removed = await ob.admin("followup_remove", question=colour, followup="f1")
    assert removed.text == f"🗑️ Removed follow-up {colour}.f1."
    unmapped = await ob.admin("role_map", question=colour, option="red")
    assert unmapped.text == f"✅ Q{colour} `red` gives no role now."
    deleted = await ob.admin("question_delete", question=email)
    assert deleted.text == f"🗑️ Deleted question Q{email} (Email?)."


async def test_bad_admin_input_is_explained(onboarding: Onboarding) -> None:
    ob, d = onboarding, onboarding.d
    colour = await ob.question("Pick a colour", "select", options="Red, Blue")
    cases = [
        ("question_add", {"text": "Why?", "type": "select"}, "A select question needs options."),
        ("question_add", {"text": "Mail?", "type": "email", "options": "a, b"}, "takes no options"),
        ("question_add", {"text": "Why?", "type": "select", "options": "A, a"}, "Two options have the value `a`"),
        ("rule_add", {"title": "x", "description": "y", "image": "ftp://nope"}, "must be a web address"),
        ("followup_add", {"question": colour, "when": "green", "text": "?", "type": "text"},
         "has no option with the value `green`"),
        ("rule_edit", {"rule": 999999}, "There is no rule R999999 on this server."),
        ("role_map", {"question": colour, "option": "purple", "role": ob.done_role}, "no option with the value"),
    ]
    for command, options, message in cases:
        async with d.expect_errors(BadInput):
            result = await ob.admin(command, **options)
        assert message in result.text, (command, result.text)
    assert await ob.hearth.db.fetchval("SELECT count(*) FROM guild_onboarding_questions") == 1


async def test_csv_export_holds_this_guild_only_and_guilds_are_isolated(onboarding: Onboarding) -> None:
    ob, d = onboarding, onboarding.d
    await ob.set("mode", "questions")
    await ob.set("personalisation", False)
    colour = await ob.question("Pick a colour", "select", options="Red, Blue")
    other = d.add_guild("Other")
    other.add_text_channel("general")
    boss = other.add_member("boss", permissions=["manage_guild"])
    await d.settle()
    store = ob.hearth.bot.guild_settings
    await store.set(other.id, "onboarding", "mode", "questions", changed_by=1)
    await store.set(other.id, "onboarding", "personalisation", False, changed_by=1)
    await d.slash("config onboarding question_add", user=boss, guild=other,
                  options={"text": "Their question", "type": "text"})
    theirs = await ob.hearth.db.fetchval("SELECT id FROM guild_onboarding_questions WHERE guild_id = $1", other.id)

    m = await d.member_join(ob.g.guild, "rae")
    await _walk_colour(ob, m, "blue")
    # The same person joins the other guild: there they get that guild's question only.
    there = await d.member_join(other, m.user)
    intro = ob.dm(there)
    await d.click(intro, "Start", user=there)
    assert ob.title(intro) == "Their question"
    opened = await d.click(intro, "Answer", user=there)
    await d.submit_modal(opened, {"answer": "=HYPERLINK(\"http://evil\")"}, user=there)
    assert await ob.responses(m) == {str(colour): "blue", "completed_at": (await ob.responses(m))["completed_at"]}
    assert (await ob.responses(m, other.id))[str(theirs)] == "=HYPERLINK(\"http://evil\")"

    rows = await _csv(ob, ob.g.admin, ob.g.guild)
    assert rows[0][:5] == ["user_id", "member", "last_answer_at", "completed_at", "rules_accepted"]
    assert rows[0][5] == f"Q{colour}: Pick a colour" and "Their question" not in ",".join(rows[0])
    assert [row[0] for row in rows[1:]] == [str(m.id)] and rows[1][1] == "rae" and rows[1][5] == "blue"
    theirs_csv = await _csv(ob, boss, other)
    assert theirs_csv[1][5] == "'=HYPERLINK(\"http://evil\")"  # never run as a spreadsheet formula
    assert "Pick a colour" not in ",".join(theirs_csv[0])

    listing = await ob.admin("list")
    assert "Their question" not in listing.text
    for command, options in (("question_delete", {}), ("question_enable", {"enabled": False}),
                             ("role_map", {"option": "x"})):
        async with d.expect_errors(BadInput):
            result = await ob.admin(command, question=theirs, **options)
        assert f"There is no question Q{theirs} on this server." in result.text
    assert await ob.hearth.db.fetchval("SELECT enabled FROM guild_onboarding_questions WHERE id = $1", theirs)


async def test_reset_lets_a_member_start_over(onboarding: Onboarding) -> None:
    ob, d = onboarding, onboarding.d
    await ob.set("mode", "questions")
    await ob.set("personalisation", False)
    await ob.question("Pick a colour", "select", options="Red, Blue")
    m = await d.member_join(ob.g.guild, "sam")
    await _walk_colour(ob, m, "red")
    result = await d.slash("config onboarding reset", user=ob.g.admin, options={"member": m})
    assert "answers were deleted" in result.text and await ob.responses(m) is None
    await ob.admin("panel")
    again = await d.click(d.last_message(ob.welcome), "Start", user=m)
    assert again.embeds[0]["title"] == "Pick a colour"


async def test_gdpr_export_and_erase_cover_every_guild(onboarding: Onboarding) -> None:
    ob, d = onboarding, onboarding.d
    db = ob.hearth.db
    m = await d.member_join(ob.g.guild, "tess")
    other_guild_id = 4242
    await db.execute("INSERT INTO onboarding (guild_id, user_id, responses, \"timestamp\") VALUES "
                     "($1, $2, $3, now()), ($4, $2, $5, now()), ($1, $6, $3, now())",
                     ob.guild_id, m.id, {"1": "red"}, other_guild_id, {"2": "x"}, ob.g.member.id)
    data, _ = await export_everything(ob.hearth.bot, db, m.id)
    exported = data["onboarding"]
    assert sorted(row["guild_id"] for row in exported["onboarding"]) == sorted([ob.guild_id, other_guild_id])
    assert all(isinstance(row["timestamp"], str) for row in exported["onboarding"])
    erasure = await erase_everything(ob.hearth.bot, db, m.id)
    assert erasure.report.deleted["onboarding"] == 2
    assert await db.fetchval("SELECT count(*) FROM onboarding WHERE user_id = $1", m.id) == 0
    assert await db.fetchval("SELECT count(*) FROM onboarding WHERE user_id = $1", ob.g.member.id) == 1
