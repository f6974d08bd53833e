"""Ticket categories: their own staff (who alone see their tickets, tested through the channel overwrites), their
Discord category and channel names, the form's answers heading the ticket, the panel's buttons after a restart,
and the admin checks on /ticket category_set."""

from __future__ import annotations

from cogs.tickets import repo
from tests.kit.channels import can_view, overwrite
from tests.kit.tickets import TicketDesk, control_message
from utils.errors import BadInput, UserFacingError


async def _two_categories(desk: TicketDesk) -> dict:
    """Billing (a form of 2 questions, its own Discord category) and Technical (no form), each with its staff."""
    hearth, g = desk.hearth, desk.hearth.guild
    guild = g.guild
    billing_role, tech_role = guild.add_role("Billing team", []), guild.add_role("Tech team", [])
    billing_staff = guild.add_member("bill", roles=[billing_role])
    tech_staff = guild.add_member("tess", roles=[tech_role])
    billing_cat = guild.add_category("Billing tickets")
    await hearth.discord.settle()
    done = await hearth.discord.slash("ticket category_set", user=g.admin, guild=guild, options={
        "name": "Billing", "staff_role": billing_role, "discord_category": billing_cat,
        "template": "billing-{number}-{user}", "questions": "Your order number? | What went wrong?"})
    assert done.text.startswith("✅ Ticket category **Billing**"), done.text
    done = await hearth.discord.slash("ticket category_set", user=g.admin, guild=guild,
                                      options={"name": "Technical", "staff_role": tech_role})
    assert "No form" in done.text
    return {"billing_role": billing_role, "tech_role": tech_role, "billing_staff": billing_staff,
            "tech_staff": tech_staff, "billing_cat": billing_cat}


async def test_category_form_staff_and_channel(desk: TicketDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    setup = await _two_categories(desk)
    posted = await hearth.discord.slash("ticket panel", user=g.admin, guild=g.guild, options={"channel": g.general})
    assert posted.text.startswith("✅ Panel posted")
    panel = hearth.discord.last_message(g.general)
    assert [b["label"] for b in panel.buttons()] == ["Billing", "Technical"]

    await hearth.restart()  # the category buttons are persistent
    form = await hearth.discord.click(panel, "Billing", user=g.member)
    assert form.modal is not None and form.modal["title"] == "Billing ticket"
    opened = await hearth.discord.submit_modal(form, {"q0": "A-1234", "q1": "Charged twice"})
    row = await hearth.db.fetchrow("SELECT * FROM support_tickets WHERE user_id = $1", g.member.id)
    assert opened.followups[-1].content == f"🎫 Your ticket #{row['id']} is open: <#{row['channel_id']}>."
    assert row["category"] == "Billing" and row["answers"] == [["Your order number?", "A-1234"],
                                                               ["What went wrong?", "Charged twice"]]
    channel = hearth.discord.world.channels[row["channel_id"]]
    assert channel.name == f"billing-{row['id']}-bob" and channel.parent_id == setup["billing_cat"].id
    fields = control_message(desk, channel).embeds[0]["fields"]
    assert {"name": "Your order number?", "value": "A-1234", "inline": False} in fields
    assert {"name": "What went wrong?", "value": "Charged twice", "inline": False} in fields

    # Only Billing's staff (and the opener) are let in: not Tech, not the general Support role.
    assert overwrite(channel, setup["billing_role"].id) is not None
    assert overwrite(channel, setup["tech_role"].id) is None and overwrite(channel, desk.staff_role.id) is None
    assert can_view(desk.server, setup["billing_staff"], channel) and can_view(desk.server, g.member, channel)
    assert not can_view(desk.server, setup["tech_staff"], channel)
    assert not can_view(desk.server, desk.staff, channel)

    # Billing's staff may run the ticket (the category makes them staff for it), Tech's may not.
    with hearth.discord.expect_errors(UserFacingError):
        refused = await hearth.discord.slash("ticket claim", user=setup["tech_staff"], guild=g.guild,
                                             options={"ticket": row["id"]})
    assert "staff" in refused.text.lower() and (await repo.get(hearth.db, g.guild.id, row["id"])).status == "open"
    claimed = await hearth.discord.click(control_message(desk, channel), "Claim", user=setup["billing_staff"])
    found = await repo.get(hearth.db, g.guild.id, row["id"])
    assert found is not None and found.status == "claimed" and found.claimed_by == setup["billing_staff"].id, \
        claimed.text

    # A Technical ticket (no form: the description, as before) goes to the main category with Tech's staff.
    form = await hearth.discord.click(panel, "Technical", user=g.moderator)
    assert [c["components"][0]["custom_id"] for c in form.modal["components"]] == ["q0"]
    await hearth.discord.submit_modal(form, {"q0": "The bot does not answer in voice"})
    tech = await hearth.db.fetchrow("SELECT * FROM support_tickets WHERE user_id = $1", g.moderator.id)
    tech_channel = hearth.discord.world.channels[tech["channel_id"]]
    assert tech["category"] == "Technical" and tech_channel.parent_id == desk.category.id
    assert can_view(desk.server, setup["tech_staff"], tech_channel)
    assert not can_view(desk.server, setup["billing_staff"], tech_channel)


async def test_category_set_checks(desk: TicketDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    role = g.guild.add_role("Team", [])
    await hearth.discord.settle()
    refused = await hearth.discord.slash("ticket category_set", user=g.member, guild=g.guild,
                                         options={"name": "X", "staff_role": role})
    assert "Manage Server" in refused.text
    with hearth.discord.expect_errors(BadInput):
        too_many = await hearth.discord.slash("ticket category_set", user=g.admin, guild=g.guild, options={
            "name": "X", "staff_role": role, "questions": "a|b|c|d|e|f"})
        bad = await hearth.discord.slash("ticket category_set", user=g.admin, guild=g.guild, options={
            "name": "X", "staff_role": role, "template": "support-{who}"})
    assert "at most 5 questions" in too_many.text and "Unknown placeholder" in bad.text
    assert await hearth.db.fetchval("SELECT count(*) FROM ticket_categories") == 0
    listed = await hearth.discord.slash("ticket categories", user=g.member, guild=g.guild)
    assert listed.ephemeral


async def test_move_hands_the_ticket_to_the_other_categorys_staff(desk: TicketDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    setup = await _two_categories(desk)
    opened = await hearth.discord.slash("ticket open", user=g.member, guild=g.guild, category="Technical",
                                        description="The bot does not answer in voice")
    row = await hearth.db.fetchrow("SELECT * FROM support_tickets WHERE user_id = $1", g.member.id)
    assert opened.followups[-1].content == f"🎫 Your ticket #{row['id']} is open: <#{row['channel_id']}>."
    channel = hearth.discord.world.channels[row["channel_id"]]
    assert can_view(desk.server, setup["tech_staff"], channel)
    with hearth.discord.expect_errors(UserFacingError):
        await hearth.discord.slash("ticket move", user=setup["billing_staff"], guild=g.guild,
                                   category="Billing", ticket=row["id"])
    done = await hearth.discord.slash("ticket move", user=setup["tech_staff"], guild=g.guild, channel=channel,
                                      category="Billing")
    assert done.text == f"Ticket #{row['id']} moved to **Billing**."
    moved = await repo.get(hearth.db, g.guild.id, row["id"])
    assert moved is not None and moved.category == "Billing"
    channel = hearth.discord.world.channels[row["channel_id"]]
    assert channel.parent_id == setup["billing_cat"].id
    assert overwrite(channel, setup["tech_role"].id) is None and overwrite(channel, setup["billing_role"].id)
    assert can_view(desk.server, setup["billing_staff"], channel) and can_view(desk.server, g.member, channel)
    assert not can_view(desk.server, setup["tech_staff"], channel)
