"""/faq end to end: staff manage entries, members search (ranking, typos), every search is logged, stats,
and one guild never sees or touches another's entries."""

from __future__ import annotations

from tests.hearth_harness import Hearth
from utils.errors import BadInput, UserFacingError

ENTRIES = [
    ("How do I reset my password?", "Use the Forgot password link on the login page.", "password, login, account"),
    ("Refund policy", "Refunds are possible within 14 days of purchase; open a ticket.", "refund, money, billing"),
    ("Voice chat has no sound", "Check your input device and the server's voice settings.", "audio, microphone"),
    ("Changing the email of my account", "Go to Settings → Account → Email.", "email, account"),
]


async def _add_entries(hearth: Hearth) -> list[int]:
    g = hearth.guild
    for title, answer, keywords in ENTRIES:
        result = await hearth.discord.slash("faq add", user=g.admin, guild=g.guild, title=title, answer=answer,
                                            keywords=keywords)
        assert result.ephemeral and result.text.startswith("✅ Added FAQ #")
    return [r["id"] for r in await hearth.db.fetch("SELECT id FROM faq_entries ORDER BY id")]


async def _search(hearth: Hearth, query: str, user=None):
    g = hearth.guild
    return await hearth.discord.slash("faq search", user=user or g.member, guild=g.guild, query=query)


def _titles(result) -> list[str]:
    return [field["name"].split(". ", 1)[1] for field in result.embeds[0]["fields"]] if result.embeds else []


async def test_staff_add_and_rows_are_guild_scoped(hearth: Hearth) -> None:
    ids = await _add_entries(hearth)
    rows = await hearth.db.fetch("SELECT guild_id, title, summary, keywords, created_by FROM faq_entries ORDER BY id")
    assert len(ids) == 4
    assert {r["guild_id"] for r in rows} == {hearth.guild.guild.id}
    assert rows[0]["keywords"] == ["password", "login", "account"]
    assert rows[0]["created_by"] == hearth.guild.admin.id


async def test_members_cannot_change_the_faq(hearth: Hearth) -> None:
    g = hearth.guild
    with hearth.discord.expect_errors(UserFacingError):
        result = await hearth.discord.slash("faq add", user=g.member, guild=g.guild, title="Spam", answer="spam")
    assert result.ephemeral and result.text.startswith("Only staff")
    assert await hearth.db.fetchval("SELECT count(*) FROM faq_entries") == 0


async def test_search_ranks_the_best_match_first(hearth: Hearth) -> None:
    await _add_entries(hearth)
    result = await _search(hearth, "reset password")
    assert result.ephemeral
    titles = _titles(result)
    assert titles[0] == "How do I reset my password?"
    # The account e-mail entry shares a keyword with "account" searches but not with this query.
    assert "Refund policy" not in titles
    account = _titles(await _search(hearth, "account email"))
    assert account[0] == "Changing the email of my account"
    assert "How do I reset my password?" in account  # matches "account" only, ranked lower


async def test_a_typo_still_finds_the_entry(hearth: Hearth) -> None:
    await _add_entries(hearth)
    for query in ("pasword", "resett my pasword", "refnud", "microphon"):
        titles = _titles(await _search(hearth, query))
        assert titles, f"nothing found for {query!r}"
    assert _titles(await _search(hearth, "pasword"))[0] == "How do I reset my password?"
    assert _titles(await _search(hearth, "refnud"))[0] == "Refund policy"
    assert _titles(await _search(hearth, "microphon"))[0] == "Voice chat has no sound"


async def test_show_button_and_no_result_message(hearth: Hearth) -> None:
    await _add_entries(hearth)
    result = await _search(hearth, "refund")
    shown = await hearth.discord.click(result, "1. Refund policy", user=hearth.guild.member)
    assert shown.ephemeral
    assert shown.embeds[0]["title"] == "❓ Refund policy"
    assert "within 14 days" in shown.embeds[0]["description"]
    nothing = await _search(hearth, "quantum chromodynamics")
    assert nothing.ephemeral and nothing.text.startswith("Nothing in the FAQ matches")


async def test_every_search_is_logged_and_stats_list_top_and_empty_queries(hearth: Hearth) -> None:
    g = hearth.guild
    ids = await _add_entries(hearth)
    for query in ("reset password", "Reset password", "refund", "quantum chromodynamics", "quantum chromodynamics"):
        await _search(hearth, query)
    rows = await hearth.db.fetch("SELECT guild_id, user_id, query, results_count, top_entry_id FROM faq_search_logs "
                                 "ORDER BY id")
    assert len(rows) == 5
    assert rows[0]["user_id"] == g.member.id and rows[0]["guild_id"] == g.guild.id
    assert rows[0]["top_entry_id"] == ids[0] and rows[0]["results_count"] >= 1
    assert rows[3]["results_count"] == 0 and rows[3]["top_entry_id"] is None
    stats = await hearth.discord.slash("faq stats", user=g.admin, guild=g.guild, period="all")
    embed = stats.embeds[0]
    assert embed["description"] == "5 search(es), 2 without a result."
    top = next(f for f in embed["fields"] if f["name"] == "Top queries")["value"]
    empty = next(f for f in embed["fields"] if f["name"] == "Queries with no result")["value"]
    assert top.splitlines()[0] in ("2× reset password", "2× quantum chromodynamics")
    assert "2× reset password" in top and "1× refund" in top
    assert empty == "2× quantum chromodynamics"


async def test_edit_remove_and_list(hearth: Hearth) -> None:
    g = hearth.guild
    ids = await _add_entries(hearth)
    await hearth.discord.slash("faq edit", user=g.admin, guild=g.guild, entry=ids[1], answer="No refunds.",
                               keywords="refund")
    row = await hearth.db.fetchrow("SELECT title, summary, keywords, updated_by FROM faq_entries WHERE id = $1",
                                   ids[1])
    assert tuple(row) == ("Refund policy", "No refunds.", ["refund"], g.admin.id)
    removed = await hearth.discord.slash("faq remove", user=g.admin, guild=g.guild, entry=ids[2])
    assert removed.text == f"🗑️ Deleted FAQ #{ids[2]}: **Voice chat has no sound**."
    listing = await hearth.discord.slash("faq list", user=g.admin, guild=g.guild)
    assert "Refund policy" in listing.embeds[0]["description"]
    assert "Voice chat" not in listing.embeds[0]["description"]
    with hearth.discord.expect_errors(BadInput):
        bad = await hearth.discord.slash("faq add", user=g.admin, guild=g.guild, title="x", answer="y")
    assert bad.text.startswith("The title must be 3 to 200 characters.")


async def test_another_guilds_entry_cannot_be_seen_or_touched(hearth: Hearth) -> None:
    g = hearth.guild
    other = await hearth.db.fetchval(
        "INSERT INTO faq_entries (guild_id, title, summary, keywords) VALUES (42, 'Secret password policy', "
        "'Guild B only', '{password}') RETURNING id")
    await _add_entries(hearth)
    assert "Secret password policy" not in _titles(await _search(hearth, "password"))
    for command, options in (("faq edit", {"answer": "hijacked"}), ("faq remove", {})):
        with hearth.discord.expect_errors(BadInput):
            result = await hearth.discord.slash(command, user=g.admin, guild=g.guild, entry=other, **options)
        assert result.text.startswith(f"There is no FAQ entry #{other} on this server.")
    assert await hearth.db.fetchval("SELECT summary FROM faq_entries WHERE id = $1", other) == "Guild B only"
    choices = await hearth.discord.autocomplete("faq edit", "entry", user=g.admin, partial="Secret")
    assert choices == []
