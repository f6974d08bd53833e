"""Tickets meet the FAQ only through its public API (cogs/faq/api.py): the answers offered before a ticket opens
are the FAQ's own search (typos included), and without the FAQ cog no answers are offered and "Add to FAQ"
says why instead of writing the FAQ's table behind its back."""

from __future__ import annotations

from cogs.tickets.views import proposal_view
from core.cog_discovery import discover_cogs
from tests.kit.tickets import TicketDesk as Desk

ENTRIES = [
    ("How do I reset my password?", "Use the Forgot password link on the login page.", "password, login, account"),
    ("Refund policy", "Refunds are possible within 14 days of purchase; open a ticket.", "refund, money, billing"),
    ("Voice chat has no sound", "Check your input device and the server's voice settings.", "audio, microphone"),
]
NOT_RUNNING = ("The FAQ feature is not running on this bot right now, so this can't be done. The bot's operator "
               "can check its log.")


async def _add_entries(desk: Desk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    for title, answer, keywords in ENTRIES:
        added = await hearth.discord.slash("faq add", user=g.admin, guild=g.guild, title=title, answer=answer,
                                           keywords=keywords)
        assert added.text.startswith("✅ Added FAQ #")


async def test_a_description_with_typos_is_offered_what_faq_search_finds(desk: Desk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    await _add_entries(desk)
    searched = await hearth.discord.slash("faq search", user=g.member, guild=g.guild, query="resett my pasword")
    found = [field["name"].split(". ", 1)[1] for field in searched.embeds[0]["fields"]]
    assert found[0] == "How do I reset my password?"

    offered = await hearth.discord.slash("ticket open", user=g.member, guild=g.guild,
                                         description="resett my pasword")
    message = offered.followups[-1]
    assert message.embeds[0]["title"] == "Maybe the FAQ already answers this?"
    assert [f["name"] for f in message.embeds[0]["fields"]] == found[:3]
    entry_id = await hearth.db.fetchval("SELECT id FROM faq_entries WHERE title = 'How do I reset my password?'")
    assert (await hearth.db.fetchval("SELECT faq_entry_ids FROM ticket_deflections"))[0] == entry_id
    assert await hearth.db.fetchval("SELECT count(*) FROM support_tickets") == 0


async def test_without_the_faq_cog_no_answers_are_offered_and_add_to_faq_says_why(desk: Desk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    await _add_entries(desk)
    proposal_id = await hearth.db.fetchval(
        "INSERT INTO faq_proposals (guild_id, similarity_key, title, answer, keywords) VALUES ($1, 'password-reset', "
        "'How do I change my password?', 'Settings, then Password.', '{password}') RETURNING id", g.guild.id)
    await hearth.bot.get_channel(desk.logs.id).send("FAQ proposal", view=proposal_view(proposal_id))
    await hearth.discord.settle()
    posted = hearth.discord.last_message(desk.logs)

    await hearth.restart(cogs=[name for name in discover_cogs() if name != "faq"])
    assert hearth.bot.get_cog("FAQ") is None and hearth.bot.get_cog("Tickets") is not None

    opened = await hearth.discord.slash("ticket open", user=g.member, guild=g.guild,
                                        description="I forgot my password and can't login")
    tid = await hearth.db.fetchval("SELECT id FROM support_tickets")
    assert opened.text.startswith(f"🎫 Your ticket #{tid} is open: <#")  # straight away, as with deflection off
    assert await hearth.db.fetchval("SELECT count(*) FROM ticket_deflections") == 0

    refused = await hearth.discord.click(posted, "Add to FAQ", user=desk.staff)
    assert refused.ephemeral and refused.text == NOT_RUNNING
    row = await hearth.db.fetchrow("SELECT status, decided_by, faq_entry_id FROM faq_proposals")
    assert (row["status"], row["decided_by"], row["faq_entry_id"]) == ("pending", None, None)
    assert await hearth.db.fetchval("SELECT count(*) FROM faq_entries") == len(ENTRIES)

    await hearth.restart()  # the FAQ is back: the same button adds the entry
    added = await hearth.discord.click(posted, "Add to FAQ", user=desk.staff)
    entry = await hearth.db.fetchrow("SELECT id, created_by FROM faq_entries WHERE title = "
                                     "'How do I change my password?'")
    assert added.message.content == f"✅ <@{desk.staff.id}> added this to the FAQ as #{entry['id']}."
    assert entry["created_by"] == desk.staff.id
    assert await hearth.db.fetchval("SELECT faq_entry_id FROM faq_proposals") == entry["id"]
