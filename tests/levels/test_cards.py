"""`/rank` and `/levels`: PNG cards (the rank card in the profile card's style, the shared leaderboard card), the
same figures as text when the bot may not attach files, fresh figures (the buffer is written first), the card
cooldown, and a clear answer when levels are off."""

from __future__ import annotations

import io

from PIL import Image

from cogs.levels import cards
from tests.kit.levels import LevelsDesk
from utils.cards import leaderboard_size
from utils.cooldowns import OnCooldown
from utils.errors import UserFacingError


def _png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    image.load()
    return image


async def test_rank_and_levels_are_png_cards(levels: LevelsDesk) -> None:
    g, d = levels.guild, levels.discord
    await levels.seed(g.admin, 500)
    levels.fixed_xp(20)
    await d.say(g.general, g.member, "not flushed yet")
    rank = await d.slash("rank", user=g.admin, guild=g.guild, member=g.member)
    assert [f.filename for f in rank.files] == ["rank.png"] and not rank.ephemeral
    assert _png(rank.files[0].data).size == cards.RANK_SIZE == (900, 300)
    assert await levels.xp(g.member) == 20  # /rank wrote the buffer first
    board = await d.slash("levels", user=g.member, guild=g.guild)
    assert [f.filename for f in board.files] == ["levels.png"]
    assert _png(board.files[0].data).size == leaderboard_size(2)


async def test_text_fallback_without_attach_files(levels: LevelsDesk) -> None:
    g, d = levels.guild, levels.discord
    await levels.seed(g.member, 300)  # level 2, 45 of 220 towards level 3
    await levels.seed(g.admin, 1200)
    g.guild.set_overwrite(g.general, g.guild.bot_role, deny=["attach_files"])
    await d.settle()
    rank = await d.slash("rank", user=g.member, guild=g.guild, channel=g.general)
    assert not rank.files
    assert "bob's rank" in rank.text and "#2" in rank.text and "300 in total" in rank.text
    assert "Towards level 3" in rank.text and "45 / 220 XP (20%)" in rank.text
    board = await d.slash("levels", user=g.member, guild=g.guild, channel=g.general)
    assert not board.files
    assert "**#1** alice — level 5 (1,200 XP)" in board.text and "**#2** bob — level 2 (300 XP)" in board.text
    assert board.embeds[0]["footer"]["text"] == "Total XP · page 1 of 1"


async def test_pages_and_an_empty_board(levels: LevelsDesk) -> None:
    g, d = levels.guild, levels.discord
    g.guild.set_overwrite(g.general, g.guild.bot_role, deny=["attach_files"])
    await d.settle()
    empty = await d.slash("levels", user=g.member, guild=g.guild, channel=g.general)
    assert "Nobody has earned XP yet." in empty.text
    for n in range(12):
        member = g.guild.add_member(f"m{n:02d}")
        await levels.seed(member, 1000 - n)
    await d.settle()
    second = await d.slash("levels", user=g.owner, guild=g.guild, channel=g.general, page=2)
    assert second.embeds[0]["footer"]["text"].endswith("page 2 of 2")
    assert "**#11** m10" in second.text and "**#12** m11" in second.text
    assert "m00" not in second.text


async def test_the_card_cooldown_and_levels_off(levels: LevelsDesk) -> None:
    g, d = levels.guild, levels.discord
    for _ in range(3):
        await d.slash("rank", user=g.member, guild=g.guild)
    async with d.expect_errors(OnCooldown):
        fourth = await d.slash("levels", user=g.member, guild=g.guild)
    assert fourth.ephemeral and "too often" in fourth.text
    await levels.set("enabled", False)
    async with d.expect_errors(UserFacingError):
        off = await d.slash("rank", user=g.admin, guild=g.guild)
    assert off.ephemeral and "Levels are off" in off.text


def test_the_rank_card_draws_long_names_avatars_and_level_zero() -> None:
    avatar = io.BytesIO()
    Image.new("RGB", (64, 64), (10, 200, 10)).save(avatar, format="PNG")
    data = cards.RankData(name="W" * 80 + " 🎉", subtitle="@someone", user_id=7, level=999, rank=123_456,
                          xp=1_600_000_000, into_level=5_000_000, needed=5_040_050, messages=9_999_999,
                          voice_minutes=100_000, avatar=avatar.getvalue())
    assert _png(cards.rank_card(data)).size == (900, 300)
    fresh = cards.RankData(name="x", subtitle="@x", user_id=8, level=0, rank=None, xp=0, into_level=0, needed=100,
                           messages=0, voice_minutes=0, avatar=b"not an image")
    assert _png(cards.rank_card(fresh)).size == (900, 300)
