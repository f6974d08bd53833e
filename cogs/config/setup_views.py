"""The setup wizard's persistent buttons, selects and the time-zone form (their custom ids carry the step, so a
panel keeps working after a restart)."""

from __future__ import annotations

from typing import Any, Protocol

import discord

from cogs.config.setup_steps import COMMON_ZONES, Step
from core.modules import Module
from core.persistent_items import Look, PersistentItem, ReportingModal, choices

_STEP = r"(?P<step>[a-z]+)"


class SetupActions(Protocol):
    """What the wizard's items call on the config cog."""

    async def setup_choose(self, interaction: discord.Interaction, step: str, slot: int, values: list[str]) -> None:
        """A select of `step` was used."""

    async def setup_move(self, interaction: discord.Interaction, step: str, action: str) -> None:
        """Back, next or "Other zone…" on the panel of `step`."""

    async def setup_zone(self, interaction: discord.Interaction, typed: str) -> None:
        """A time zone typed into the form."""


class SetupItem(PersistentItem[Any, SetupActions], cog="Config",
                unavailable="The setup wizard is not available right now, try again later."):
    """The wizard's items: only in a server."""

    @classmethod
    def usable(cls, interaction: discord.Interaction) -> bool:
        return interaction.guild_id is not None


class SetupButton(SetupItem, prefix="setup", template=r"(?P<action>back|next|other):" + _STEP,
                  what="a setup wizard button"):
    """Back, Next (Skip) and Other zone…"""

    action: str
    step: str
    looks = choices(back=Look("Back", discord.ButtonStyle.secondary, "◀️"),
                    next=Look("Next", discord.ButtonStyle.primary, "▶️"),
                    other=Look("Other zone…", discord.ButtonStyle.secondary, "⌨️"))

    async def clicked(self, interaction: discord.Interaction, cog: SetupActions) -> None:
        await cog.setup_move(interaction, self.step, self.action)


class SetupSelect(SetupItem, prefix="setupsel", template=_STEP + r":(?P<slot>\d)", what="a setup wizard choice"):
    """The choice of a step: a time zone, a role, a channel or category, the modules."""

    step: str
    slot: int

    def __init__(self, step: str, slot: int, *, modules: list[tuple[Module, bool]] | None = None,
                 placeholder: str | None = None) -> None:
        custom_id = self.custom_id_for(step, slot)
        select: discord.ui.Item[Any]
        if step == "timezone":
            select = discord.ui.Select(custom_id=custom_id, placeholder="Pick a time zone…",
                                       options=[discord.SelectOption(label=zone, value=zone) for zone in COMMON_ZONES])
        elif step == "staff":
            select = discord.ui.RoleSelect(custom_id=custom_id, placeholder="Pick the staff role…")
        elif step == "tickets":
            select = discord.ui.ChannelSelect(custom_id=custom_id, placeholder="Pick a category…",
                                              channel_types=[discord.ChannelType.category])
        elif step == "modules":
            options = [discord.SelectOption(label=m.label[:100], value=m.name, default=on,
                                            description=m.summary[:100] or None) for m, on in modules or []]
            options = options or [discord.SelectOption(label="…", value="none")]
            select = discord.ui.Select(custom_id=custom_id, placeholder="The modules to keep on…", min_values=0,
                                       max_values=len(options), options=options)
        else:  # logs (two slots) and welcome: a text channel
            select = discord.ui.ChannelSelect(custom_id=custom_id, placeholder=placeholder or "Pick a channel…",
                                              channel_types=[discord.ChannelType.text, discord.ChannelType.news])
        self.wrap(select, step, slot)

    async def clicked(self, interaction: discord.Interaction, cog: SetupActions) -> None:
        values = [str(v) for v in (interaction.data or {}).get("values", [])]  # type: ignore[union-attr]
        await cog.setup_choose(interaction, self.step, self.slot, values)


class ZoneForm(ReportingModal, title="Your server's time zone"):
    """A time zone typed by name (any IANA zone)."""

    what = "the setup wizard's time zone form"
    zone: discord.ui.TextInput[Any] = discord.ui.TextInput(label="Time zone", placeholder="e.g. America/Toronto",
                                                           max_length=64, custom_id="zone")

    def __init__(self, cog: SetupActions) -> None:
        super().__init__()
        self.cog = cog

    async def on_submit(self, interaction: discord.Interaction) -> None:  # type: ignore[override]
        await self.cog.setup_zone(interaction, self.zone.value)


def panel_view(step: Step, modules: list[tuple[Module, bool]], *, first: bool) -> discord.ui.View:
    """The components of `step`'s panel: its selects, then Back / Next."""
    view = discord.ui.View(timeout=None)
    if step.key == "logs":
        view.add_item(SetupSelect("logs", 0, placeholder="Bot notices channel…"))
        view.add_item(SetupSelect("logs", 1, placeholder="Server logs channel…"))
    elif step.key != "done":
        view.add_item(SetupSelect(step.key, 0, modules=modules))
    if step.key == "timezone":
        view.add_item(SetupButton("other", step.key))
    if not first:
        view.add_item(SetupButton("back", step.key))
    if step.key != "done":
        view.add_item(SetupButton("next", step.key))
    return view


ITEMS = (SetupButton, SetupSelect)
