"""The one base for persistent buttons and selects (`discord.ui.DynamicItem`s) and for the modals they open.

A persistent item carries what it acts on in its custom_id, so it keeps working after a restart. Every such
item of Hearth derives from `PersistentItem`, which owns what each of them used to write by hand:

- **The custom id.** Ids live under `hearth:<prefix>:…`; `custom_id_for(...)` builds one and the class template
  is the part after the prefix. Ids that older versions posted under another namespace (`legacy=`) keep
  working when clicked, since messages already on Discord keep their ids forever.
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
from typing import Any, ClassVar, Generic, TypeVar

import discord

from core.command_tree import report_failure, send_ephemeral

NAMESPACE = "hearth"
ItemT = TypeVar("ItemT", bound="discord.ui.Item[Any]", covariant=True)  # the wrapped button or select
CogT = TypeVar("CogT")  # what the item calls: the cog's declared contract

UNAVAILABLE = "This is not available right now, try again later."


# discord.py wants a template on every subclass: the base's matches nothing and is never registered.
class PersistentItem(discord.ui.DynamicItem[ItemT], Generic[ItemT, CogT], template=r"(?!)"):
    """A button or select that survives restarts, resolves its cog once and reports failures like a command.

    A feature declares its items' common part once, without a template::

        class TicketItem(PersistentItem[ItemT, TicketActions], cog="Tickets",
                         unavailable="Tickets are not available right now, try again later."): ...

    and each item gives its prefix and the rest of its id as a regular expression::

        class TicketButton(TicketItem[discord.ui.Button[Any]], prefix="ticket",
                           template=r"(?P<action>claim|close):(?P<id>\\d+)"):
            def __init__(self, action: str, ticket_id: int) -> None:
                super().__init__(discord.ui.Button(label=action, custom_id=self.custom_id_for(action, ticket_id)))
                self.action, self.ticket_id = action, ticket_id

            @classmethod
            def from_match(cls, match: re.Match[str]) -> TicketButton:
                return cls(match["action"], int(match["id"]))

            async def clicked(self, interaction: discord.Interaction, cog: TicketActions) -> None:
                await cog.button(interaction, self.action, self.ticket_id)
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
        namespaces = [re.escape(f"{NAMESPACE}:{cls.prefix}")]
        if cls.legacy:
            namespaces.append(re.escape(cls.legacy))
        super().__init_subclass__(template=f"(?:{'|'.join(namespaces)}):(?:{template})", **kwargs)

    @classmethod
    def custom_id_for(cls, *parts: object) -> str:
        """The custom id of this item for `parts`, always in the `hearth:` namespace."""
        return ":".join((NAMESPACE, cls.prefix, *(str(part) for part in parts)))

    @classmethod
    def from_match(cls, match: re.Match[str]) -> PersistentItem[ItemT, CogT]:
        """The item for a clicked custom id (the match of the template). Override when the id carries state."""
        return cls()  # type: ignore[call-arg]

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
        if cog is not None and cls.usable(interaction):
            made.cog = cls.contract_of(cog)
        else:  # answered here; `interaction_check` then stops discord.py from calling the callback
            await send_ephemeral(interaction, cls.unavailable)
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


class ReportingModal(discord.ui.Modal):
    """A modal opened by a persistent item: its failures reach the member as the item's do.

    Subclasses set `what` (for the log) and implement `on_submit`; raising there tells the member."""

    what: ClassVar[str] = "a form"

    async def on_error(self, interaction: discord.Interaction, error: Exception, /) -> None:  # type: ignore[override]
        await report_failure(interaction, error, self.what)

