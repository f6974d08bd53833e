"""The one base for persistent buttons and selects (`discord.ui.DynamicItem`s) and for the modals they open.

A persistent item carries what it acts on in its custom_id, so it keeps working after a restart. Every such
item of Hearth derives from `PersistentItem`, which owns what each of them used to write by hand:

- **The custom id, written once.** Ids live under `hearth:<prefix>:…`; the class template is the part after the
  prefix: literal text and named groups. Each group is a field of the item, declared as a class annotation (`int`
  or `str`): the base builds the id from the field values (`custom_id_for`), parses a clicked id back into them
  (`from_match`) and keeps them as attributes. Ids that older versions posted under another namespace
  (`legacy=`) keep working when clicked, since messages already on Discord keep their ids forever.
- **The look.** A button declares its label, style and emoji once (`look`), or one per value of its first field
  for a button offered as a set of choices (`looks`); `view_of` builds the persistent view of those buttons.
  A select (or a button whose look depends on more than its fields) builds its component itself and `wrap`s it.
- **The cog.** The item names its cog; `from_custom_id` resolves it once (through `contract_of`, for a feature
  whose items call a part of the cog rather than the cog itself). When the cog is not loaded (being reloaded,
  or it failed to start) the member gets `unavailable` as a private answer and nothing else runs.
- **Failures.** `clicked` raises; the member hears about it as about any failed command
  (`core.command_tree.report_failure`: a `UserFacingError` as is, anything else with a reference id that is
  also logged). `ReportingModal` does the same for the modals these items open.

Items are registered with the bot by the cog (`HearthCog.persistent_items`) and stay registered while the cog
is away, so a click then still gets the friendly answer instead of "This interaction failed".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, ClassVar, Generic, NamedTuple, TypeVar

import discord

from core.command_tree import report_failure, send_ephemeral
from core.modules import ModuleOff

NAMESPACE = "hearth"
ItemT = TypeVar("ItemT", bound="discord.ui.Item[Any]", covariant=True)  # the wrapped button or select
CogT = TypeVar("CogT")  # what the item calls: the cog's declared contract

UNAVAILABLE = "This is not available right now, try again later."
LABEL_MAX = 80  # Discord's limit for a button label

# A template is literal text and named groups without nested parentheses, e.g. `rule:(?P<guild_id>\d+)`.
_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<pattern>[^()]*)\)")
_LITERAL = re.compile(r"[\w:\-]*")
_FIELD_TYPES: dict[object, type] = {int: int, str: str, "int": int, "str": str}


class Look(NamedTuple):
    """How a button looks: its label, style and emoji."""

    label: str
    style: discord.ButtonStyle = discord.ButtonStyle.secondary
    emoji: str | None = None


class Field(NamedTuple):
    """One named group of an item's template: the attribute it fills, its type and its pattern."""

    name: str
    type: type
    pattern: str


def choices(**looks: Look) -> Mapping[str, Look]:
    """The looks of a choice button, one per choice (the value of its first field), in the order shown."""
    return MappingProxyType(looks)


def _parse_template(cls: type, template: str) -> tuple[tuple[str, ...], tuple[Field, ...]]:
    """The literal parts (one more than the fields) and the fields of `template`; the fields' types come from
    the class annotations (`int` or `str`)."""
    literals: list[str] = []
    fields: list[Field] = []
    position = 0
    for group in _GROUP.finditer(template):
        literals.append(template[position:group.start()])
        fields.append(Field(group["name"], _field_type(cls, group["name"]), group["pattern"]))
        position = group.end()
    literals.append(template[position:])
    if not all(_LITERAL.fullmatch(literal) for literal in literals):
        raise TypeError(f"{cls.__name__}: a template is literal text (letters, digits, `:`, `-`) and named groups, "
                        f"got {template!r}")
    return tuple(literals), tuple(fields)


def _field_type(cls: type, name: str) -> type:
    for klass in cls.__mro__:
        annotation = vars(klass).get("__annotations__", {}).get(name)
        if annotation is not None:
            if annotation not in _FIELD_TYPES:
                raise TypeError(f"{cls.__name__}.{name}: a custom-id field is `int` or `str`, not {annotation!r}")
            return _FIELD_TYPES[annotation]
    raise TypeError(f"{cls.__name__}: declare the custom-id field `{name}` with its type (`{name}: int` or `str`)")


# discord.py wants a template on every subclass: the base's matches nothing and is never registered.
class PersistentItem(discord.ui.DynamicItem[ItemT], Generic[ItemT, CogT], template=r"(?!)"):
    """A button or select that survives restarts, resolves its cog once and reports failures like a command.

    A feature declares its items' common part once, without a template::

        class TicketItem(PersistentItem[ItemT, TicketActions], cog="Tickets",
                         unavailable="Tickets are not available right now, try again later."): ...

    and each item gives its prefix, the rest of its id (literal text and named groups, one per field), the
    fields' types and its look::

        class ProposalButton(TicketItem[discord.ui.Button[Any]], prefix="faqprop",
                             template=r"(?P<choice>add|dismiss):(?P<proposal_id>\\d+)"):
            choice: str
            proposal_id: int
            looks = choices(add=Look("Add to FAQ", discord.ButtonStyle.success), dismiss=Look("Dismiss"))

            async def clicked(self, interaction: discord.Interaction, cog: TicketActions) -> None:
                await cog.decide_proposal(interaction, self.proposal_id, self.choice)

    `ProposalButton("add", 7)` is the button `hearth:faqprop:add:7`; `ProposalButton.view_of(7)` the persistent
    view with both choices. A button of one look sets `look = Look(...)` instead of `looks`.
    """

    cog_name: ClassVar[str] = ""
    """The cog the item acts through (its `qualified_name`)."""
    prefix: ClassVar[str] = ""
    """The item's part of the custom-id namespace: ids are `hearth:<prefix>:…`."""
    legacy: ClassVar[str | None] = None
    """The namespace an older version posted this item's ids under (`<legacy>:…`), still accepted on clicks."""
    unavailable: ClassVar[str] = UNAVAILABLE
    """The private answer when the cog is not loaded (or the item cannot be used where it was clicked)."""
    what: ClassVar[str] = "a button"
    """What the item is, for the log when it fails (see `describe`)."""
    look: ClassVar[Look | None] = None
    """A button's look (when it does not depend on a choice)."""
    looks: ClassVar[Mapping[str, Look]] = MappingProxyType({})
    """A choice button's look per value of its first field (the choice), in the order `view_of` shows them."""
    fields: ClassVar[tuple[Field, ...]] = ()
    """The template's named groups, in order: the values an item is made of (set from the template)."""
    _literals: ClassVar[tuple[str, ...]] = ("",)

    cog: CogT | None = None

    def __init_subclass__(cls, *, template: str | None = None, prefix: str | None = None, cog: str | None = None,
                          legacy: str | None = None, unavailable: str | None = None, what: str | None = None,
                          **kwargs: Any) -> None:
        for name, value in (("prefix", prefix), ("cog_name", cog), ("legacy", legacy),
                            ("unavailable", unavailable), ("what", what)):
            if value is not None:
                setattr(cls, name, value)
        if template is None:  # a feature's shared base: no id of its own
            super(discord.ui.DynamicItem, cls).__init_subclass__(**kwargs)
            return
        if not cls.prefix or not cls.cog_name:
            raise TypeError(f"{cls.__name__}: a persistent item needs a cog and a custom-id prefix")
        cls._literals, cls.fields = _parse_template(cls, template)
        cls._check_looks()
        namespaces = [re.escape(f"{NAMESPACE}:{cls.prefix}")]
        if cls.legacy:
            namespaces.append(re.escape(cls.legacy))
        super().__init_subclass__(template=f"(?:{'|'.join(namespaces)}):(?:{template})", **kwargs)

    @classmethod
    def _check_looks(cls) -> None:
        """A button made by the base has a look for each of its choices (checked when the class is made)."""
        if cls.__init__ is not PersistentItem.__init__:  # type: ignore[misc]  # a select, or its own look
            return
        if cls.looks:
            choice = cls.fields[0] if cls.fields else None
            if choice is None or choice.type is not str or not all(
                    re.fullmatch(choice.pattern, key) for key in cls.looks):
                raise TypeError(f"{cls.__name__}: `looks` are keyed by the values of the template's first field")
        elif cls.look is None:
            raise TypeError(f"{cls.__name__}: a button declares its `look` (or `looks`, one per choice)")

    def __init__(self, *values: Any, label: str | None = None, disabled: bool = False) -> None:
        """The button for `values` (the template's fields, in order) with the class's look; `label` replaces the
        look's label (cut to Discord's 80 characters)."""
        custom_id = self.custom_id_for(*values)  # checks the number of values first
        look = self.looks[values[0]] if self.looks else self.look
        assert look is not None  # checked when the class was made
        button = discord.ui.Button(label=(label or look.label)[:LABEL_MAX], style=look.style, emoji=look.emoji,
                                   custom_id=custom_id, disabled=disabled)
        self.wrap(button, *values)  # type: ignore[arg-type]

    def wrap(self, item: ItemT, *values: Any) -> None:  # type: ignore[misc]  # ItemT is only read back
        """Wrap the component `item`, whose id carries `values`, and keep the values as the item's fields (for a
        select, or a button that builds itself: call this instead of `super().__init__`)."""
        discord.ui.DynamicItem.__init__(self, item)
        for field, value in zip(self.fields, values, strict=True):
            setattr(self, field.name, value)

    @classmethod
    def custom_id_for(cls, *values: object) -> str:
        """The custom id of this item for `values` (its fields, in order), always in the `hearth:` namespace."""
        if len(values) != len(cls.fields):
            raise TypeError(f"{cls.__name__} takes {len(cls.fields)} custom-id values, got {len(values)}")
        parts = [cls._literals[0]]
        for value, literal in zip(values, cls._literals[1:], strict=True):
            parts += [str(value), literal]
        return f"{NAMESPACE}:{cls.prefix}:{''.join(parts)}"

    @classmethod
    def from_match(cls, match: re.Match[str]) -> PersistentItem[ItemT, CogT]:
        """The item for a clicked custom id (the match of the template): its fields parsed with their types."""
        return cls(*(field.type(match[field.name]) for field in cls.fields))

    @classmethod
    def view_of(cls, *values: Any, choices: Iterable[str] | None = None, disabled: bool = False) -> discord.ui.View:
        """A persistent view (no timeout) of this button for `values`: for a choice button one button per
        choice (`choices`, default all of `looks`), with `values` the fields after the choice."""
        view = discord.ui.View(timeout=None)
        if cls.looks:
            for choice in cls.looks if choices is None else choices:
                view.add_item(cls(choice, *values, disabled=disabled))
        else:
            view.add_item(cls(*values, disabled=disabled))
        return view

    @classmethod
    def contract_of(cls, cog: Any) -> CogT:
        """What the item calls: the cog itself, or the part of it the feature declares (override)."""
        return cog  # type: ignore[no-any-return]

    @classmethod
    def usable(cls, interaction: discord.Interaction) -> bool:
        """Whether the item can act where it was clicked (e.g. only in a server); else `unavailable` is said."""
        return True

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> PersistentItem[ItemT, CogT]:
        made = cls.from_match(match)
        cog = interaction.client.get_cog(cls.cog_name)  # type: ignore[attr-defined]
        # Answered here when refused; `interaction_check` then stops discord.py from calling the callback.
        if cog is None or not cls.usable(interaction):
            await send_ephemeral(interaction, cls.unavailable)
        elif (off := await _module_off(interaction, cog)) is not None:
            await send_ephemeral(interaction, off)
        else:
            made.cog = cls.contract_of(cog)
        return made

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:  # type: ignore[override]
        return self.cog is not None

    async def callback(self, interaction: discord.Interaction) -> None:  # type: ignore[override]
        assert self.cog is not None  # `interaction_check` let the click through
        try:
            await self.clicked(interaction, self.cog)
        except Exception as exc:  # a dynamic item's errors would otherwise only be logged by discord.py
            await report_failure(interaction, exc, self.describe())

    async def clicked(self, interaction: discord.Interaction, cog: CogT) -> None:
        """What a click (or a choice in a select) does; raise to tell the member what went wrong."""
        raise NotImplementedError

    def describe(self) -> str:
        """What the item is, for the log of a failure (override to name the item's state)."""
        return self.what


async def _module_off(interaction: discord.Interaction, cog: object) -> str | None:
    """The answer when the item's cog belongs to a module that is off in this guild (None: it is on)."""
    modules = getattr(interaction.client, "modules", None)
    module = modules.of_cog(cog) if modules is not None else None
    if module is None or interaction.guild_id is None or await modules.is_on(interaction.guild_id, module):
        return None
    return ModuleOff(module).message


class ReportingModal(discord.ui.Modal):
    """A modal opened by a persistent item: its failures reach the member as the item's do.

    Subclasses set `what` (for the log) and implement `on_submit`; raising there tells the member."""

    what: ClassVar[str] = "a form"

    async def on_error(self, interaction: discord.Interaction, error: Exception, /) -> None:  # type: ignore[override]
        await report_failure(interaction, error, self.what)

