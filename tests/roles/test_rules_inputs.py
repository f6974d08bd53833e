"""The pure parts: a menu's rules for each mode (members get roles only through them), and reading what admins
type (emojis, message links, durations)."""

from __future__ import annotations

import pytest

from cogs.roles.inputs import looks_like_emoji, parse_duration, parse_emoji
from cogs.roles.models import Menu, Option
from cogs.roles.rules import plan
from utils.errors import BadInput
from utils.message_links import parse_message_link

A, B, C, OTHER = 1, 2, 3, 99


def menu(mode: str, max_roles: int | None = None) -> Menu:
    options = tuple(Option(role, f"R{role}", None, None, 7) for role in (A, B, C))
    return Menu(1, 10, "m", None, None, "buttons", mode, max_roles, 3600 if mode == "temporary" else None, None,
                options)


@pytest.mark.parametrize(("mode", "held", "picked", "add", "remove"), [
    ("normal", set(), [A], [A], []),
    ("normal", {A}, [A, B], [B], [A]),
    ("temporary", {A}, [A], [], [A]),
    ("unique", {A, C}, [B], [B], [A, C]),
    ("unique", {B}, [B], [], [B]),
    ("verify", {A}, [A, B], [B], []),
    ("drop", {A}, [A, B], [], [A]),
    ("limit", {A}, [B, C], [B], []),
    ("limit", {A, B}, [A, C], [C], [A]),
])
async def test_each_mode(mode: str, held: set[int], picked: list[int], add: list[int], remove: list[int]) -> None:
    result = plan(menu(mode, 2 if mode == "limit" else None), held, picked)
    assert (result.add, result.remove) == (add, remove)


async def test_a_role_outside_the_menu_is_never_given() -> None:
    for mode in ("normal", "unique", "verify", "limit", "temporary"):
        result = plan(menu(mode, 2 if mode == "limit" else None), set(), [OTHER])
        assert result.add == [] and result.remove == [] and result.notes == [
            f"<@&{OTHER}> is no longer part of this menu."]


async def test_unicode_emojis() -> None:
    for emoji in ("🎮", "❤️", "🇫🇷", "1️⃣", "👩‍💻", "👍🏽"):
        assert looks_like_emoji(emoji), emoji
    for text in ("", "a", "gamer", "1", "🎮 games", ":joy:"):
        assert not looks_like_emoji(text), text


class FakeBot:
    def get_emoji(self, emoji_id: int) -> None:
        return None


async def test_emoji_input() -> None:
    assert parse_emoji(FakeBot(), " ❤️ ", example="").key == "❤"  # reactions name it without the selector
    with pytest.raises(BadInput, match="is not an emoji"):
        parse_emoji(FakeBot(), "gamer", example="")
    assert parse_emoji(FakeBot(), "gamer", example="", unicode_checked=False).key == "gamer"  # Discord decides
    with pytest.raises(BadInput, match="I don't know the emoji"):
        parse_emoji(FakeBot(), "<:party:123456789012345678>", example="")


async def test_message_links() -> None:
    found = parse_message_link("https://discord.com/channels/10/20/30", 10, example="")
    assert (found.channel_id, found.message_id) == (20, 30)
    assert parse_message_link("https://ptb.discordapp.com/channels/10/20/30/", 10, example="").message_id == 30
    for text in ("hello", "https://discord.com/channels/10/20", "https://example.com/channels/10/20/30"):
        with pytest.raises(BadInput, match="not a message link"):
            parse_message_link(text, 10, example="")
    for text in ("https://discord.com/channels/11/20/30", "https://discord.com/channels/@me/20/30"):
        with pytest.raises(BadInput, match="not on this server"):
            parse_message_link(text, 10, example="")


async def test_durations() -> None:
    assert parse_duration("1d 12h", example="") == 129600
    for text, problem in (("soon", "not a duration"), ("30s", "at least 1 minute"), ("400d", "at most")):
        with pytest.raises(BadInput, match=problem):
            parse_duration(text, example="")
