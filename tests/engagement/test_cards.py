"""Profile and leaderboard cards decode as PNG of the expected size; the profile shows the member's figures."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from PIL import Image

from cogs.engagement import cards
from tests.engagement.helpers import cog
from tests.hearth_harness import Hearth
from utils.cooldowns import OnCooldown


def _png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    image.load()
    return image


async def test_profile_and_leaderboard_are_png_cards(hearth: Hearth) -> None:
    g, d = hearth.guild, hearth.discord
    hearth.clock.set(datetime(2026, 6, 3, 12, tzinfo=UTC))
    for member, n in ((g.member, 6), (g.admin, 3), (g.moderator, 1)):
        for i in range(n):
            await d.say(g.general, member, f"hi {i}")
    await hearth.db.execute("INSERT INTO engagement_badges (guild_id, user_id, badge_key) VALUES ($1, $2, 'og'), "
                            "($1, $2, 'motivator'), ($1, $2, 'motivator')", g.guild.id, g.member.id)
    profile = await d.slash("profile", user=g.admin, guild=g.guild, member=g.member)
    assert [f.filename for f in profile.files] == ["profile.png"]
    assert _png(profile.files[0].data).size == cards.PROFILE_SIZE == (900, 300)
    board = await d.slash("leaderboard", user=g.member, guild=g.guild, period="week")
    assert _png(board.files[0].data).size == cards.leaderboard_size(3) == (900, 110 + 3 * 64 + 20)
    assert cog(hearth).buffer.take().increments == 0  # the commands flushed first: the figures were fresh


async def test_text_fallback_when_files_cannot_be_sent(hearth: Hearth) -> None:
    g, d = hearth.guild, hearth.discord
    hearth.clock.set(datetime(2026, 6, 3, 12, tzinfo=UTC))
    for i in range(4):
        await d.say(g.general, g.member, f"hi {i}")
    await hearth.db.execute("INSERT INTO engagement_badges (guild_id, user_id, badge_key) VALUES ($1, $2, 'og'), "
                            "($1, $2, 'motivator'), ($1, $2, 'motivator')", g.guild.id, g.member.id)
    g.guild.set_overwrite(g.general, g.guild.bot_role, deny=["attach_files"])
    await d.settle()
    profile = await d.slash("profile", user=g.member, guild=g.guild, channel=g.general)
    assert not profile.files
    assert "bob's profile" in profile.text and "4 (rank #1)" in profile.text and "🔥 1 day(s)" in profile.text
    assert "🚀 Motivator ×2" in profile.text and "🏅 OG" in profile.text


def test_cards_render_long_names_avatars_and_empty_boards() -> None:
    avatar = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 10, 10)).save(avatar, format="PNG")
    data = cards.ProfileData(name="W" * 80, subtitle="@someone", user_id=5, messages=123_456, rank=1, streak=40,
                             best_streak=41, week_messages=300, badges=[("🏆 Challenge winner", 3)] * 12,
                             avatar=avatar.getvalue())
    assert _png(cards.profile_card(data)).size == (900, 300)
    broken = cards.ProfileData(name="x", subtitle="@x", user_id=6, messages=0, rank=None, streak=0, best_streak=0,
                               week_messages=0, avatar=b"not an image")
    assert _png(cards.profile_card(broken)).size == (900, 300)
    assert _png(cards.leaderboard_card("Empty", "nothing", [])).size == cards.leaderboard_size(0)
    rows = [cards.LeaderboardRow(n + 1, f"member {n}", n, 100 - n) for n in range(10)]
    assert _png(cards.leaderboard_card("Top", "all time", rows)).size == (900, 110 + 640 + 20)


async def _card_text(hearth: Hearth, command: str, user, **options) -> str:
    result = await hearth.discord.slash(command, user=user, guild=hearth.guild.guild, channel=hearth.guild.general,
                                        **options)
    assert not result.files
    return result.text


async def test_cards_read_the_running_totals_not_every_day(hearth: Hearth) -> None:
    """Messages over several days: the totals row holds their sum (kept by the flush), and the profile and the
    all-time leaderboard show it even once the old days' rows are gone (as a retention would remove them)."""
    g, d = hearth.guild, hearth.discord
    g.guild.set_overwrite(g.general, g.guild.bot_role, deny=["attach_files"])  # text cards: figures readable
    await d.settle()
    for day, (mine, theirs) in enumerate(((5, 1), (3, 2), (4, 0))):
        hearth.clock.set(datetime(2026, 6, 1 + day, 12, tzinfo=UTC))
        for i in range(mine):
            await d.say(g.general, g.member, f"day {day} #{i}")
        for i in range(theirs):
            await d.say(g.general, g.admin, f"day {day} #{i}")
        await cog(hearth).flush()
    assert await hearth.db.fetchval("SELECT count(*) FROM engagement_daily_counts WHERE user_id = $1",
                                    g.member.id) == 3  # one row per day …
    totals = await hearth.db.fetch("SELECT user_id, messages FROM engagement_member_totals WHERE guild_id = $1 "
                                   "ORDER BY messages DESC", g.guild.id)
    assert [tuple(r) for r in totals] == [(g.member.id, 12), (g.admin.id, 3)]  # … one running total per member
    await hearth.db.execute("DELETE FROM engagement_daily_counts WHERE day < $1", date(2026, 6, 3))
    profile = await _card_text(hearth, "profile", g.admin, member=g.member)
    assert "12 (rank #1)" in profile
    board = await _card_text(hearth, "leaderboard", g.member, period="all")
    assert "#1** bob — 12 message(s)" in board and "#2** alice — 3 message(s)" in board


async def test_cards_have_a_per_member_cooldown(hearth: Hearth) -> None:
    g, d = hearth.guild, hearth.discord
    hearth.clock.set(datetime(2026, 6, 3, 12, tzinfo=UTC))
    for _ in range(3):
        assert (await d.slash("profile", user=g.member)).files
    with d.expect_errors(OnCooldown):
        refused = await d.slash("leaderboard", user=g.member)  # both card commands share the member's allowance
    assert refused.ephemeral and refused.text == "You're doing that too often. Try again in 60 s."
    assert (await d.slash("leaderboard", user=g.admin)).files  # another member is not held up
    hearth.clock.set(datetime(2026, 6, 3, 12, 0, 45, tzinfo=UTC))
    with d.expect_errors(OnCooldown):
        later = await d.slash("profile", user=g.member)
    assert later.text == "You're doing that too often. Try again in 15 s."
    hearth.clock.set(datetime(2026, 6, 3, 12, 1, tzinfo=UTC))
    assert (await d.slash("profile", user=g.member)).files
