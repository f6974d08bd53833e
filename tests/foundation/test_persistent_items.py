"""The persistent-item base: an item declared by its template, field types and look gets its custom id built from
its fields and parsed back (also from an older namespace), and a persistent view of its choices."""

from __future__ import annotations

from typing import Any

import discord
import pytest

from cogs.growth.views import ShareCheckinButton
from cogs.tickets.views import TicketButton
from core.persistent_items import Look, PersistentItem, choices


class SampleButton(PersistentItem[discord.ui.Button[Any], Any], cog="Sample", prefix="sample", legacy="old",
                   template=r"(?P<choice>go|stop):(?P<guild_id>\d+):(?P<key>[a-z_]{1,20})"):
    """A declared choice button: three fields, two looks."""

    choice: str
    guild_id: int
    key: str
    looks = choices(go=Look("Go", discord.ButtonStyle.success, "✅"), stop=Look("Stop"))


class PlainButton(PersistentItem[discord.ui.Button[Any], Any], cog="Sample", prefix="plain", template=r"ping"):
    """A declared button without fields."""

    look = Look("Ping", discord.ButtonStyle.primary)


def parsed(cls: type[PersistentItem[Any, Any]], custom_id: str) -> PersistentItem[Any, Any]:
    """What a click on `custom_id` rebuilds (discord.py matches the class's template, then calls `from_match`)."""
    match = cls.__discord_ui_compiled_template__.fullmatch(custom_id)  # type: ignore[attr-defined]
    assert match is not None, custom_id
    return cls.from_match(match)


def test_a_declared_item_builds_its_id_from_its_fields_and_parses_it_back() -> None:
    button = SampleButton("go", 42, "rules")
    assert button.custom_id == "hearth:sample:go:42:rules"
    assert (button.choice, button.guild_id, button.key) == ("go", 42, "rules")
    assert (button.item.label, button.item.style, str(button.item.emoji)) == ("Go", discord.ButtonStyle.success, "✅")

    back = parsed(SampleButton, button.custom_id)
    assert (back.choice, back.guild_id, back.key) == ("go", 42, "rules")  # type: ignore[attr-defined]
    assert isinstance(back.guild_id, int)  # type: ignore[attr-defined]
    assert back.custom_id == button.custom_id
    assert PlainButton().custom_id == "hearth:plain:ping" == parsed(PlainButton, "hearth:plain:ping").custom_id


def test_an_id_posted_under_the_legacy_namespace_still_parses() -> None:
    back = parsed(SampleButton, "old:stop:7:faq")
    assert (back.choice, back.guild_id, back.key) == ("stop", 7, "faq")  # type: ignore[attr-defined]
    assert back.custom_id == "hearth:sample:stop:7:faq"  # new messages get the `hearth:` id
    assert back.item.label == "Stop" and back.item.style == discord.ButtonStyle.secondary  # type: ignore[attr-defined]
    assert SampleButton.__discord_ui_compiled_template__.fullmatch("other:stop:7:faq") is None  # type: ignore[attr-defined]
    assert parsed(ShareCheckinButton, "growth:share:15").checkin_id == 15  # type: ignore[attr-defined]


def test_real_items_keep_the_ids_posted_on_discord() -> None:
    assert TicketButton("claim", 6).custom_id == "hearth:ticket:claim:6"
    assert parsed(TicketButton, "hearth:ticket:archive:9").ticket_id == 9  # type: ignore[attr-defined]
    assert ShareCheckinButton(15).custom_id == "hearth:growth:share:15"


def test_view_of_a_choice_button_has_one_button_per_choice() -> None:
    view = SampleButton.view_of(3, "x")
    assert view.timeout is None
    assert [(b.custom_id, b.item.label) for b in view.children] == [  # type: ignore[attr-defined]
        ("hearth:sample:go:3:x", "Go"), ("hearth:sample:stop:3:x", "Stop")]
    only = SampleButton.view_of(3, "x", choices=("stop",), disabled=True)
    assert [(b.custom_id, b.item.disabled) for b in only.children] == [("hearth:sample:stop:3:x", True)]  # type: ignore[attr-defined]
    assert SampleButton("go", 1, "k", label="y" * 100).item.label == "y" * 80  # Discord's label limit


def test_a_declaration_that_cannot_build_its_ids_is_refused_when_the_class_is_made() -> None:
    with pytest.raises(TypeError, match="declare the custom-id field `rule_id`"):
        class NoType(PersistentItem[discord.ui.Button[Any], Any], cog="Sample", prefix="x",
                     template=r"rule:(?P<rule_id>\d+)"):
            look = Look("Accept")
    with pytest.raises(TypeError, match="`looks` are keyed by the values of the template's first field"):
        class WrongChoice(PersistentItem[discord.ui.Button[Any], Any], cog="Sample", prefix="x",
                          template=r"(?P<choice>yes|no)"):
            choice: str
            looks = choices(yes=Look("Yes"), maybe=Look("Maybe"))
    with pytest.raises(TypeError, match="declares its `look`"):
        class NoLook(PersistentItem[discord.ui.Button[Any], Any], cog="Sample", prefix="x", template=r"go"):
            pass
