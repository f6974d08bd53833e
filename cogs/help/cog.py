"""`/help`: the commands this member may use here (module on, the server's permission rules, Discord permissions,
each command's own checks: the same question the command tree asks before running one), grouped by module and
paginated; `/help command:` shows one command's usage and the page of the admin guide about it."""

from __future__ import annotations

import discord
from discord import app_commands

from cogs.help.catalogue import Entry, entries, usage
from core.cog_base import HearthCog
from core.command_tree import may_run
from utils.errors import BadInput
from utils.paginator import Paginator

PAGE = 20  # commands per page
DOCS_HINT = "the admin guide in Hearth's repository (docs/{page})"


class HelpCog(HearthCog, name="Help"):
    """What members may use, and how."""

    async def runnable(self, interaction: discord.Interaction) -> list[Entry]:
        """The commands and menus the member of `interaction` may use where it happens."""
        every = entries(self.bot.tree, self.bot.modules)
        return [entry for entry in every if await may_run(interaction, entry.command)]

    def docs_link(self, page: str) -> str:
        """Where the admin guide's `page` is: the published docs (DOCS_URL) or its path in the repository."""
        base = self.bot.config.docs_url
        return f"{base.rstrip('/')}/{page}" if base else DOCS_HINT.format(page=page)

    @app_commands.command(name="help", description="The commands you can use here, or how to use one")
    @app_commands.describe(command="One command to explain (e.g. tag get)")
    async def help(self, interaction: discord.Interaction, command: str | None = None) -> None:
        allowed = await self.runnable(interaction)
        if command is not None:
            await self._one(interaction, command, allowed)
            return
        if not allowed:
            await interaction.response.send_message("There are no commands you can use here.", ephemeral=True)
            return
        lines: list[str] = []
        heading = None
        for entry in allowed:
            if entry.group != heading:
                heading = entry.group
                lines.append(f"**{heading}**")
            lines.append(f"`{entry.name}` {entry.description}")

        async def page(index: int) -> tuple[discord.Embed, int]:
            chunk = lines[index * PAGE:(index + 1) * PAGE]
            text = "\n".join(chunk)[:3900] + "\n\n*`/help command:<name>` explains one command.*"
            embed = discord.Embed(title="What you can use here", description=text, colour=discord.Colour.blurple())
            return embed, len(lines)

        await Paginator(interaction.user.id, page, PAGE).send(interaction)

    async def _one(self, interaction: discord.Interaction, typed: str, allowed: list[Entry]) -> None:
        wanted = typed.strip().lstrip("/").lower()
        every = entries(self.bot.tree, self.bot.modules)
        match = next((e for e in every if e.name.lstrip("/").lower() == wanted
                      or getattr(e.command, "name", "").lower() == wanted), None)
        if match is None:
            raise BadInput(f"There is no command `/{typed.strip().lstrip('/')}`. `/help` lists what you can use.",
                           example="/help command:tag get")
        embed = discord.Embed(title=match.name, description=match.description or None,
                              colour=discord.Colour.blurple())
        embed.add_field(name="Usage", value=usage(match.command)[:1024], inline=False)
        if match not in allowed:
            embed.add_field(name="Here", value="You can't use it here (a permission, a server rule or a module that "
                            "is off). `/help` lists what you can use.", inline=False)
        page = match.module.docs if match.module is not None else "README.md"
        embed.add_field(name="More", value=f"See {self.docs_link(page)}.", inline=False)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @help.autocomplete("command")
    async def _choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        wanted = current.strip().lstrip("/").lower()
        return [app_commands.Choice(name=e.name[:100], value=e.name.lstrip("/")[:100])
                for e in await self.runnable(interaction)
                if wanted in e.name.lower()][:25]

