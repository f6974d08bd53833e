"""/faq for members (public answers, list, view) and for admins (export and import, round trip, bad files)."""

from __future__ import annotations

import csv
import io
import json

from tests.faq.test_faq import ENTRIES, _add_entries
from tests.hearth_harness import Hearth
from utils.errors import BadInput, UserFacingError


async def test_public_search_posts_the_best_answer_without_pings(hearth: Hearth) -> None:
    g = hearth.guild
    await _add_entries(hearth)
    await hearth.discord.slash("faq edit", user=g.admin, guild=g.guild, entry=(await _ids(hearth))[1],
                               answer=f"Ask @everyone or <@&{g.guild.id}>, refunds within 14 days.")
    result = await hearth.discord.slash("faq search", user=g.member, guild=g.guild, channel=g.general,
                                        query="refund", public=True)
    assert not result.ephemeral
    posted = result.message
    assert posted.channel_id == g.general.id
    assert posted.embeds[0]["title"] == "❓ Refund policy"
    assert "within 14 days" in posted.embeds[0]["description"]
    assert posted.embeds[0]["author"]["name"].startswith("Shared by ")
    assert posted.allowed_mentions == {"parse": []}
    assert not posted.pings
    logged = await hearth.db.fetchval("SELECT count(*) FROM faq_search_logs WHERE query = 'refund'")
    assert logged == 1


async def test_public_answer_refused_where_the_member_cannot_write(hearth: Hearth) -> None:
    g = hearth.guild
    await _add_entries(hearth)
    readonly = g.guild.add_text_channel("rules", overwrites={"everyone": {"deny": ["send_messages"]}})
    for command, options in (("faq search", {"query": "refund"}), ("faq view", {"entry": (await _ids(hearth))[0]})):
        with hearth.discord.expect_errors(UserFacingError):
            result = await hearth.discord.slash(command, user=g.member, guild=g.guild, channel=readonly,
                                                public=True, **options)
        assert result.ephemeral and result.text.startswith("You can't send messages in this channel")
    assert [m for m in hearth.discord.messages_in(readonly)] == []
    private = await hearth.discord.slash("faq search", user=g.member, guild=g.guild, channel=readonly,
                                         query="refund")
    assert private.ephemeral and private.embeds[0]["fields"][0]["name"] == "1. Refund policy"


async def test_members_list_and_view(hearth: Hearth) -> None:
    g = hearth.guild
    ids = await _add_entries(hearth)
    listing = await hearth.discord.slash("faq list", user=g.member, guild=g.guild)
    assert listing.ephemeral
    for title, _, _ in ENTRIES:
        assert title in listing.embeds[0]["description"].replace("\\", "")
    viewed = await hearth.discord.slash("faq view", user=g.member, guild=g.guild, entry=ids[2])
    assert viewed.ephemeral and viewed.embeds[0]["title"] == "❓ Voice chat has no sound"
    shared = await hearth.discord.slash("faq view", user=g.member, guild=g.guild, channel=g.general, entry=ids[2],
                                        public=True)
    assert not shared.ephemeral and shared.message.channel_id == g.general.id
    choices = await hearth.discord.autocomplete("faq view", "entry", user=g.member, partial="voice")
    assert [c["value"] for c in choices] == [ids[2]]
    with hearth.discord.expect_errors(BadInput):
        missing = await hearth.discord.slash("faq view", user=g.member, guild=g.guild, entry=ids[-1] + 100)
    assert missing.text.startswith(f"There is no FAQ entry #{ids[-1] + 100} on this server.")


async def _ids(hearth: Hearth) -> list[int]:
    return [r["id"] for r in await hearth.db.fetch("SELECT id FROM faq_entries ORDER BY id")]


async def _rows(hearth: Hearth, guild_id: int) -> list[tuple[str, str, list[str]]]:
    rows = await hearth.db.fetch("SELECT title, summary, keywords FROM faq_entries WHERE guild_id = $1 ORDER BY title",
                                 guild_id)
    return [(r["title"], r["summary"], list(r["keywords"] or [])) for r in rows]


async def test_export_then_import_round_trip_in_both_formats(hearth: Hearth) -> None:
    g = hearth.guild
    await _add_entries(hearth)
    await hearth.discord.slash("faq add", user=g.admin, guild=g.guild, title="=cmd|' /C calc'!A0",
                               answer="-1+1, \"quoted\", line\\nbreak", keywords="formula")
    before = await _rows(hearth, g.guild.id)
    for file_format in ("json", "csv"):
        exported = await hearth.discord.slash("faq export", user=g.admin, guild=g.guild, format=file_format)
        assert exported.ephemeral and exported.text == "5 FAQ entries exported."
        (attachment,) = exported.files
        assert attachment.filename == f"faq-{g.guild.id}.{file_format}"
        if file_format == "csv":
            cells = list(csv.reader(io.StringIO(attachment.data.decode("utf-8-sig"))))
            assert cells[0] == ["title", "answer", "keywords"]
            assert all(not cell.startswith(("=", "-", "+", "@")) for row in cells for cell in row)
        else:
            assert json.loads(attachment.data)["format"] == "hearth-faq"
        await hearth.db.execute("DELETE FROM faq_entries")
        imported = await hearth.discord.slash("faq import", user=g.admin, guild=g.guild,
                                              file=(attachment.filename, attachment.data))
        assert imported.text == "✅ Imported 5 FAQ entries: 5 added, 0 updated (same title)."
        assert await _rows(hearth, g.guild.id) == before
    again = await hearth.discord.slash("faq import", user=g.admin, guild=g.guild, file=("f.csv", attachment.data))
    assert again.text == "✅ Imported 5 FAQ entries: 0 added, 5 updated (same title)."
    assert await hearth.db.fetchval("SELECT count(*) FROM faq_entries") == 5


async def test_bad_files_import_nothing_and_name_the_lines(hearth: Hearth) -> None:
    g = hearth.guild
    await _add_entries(hearth)
    bad_csv = (b"title,answer,keywords\n"
               b"Good question,Good answer,a\n"
               b"x,An answer,b\n"
               b"\"Multi\nline title\",,c\n"
               b"Good question,Twice,d\n")
    with hearth.discord.expect_errors(BadInput):
        result = await hearth.discord.slash("faq import", user=g.admin, guild=g.guild, file=("faq.csv", bad_csv))
    assert result.text.startswith("Nothing was imported; fix the file and try again:")
    assert "line 3: the title must be 3 to 200 characters (it is 1)." in result.text
    assert "line 4: the answer must be 1 to 4000 characters (it is 0)." in result.text
    assert "line 6: the title is also on line 2." in result.text
    bad_json = json.dumps({"entries": [{"title": "Fine title", "answer": "ok"}, {"title": 5, "answer": "x"}]},
                          indent=2).encode()
    with hearth.discord.expect_errors(BadInput):
        result = await hearth.discord.slash("faq import", user=g.admin, guild=g.guild, file=("f.json", bad_json))
    assert "entry 2 (line 7): title and answer must be text" in result.text
    for name, data, message in (("f.json", b'{"entries": [\n  {"title": }\n]}', "line 2: not valid JSON"),
                                ("f.csv", b"question,reply\nA,B\n", "line 1: the header must name the columns"),
                                ("f.csv", b"\xff\xfe\x00bad", "The file is not UTF-8 text"),
                                ("f.csv", b"title,answer\n", "The file holds no entries.")):
        with hearth.discord.expect_errors(BadInput):
            result = await hearth.discord.slash("faq import", user=g.admin, guild=g.guild, file=(name, data))
        assert message in result.text, result.text
    assert await hearth.db.fetchval("SELECT count(*) FROM faq_entries") == len(ENTRIES)


async def test_export_and_import_are_for_admins(hearth: Hearth) -> None:
    g = hearth.guild
    await _add_entries(hearth)
    for user in (g.member, g.moderator):
        with hearth.discord.expect_errors(UserFacingError):
            result = await hearth.discord.slash("faq export", user=user, guild=g.guild)
        assert result.text.startswith("Only admins (Manage Server)") and not result.files
        with hearth.discord.expect_errors(UserFacingError):
            result = await hearth.discord.slash("faq import", user=user, guild=g.guild,
                                                file=("f.csv", b"title,answer\nHacked entry,hacked\n"))
        assert result.text.startswith("Only admins (Manage Server)")
    assert await hearth.db.fetchval("SELECT count(*) FROM faq_entries WHERE title = 'Hacked entry'") == 0
