"""`/config custom_commands add|edit|remove|list|show`, for admins (Manage Server, checked at run time).

Attached under the config cog's `/config` group when the custom commands cog loads.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from cogs.custom_commands import repo
from cogs.custom_commands.matching import TRIGGER_MAX, TRIGGER_TYPES, compile_trigger
from cogs.custom_commands.templates import check_template
from utils.config_group import AdminConfigGroup
from utils.errors import BadInput
from utils.mentions import withheld_pings
from utils.paginator import Paginator

if TYPE_CHECKING:
    pass

NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
MAX_COMMANDS = 200
PAGE = 10
TRIGGER_CHOICES = [app_commands.Choice(name=t, value=t) for t in TRIGGER_TYPES]


def validate(values: dict[str, Any]) -> dict[str, Any]:
    """Check a command's trigger and response; raises `BadInput` with the reason."""
    trigger = values["trigger_value"]
    if not trigger or not trigger.strip():
        raise BadInput("The trigger is empty.", example="trigger: !rules")
    if len(trigger) > TRIGGER_MAX:
        raise BadInput(f"The trigger is {len(trigger)} characters long; the limit is {TRIGGER_MAX}.")
    if values["trigger_type"] not in TRIGGER_TYPES:
        raise BadInput(f"Unknown trigger type; use one of {', '.join(TRIGGER_TYPES)}.")
    if values["trigger_type"] == "regex":
        compile_trigger(trigger, values["case_sensitive"])
    check_template(values["response"])
    return values


def _ping_note(response: str | None, interaction: discord.Interaction) -> str:
    """Tell the admin what in the response they set will not ping (they may not mention everyone here)."""
    channel = interaction.channel
    if response is None or not isinstance(channel, discord.abc.GuildChannel | discord.Thread):
        return ""
    withheld = withheld_pings(response, channel, interaction.user)  # type: ignore[arg-type]
    if not withheld:
        return ""
    return (f"\nℹ️ {', '.join(withheld)} will not ping: you may not mention everyone, and a response pings only "
            "what its author and the member who triggers it may both ping.")


def _not_found(name: str) -> BadInput:
    return BadInput(f"There is no custom command `{name}` on this server.", example="/config custom_commands list")


class CustomCommandsGroup(AdminConfigGroup, name="custom_commands", description="Custom commands (admins)"):
    """The `/config custom_commands` subgroup."""

    async def _reply(self, interaction: discord.Interaction, text: str) -> None:
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none())

    @app_commands.command(name="add", description="Add a custom command")
    @app_commands.describe(name="A short name (letters, digits, - and _)", trigger_type="How the trigger matches",
                           trigger="The text (or RE2 pattern) that triggers the command",
                           response="What the bot answers; variables: {user} {user.mention} {user.name} {server} "
                                    "{channel} {uses} {args}",
                           case_sensitive="Match upper/lower case exactly", delete_trigger="Delete the message "
                           "that triggered it", reply_to_user="Answer as a reply (default) or a plain message")
    @app_commands.choices(trigger_type=TRIGGER_CHOICES)
    async def add(self, interaction: discord.Interaction, name: str, trigger_type: str, trigger: str,
                  response: str, case_sensitive: bool = False, delete_trigger: bool = False,
                  reply_to_user: bool = True) -> None:
        name = name.strip().lower()
        if not NAME.match(name):
            raise BadInput("A name is 1–32 lower-case letters, digits, - or _.", example="name: rules")
        values = validate({"name": name, "trigger_type": trigger_type, "trigger_value": trigger, "response": response,
                           "case_sensitive": case_sensitive, "delete_trigger": delete_trigger,
                           "reply_to_user": reply_to_user})
        if await repo.count(self.cog.pool, interaction.guild_id) >= MAX_COMMANDS:
            raise BadInput(f"This server already has {MAX_COMMANDS} custom commands; remove one first.")
        created = await repo.create(self.cog.pool, interaction.guild_id, values, interaction.user.id,
                                    self.cog.bot.clock.now())
        if created is None:
            raise BadInput(f"There is already a custom command `{name}`; edit it or pick another name.",
                           example=f"/config custom_commands edit name:{name}")
        self.cog.cache.invalidate(interaction.guild_id)
        await self._reply(interaction, f"✅ Custom command `{name}` added ({trigger_type}: `{trigger}`)."
                                       + _ping_note(response, interaction))

    @app_commands.command(name="edit", description="Change a custom command")
    @app_commands.choices(trigger_type=TRIGGER_CHOICES)
    async def edit(self, interaction: discord.Interaction, name: str, trigger_type: str | None = None,
                   trigger: str | None = None, response: str | None = None, case_sensitive: bool | None = None,
                   delete_trigger: bool | None = None, reply_to_user: bool | None = None,
                   enabled: bool | None = None) -> None:
        row = await repo.by_name(self.cog.pool, interaction.guild_id, name.strip().lower())
        if row is None:
            raise _not_found(name)
        changes = {"trigger_type": trigger_type, "trigger_value": trigger, "response": response,
                   "case_sensitive": case_sensitive, "delete_trigger": delete_trigger,
                   "reply_to_user": reply_to_user, "enabled": enabled}
        values = {key: row[key] if value is None else value for key, value in changes.items()}
        validate(values)
        await repo.update(self.cog.pool, interaction.guild_id, row["name"], values, self.cog.bot.clock.now(),
                          interaction.user.id if response is not None else None)
        self.cog.cache.invalidate(interaction.guild_id)
        note = _ping_note(response, interaction)
        await self._reply(interaction, f"✅ Custom command `{row['name']}` updated.{note}")

    @app_commands.command(name="remove", description="Delete a custom command")
    async def remove(self, interaction: discord.Interaction, name: str) -> None:
        if not await repo.delete(self.cog.pool, interaction.guild_id, name.strip().lower()):
            raise _not_found(name)
        self.cog.cache.invalidate(interaction.guild_id)
        await self._reply(interaction, f"🗑️ Custom command `{name}` deleted.")

    @app_commands.command(name="list", description="List the custom commands")
    async def list_(self, interaction: discord.Interaction) -> None:
        await self.cog.uses.flush(self.cog.pool)
        rows = await repo.all_commands(self.cog.pool, interaction.guild_id)

        async def page(index: int) -> tuple[discord.Embed, int]:
            embed = discord.Embed(title="Custom commands", colour=discord.Colour.blurple())
            lines = [f"`{r['name']}` · {r['trigger_type']} `{discord.utils.escape_markdown(r['trigger_value'])}`"
                     f" · {r['uses']} use(s){'' if r['enabled'] else ' · disabled'}"
                     for r in rows[index * PAGE:(index + 1) * PAGE]]
            embed.description = "\n".join(lines) or "No custom commands yet."
            return embed, len(rows)

        paginator = Paginator(interaction.user.id, page, PAGE)
        await paginator.send(interaction)

    @app_commands.command(name="show", description="Show one custom command")
    async def show(self, interaction: discord.Interaction, name: str) -> None:
        await self.cog.uses.flush(self.cog.pool)
        row = await repo.by_name(self.cog.pool, interaction.guild_id, name.strip().lower())
        if row is None:
            raise _not_found(name)
        embed = discord.Embed(title=f"Custom command `{row['name']}`", colour=discord.Colour.blurple())
        embed.add_field(name="Trigger", value=f"{row['trigger_type']}: `{row['trigger_value']}`"[:1024])
        embed.add_field(name="Uses", value=str(row["uses"]))
        options = [f"case sensitive: {'yes' if row['case_sensitive'] else 'no'}",
                   f"delete trigger: {'yes' if row['delete_trigger'] else 'no'}",
                   f"reply: {'yes' if row['reply_to_user'] else 'no'}", f"enabled: {'yes' if row['enabled'] else 'no'}"]
        embed.add_field(name="Options", value="\n".join(options), inline=False)
        embed.add_field(name="Response", value=row["response"][:1024], inline=False)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @edit.autocomplete("name")
    @remove.autocomplete("name")
    @show.autocomplete("name")
    async def _names(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        rows = await repo.all_commands(self.cog.pool, interaction.guild_id)
        return [app_commands.Choice(name=r["name"], value=r["name"]) for r in rows
                if current.lower() in r["name"]][:25]
