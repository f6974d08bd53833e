"""Transcripts that look like Discord (avatars from the CDN, role colours, replies, embeds, inline images,
reactions, edited marks, system lines) with every piece of user content escaped; kept transcripts fetched after a
restart; and their retention (`tickets.transcript_retention_days`)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from cogs.tickets import feedback, repo
from cogs.tickets.transcript import Header, Line, text
from cogs.tickets.transcript_html import page as html_page
from tests.kit.tickets import TicketDesk, open_ticket, ticket
from tests.tickets.test_close import _close

XSS = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
WHEN = datetime(2026, 5, 1, 12, tzinfo=UTC)
ALICE = 123_456_789_012_345_678


def _hostile_page() -> str:
    header = Header(ticket_id=7, guild=XSS, channel=XSS, opener=XSS, opener_id=1, description=XSS, status="closed",
                    created_at=WHEN, closed_at=WHEN, closed_by=XSS, close_reason=XSS)
    lines = [
        Line(author=XSS, author_id=ALICE, bot=False, created_at=WHEN, content=f"{XSS} <@{ALICE}>", display_name=XSS,
             avatar_url='https://cdn.discordapp.com/avatars/1/a.png?"><script>x</script>', colour=0xFF0000,
             reply_to=(XSS, XSS), reactions=[(XSS, 2)], edited_at=WHEN,
             attachments=[(XSS, "javascript:alert(3)"), ("cat.png", "https://evil.example/cat.png")],
             embeds=[{"title": XSS, "description": XSS, "fields": [(XSS, XSS)], "footer": XSS, "colour": 0x00FF00,
                      "author": XSS, "url": "javascript:alert(4)", "image": "https://evil.example/pixel.gif"}]),
        Line(author="sys", author_id=2, bot=False, created_at=WHEN, content="", system=XSS),
    ]
    return html_page(header, lines)


def test_every_user_field_is_escaped() -> None:
    page = _hostile_page()
    assert "<script" not in page.lower() and "onerror=alert" not in page.replace("onerror=alert(2)&gt;", "")
    assert "javascript:" not in page  # links only to http(s)
    assert '<a href="https://evil.example/pixel.gif"' in page  # other hosts' images: links, never loaded
    for tag in re.findall(r"<img [^>]*>", page):  # the only images: from Discord's CDN
        assert re.match(r'<img (class="avatar" )?src="https://cdn\.discordapp\.com/', tag), tag
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;") >= 12
    assert "Content-Security-Policy" in page and "default-src &#x27;none&#x27;" in page
    assert 'style="color:#ff0000"' in page and 'style="border-left-color:#00ff00"' in page
    assert '<span class="mention">@&lt;script&gt;' in page  # a user mention shown as the name, escaped


def test_plain_text_has_replies_reactions_and_system_lines() -> None:
    header = Header(ticket_id=7, guild="g", channel="c", opener="bob", opener_id=1, description="d",
                    status="closed", created_at=WHEN, closed_at=None, closed_by=None, close_reason=None)
    lines = [Line(author="bob", author_id=1, bot=False, created_at=WHEN, content="yes", reply_to=("sam", "ok?"),
                  reactions=[("👍", 2)]),
             Line(author="bob", author_id=1, bot=False, created_at=WHEN, content="", system="bob pinned a message")]
    out = text(header, lines)
    assert "↪ replying to sam: ok?" in out and "[reactions] 👍 2" in out and "* bob pinned a message" in out


async def test_transcript_looks_like_discord_and_is_fetched_after_a_restart(desk: TicketDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    vip = g.guild.add_role("VIP", [], color=0xE91E63)
    carl = g.guild.add_member("carl", roles=[vip])
    await hearth.discord.settle()
    row, channel = await open_ticket(desk, carl)
    question = await hearth.discord.say(channel, carl, "Here is the error " + XSS,
                                        attachments=[("shot.png", b"\x89PNG", "image/png")])
    answer = await hearth.discord.say(channel, desk.staff, "Reinstall the driver", reply_to=question)
    await hearth.discord.react(answer, carl, "👍")
    await hearth.discord.say(channel, desk.staff, "Details", embeds=[{
        "title": "Driver", "description": "v1.2", "color": 0x3498DB, "fields": [{"name": XSS, "value": XSS}]}])
    await _close(desk, channel, reason="Solved")
    await hearth.restart()  # a second bot on the same database

    got = await hearth.discord.slash("ticket transcript", user=carl, guild=g.guild, ticket=row["id"])
    [file] = got.files
    page = file.data.decode()
    assert "<script" not in page.lower() and "onerror=alert" not in page.replace("onerror=alert(2)&gt;", "")
    assert re.search(r'<img class="avatar" src="[^"]*/embed/avatars/\d\.png', page)  # avatars from the CDN
    assert 'style="color:#e91e63"' in page  # the member's role colour
    assert '<div class="reply">↪ <span class="rname">carl</span>Here is the error' in page
    assert '<span class="reaction">👍 1</span>' in page
    assert re.search(r'<img src="[^"]*/attachments/\d+/shot\.png" alt="shot\.png"', page)  # images inline
    assert 'style="border-left-color:#3498db"' in page and '<div class="title">Driver</div>' in page
    assert "Solved" in page and (await ticket(desk, row["id"]))["status"] == "closed"


async def test_old_transcripts_go_after_the_retention(desk: TicketDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    other = 555_000_000_000_000_001
    run = hearth.clock.now() + timedelta(days=1, minutes=1)  # the daily job's first run
    kept: dict[tuple[int, int], int] = {}
    for guild_id in (g.guild.id, other):
        for age in (10, 40, 400):
            made = await repo.create(hearth.db, guild_id, 9, "x", "d", None, run - timedelta(days=age))
            await feedback.keep_transcript(hearth.db, guild_id, made.id, "<p>x</p>", run - timedelta(days=age))
            kept[(guild_id, age)] = made.id
    done = await hearth.discord.slash("config set", user=g.admin, guild=g.guild, scope="tickets",
                                      key="transcript_retention_days", value="30")
    assert "tickets.transcript_retention_days" in done.text

    await hearth.move_clock(run)

    left = {(r["guild_id"], r["ticket_id"]) for r in await hearth.db.fetch(
        "SELECT guild_id, ticket_id FROM ticket_transcripts")}
    assert left == {(g.guild.id, kept[(g.guild.id, 10)]),  # its own 30 days
                    (other, kept[(other, 10)]), (other, kept[(other, 40)])}  # the default, 365 days
    assert await repo.get(hearth.db, other, kept[(other, 400)]) is not None  # the ticket itself stays


def _page_of(*lines: Line) -> str:
    header = Header(ticket_id=7, guild="g", channel="c", opener="bob", opener_id=1, description="d",
                    status="closed", created_at=WHEN, closed_at=None, closed_by=None, close_reason=None)
    return html_page(header, list(lines))


def _said(content: str, *, at: datetime = WHEN, author_id: int = ALICE, **more) -> Line:
    return Line(author="alice", author_id=author_id, bot=False, created_at=at, content=content, **more)


def test_markdown_is_shown_as_discord_shows_it_and_stays_escaped() -> None:
    page = _page_of(_said("**bold** *it* _also_ __under__ ~~gone~~ ||secret|| `x < 1` "
                          "see https://example.com/a_b_c?x=1&y=2. and javascript:alert(1)\n"
                          "```py\nif a < b and **not** c:\n    print('<hi>')\n```"))
    assert "<strong>bold</strong>" in page and "<em>it</em>" in page and "<em>also</em>" in page
    assert "<u>under</u>" in page and "<s>gone</s>" in page and '<span class="spoiler">secret</span>' in page
    assert "<code>x &lt; 1</code>" in page
    # A link keeps its underscores, leaves out the full stop after it, and is escaped; javascript: is no link.
    assert ('<a href="https://example.com/a_b_c?x=1&amp;y=2" rel="noopener noreferrer" target="_blank">'
            "https://example.com/a_b_c?x=1&amp;y=2</a>.") in page
    assert 'href="javascript' not in page
    # Nothing inside a code block is formatted, and it stays escaped.
    assert "<pre><code>if a &lt; b and **not** c:\n    print(&#x27;&lt;hi&gt;&#x27;)\n</code></pre>" in page


def test_one_authors_messages_within_seven_minutes_share_one_name() -> None:
    bob = 1
    page = _page_of(_said("one"), _said("two", at=WHEN + timedelta(minutes=2)),
                    _said("three", at=WHEN + timedelta(minutes=8)),  # 6 minutes after "two": still grouped
                    _said("four", at=WHEN + timedelta(minutes=16)),  # 8 minutes later: a new group
                    _said("five", at=WHEN + timedelta(minutes=17), author_id=bob),
                    _said("six", at=WHEN + timedelta(minutes=17), author_id=bob, reply_to=("alice", "four")))
    assert page.count('<div class="msg">') == 4  # one, four, five, and six (a reply always shows its author)
    assert page.count('<div class="msg cont">') == 2  # two, three
    assert '<div class="gutter" title="2026-05-01 12:02:00 UTC">12:02</div>' in page
