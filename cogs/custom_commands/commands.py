"""`/config custom_commands add|edit|remove|list|show`, for admins (Manage Server, checked at run time).

Attached under the config cog's `/config` group when the custom commands cog loads.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from cogs.custom_commands import repo
from cogs.custom_commands.api import Saved, not_found, ping_note
from cogs.custom_commands.matching import TRIGGER_TYPES
from utils.config_group import AdminConfigGroup
from utils.paginator import Paginator

PAGE = 10
TRIGGER_CHOICES = [app_commands.Choice(name=t, value=t) for t in TRIGGER_TYPES]


def _where(interaction: discord.Interaction) -> Any:
    """The channel the response's pings are judged in (the one the command is used in), else server-wide."""
    channel = interaction.channel
    return channel if isinstance(channel, discord.abc.GuildChannel | discord.Thread) else None


def _note(saved: Saved) -> str:
    note = ping_note(saved.withheld)
    return f"\nℹ️ {note}" if note else ""


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
        saved = await self.cog.api.add(interaction.user, name=name, trigger_type=trigger_type, trigger=trigger,
                                       response=response, case_sensitive=case_sensitive,
                                       delete_trigger=delete_trigger, reply_to_user=reply_to_user,
                                       where=_where(interaction))
        await self._reply(interaction, f"✅ Custom command `{saved.command.name}` added ({trigger_type}: `{trigger}`)."
                                       + _note(saved))

    @app_commands.command(name="edit", description="Change a custom command")
    @app_commands.choices(trigger_type=TRIGGER_CHOICES)
    async def edit(self, interaction: discord.Interaction, name: str, trigger_type: str | None = None,
                   trigger: str | None = None, response: str | None = None, case_sensitive: bool | None = None,
                   delete_trigger: bool | None = None, reply_to_user: bool | None = None,
                   enabled: bool | None = None) -> None:
        changes = {"trigger_type": trigger_type, "trigger_value": trigger, "response": response,
                   "case_sensitive": case_sensitive, "delete_trigger": delete_trigger,
                   "reply_to_user": reply_to_user, "enabled": enabled}
        saved = await self.cog.api.edit(interaction.user, name, changes, where=_where(interaction))
        await self._reply(interaction, f"✅ Custom command `{saved.command.name}` updated.{_note(saved)}")

    @app_commands.command(name="remove", description="Delete a custom command")
    async def remove(self, interaction: discord.Interaction, name: str) -> None:
        await self.cog.api.remove(interaction.user, name)
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
            raise not_found(name)
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
