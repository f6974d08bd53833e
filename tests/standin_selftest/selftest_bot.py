"""A small discord.py bot exercising what the stand-in must support."""

from __future__ import annotations

import io
import re
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands


class ClaimButton(discord.ui.DynamicItem[discord.ui.Button], template=r"ticket:claim:(?P<ticket>\d+)"):
    """A persistent button that survives restarts (custom_id carries the state)."""

    def __init__(self, ticket: int) -> None:
        super().__init__(discord.ui.Button(label="Claim", custom_id=f"ticket:claim:{ticket}"))
        self.ticket = ticket

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ClaimButton:
        return cls(int(match["ticket"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"ticket {self.ticket} claimed by {interaction.user.name}")


class FeedbackModal(discord.ui.Modal, title="Feedback"):
    """Modal with two text inputs."""

    subject = discord.ui.TextInput(label="Subject", custom_id="subject")
    body = discord.ui.TextInput(label="Body", custom_id="body", style=discord.TextStyle.long, required=False)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"thanks: {self.subject.value} / {self.body.value or '-'}")


class PanelView(discord.ui.View):
    """Non-persistent view with a button, a string select, a user select and a modal opener."""

    def __init__(self) -> None:
        super().__init__(timeout=600)

    @discord.ui.button(label="Confirm", custom_id="panel:confirm", style=discord.ButtonStyle.success)
    async def confirm(self, interaction: discord.Interaction, button: discord.ui.Button[PanelView]) -> None:
        button.disabled = True
        await interaction.response.edit_message(content=f"confirmed by {interaction.user.name}", view=self)

    @discord.ui.select(
        custom_id="panel:colour",
        placeholder="Colour",
        options=[discord.SelectOption(label="Red", value="red"), discord.SelectOption(label="Blue", value="blue")],
    )
    async def colour(self, interaction: discord.Interaction, select: discord.ui.Select[PanelView]) -> None:
        await interaction.response.send_message(f"colour={select.values[0]}", ephemeral=True)

    @discord.ui.select(cls=discord.ui.UserSelect, custom_id="panel:who", placeholder="Who")
    async def who(self, interaction: discord.Interaction, select: discord.ui.UserSelect[PanelView]) -> None:
        await interaction.response.send_message(f"picked {select.values[0].name}", ephemeral=True)

    @discord.ui.button(label="Refresh", custom_id="panel:refresh")
    async def refresh(self, interaction: discord.Interaction, button: discord.ui.Button[PanelView]) -> None:
        await interaction.response.defer()
        await interaction.edit_original_response(content="refreshed")
        await interaction.followup.send("refresh done", ephemeral=True)

    @discord.ui.button(label="Feedback", custom_id="panel:feedback")
    async def feedback(self, interaction: discord.Interaction, button: discord.ui.Button[PanelView]) -> None:
        await interaction.response.send_modal(FeedbackModal())


KEYS = ["timezone", "time_format", "language", "welcome_channel"]


class Config(app_commands.Group, name="config", description="Configuration"):
    """``/config set`` and ``/config channel assign`` (a subcommand group)."""

    channel = app_commands.Group(name="channel", description="Channel settings")

    @app_commands.command(name="set", description="Set a key")
    async def set_(
        self,
        interaction: discord.Interaction,
        scope: Literal["system", "user"],
        key: str,
        value: str,
    ) -> None:
        await interaction.response.send_message(f"{scope}.{key}={value}", ephemeral=True)

    @set_.autocomplete("key")
    async def key_autocomplete(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=k, value=k) for k in KEYS if k.startswith(current)]

    @channel.command(name="assign", description="Assign a channel")
    async def assign(
        self,
        interaction: discord.Interaction,
        target: discord.TextChannel,
        role: discord.Role,
        member: discord.Member,
        count: int,
        ratio: float,
        enabled: bool,
        file: discord.Attachment | None = None,
    ) -> None:
        data = await file.read() if file else b""
        parts = [target.name, role.name, member.name, count + 1, ratio * 2, enabled, file and file.filename, data]
        await interaction.response.send_message("|".join(str(p) for p in parts))


class SelfTestBot(commands.Bot):
    """The bot under test."""

    def __init__(self, *, sync: bool = True) -> None:
        intents = discord.Intents.default()
        intents.members = True
        intents.message_content = True
        super().__init__(command_prefix="!", intents=intents)
        self.sync_on_start = sync
        self.events: list[tuple[str, Any]] = []

    async def setup_hook(self) -> None:
        self.add_dynamic_items(ClaimButton)
        self.tree.add_command(Config())
        for cmd in (ping, export, slow, panel, ticket, makechannel, longpost, dm, boom, giverole, timeout, bigembed):
            self.tree.add_command(cmd)
        self.tree.add_command(report_message)
        self.tree.add_command(inspect_user)
        if self.sync_on_start:
            await self.tree.sync()

    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot:
            return
        self.events.append(("message", message.content))
        if message.content == "hello" or self.user in message.mentions:
            files = [await a.to_file() for a in message.attachments]
            await message.reply(f"hello {message.author.name} ({len(files)} files)", files=files)

    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        self.events.append(("reaction_add", str(payload.emoji)))
        if str(payload.emoji) == "⭐" and payload.user_id != self.user.id:  # type: ignore[union-attr]
            channel = self.get_channel(payload.channel_id)
            message = await channel.fetch_message(payload.message_id)  # type: ignore[union-attr]
            await message.add_reaction("👀")
            await channel.send(f"starred {payload.message_id}")  # type: ignore[union-attr]

    async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        self.events.append(("reaction_remove", str(payload.emoji)))

    async def on_member_join(self, member: discord.Member) -> None:
        self.events.append(("join", member.name))
        general = discord.utils.get(member.guild.text_channels, name="general")
        if general is not None:
            await general.send(f"welcome {member.mention} (#{member.guild.member_count})")

    async def on_member_remove(self, member: discord.Member) -> None:
        self.events.append(("leave", member.name))

    async def on_message_edit(self, before: discord.Message, after: discord.Message) -> None:
        self.events.append(("edit", after.content))

    async def on_message_delete(self, message: discord.Message) -> None:
        self.events.append(("delete", message.content))


@app_commands.command(description="Ephemeral pong")
async def ping(interaction: discord.Interaction) -> None:
    await interaction.response.send_message("pong", ephemeral=True)


@app_commands.command(description="Deferred answer with followups")
async def slow(interaction: discord.Interaction) -> None:
    await interaction.response.defer(thinking=True)
    await interaction.followup.send("step 1")
    await interaction.followup.send("secret", ephemeral=True)
    await interaction.edit_original_response(content="done")


@app_commands.command(description="Export as a file")
async def export(interaction: discord.Interaction) -> None:
    file = discord.File(io.BytesIO(b"a,b\n1,2\n"), filename="export.csv")
    await interaction.response.send_message("here", file=file, ephemeral=True)


@app_commands.command(description="Post the panel")
async def panel(interaction: discord.Interaction) -> None:
    await interaction.response.send_message("panel", view=PanelView())


@app_commands.command(description="Open a ticket")
async def ticket(interaction: discord.Interaction, number: int) -> None:
    view = discord.ui.View(timeout=None)
    view.add_item(ClaimButton(number))
    assert isinstance(interaction.channel, discord.TextChannel)
    await interaction.channel.send(f"ticket {number}", view=view)
    await interaction.response.send_message("opened", ephemeral=True)


@app_commands.command(description="Create a channel")
async def makechannel(interaction: discord.Interaction, name: str) -> None:
    assert interaction.guild is not None
    channel = await interaction.guild.create_text_channel(name, reason="asked nicely")
    await interaction.response.send_message(f"created {channel.mention}")


@app_commands.command(description="Too long")
async def longpost(interaction: discord.Interaction) -> None:
    await interaction.response.send_message("x" * 2001)


@app_commands.command(description="Too big")
async def bigembed(interaction: discord.Interaction, fields: int) -> None:
    embed = discord.Embed(title="big")
    for i in range(fields):
        embed.add_field(name=f"f{i}", value="v")
    await interaction.response.send_message(embed=embed)


@app_commands.command(description="DM someone")
async def dm(interaction: discord.Interaction, user: discord.User, text: str) -> None:
    await user.send(text)
    await interaction.response.send_message("sent", ephemeral=True)


@app_commands.command(description="Crash")
async def boom(interaction: discord.Interaction) -> None:
    raise RuntimeError("kaboom")


@app_commands.command(description="Give a role")
async def giverole(interaction: discord.Interaction, member: discord.Member, role: discord.Role) -> None:
    await member.add_roles(role, reason="giverole")
    await interaction.response.send_message(f"gave {role.name}")


@app_commands.command(description="Time out")
async def timeout(interaction: discord.Interaction, member: discord.Member, minutes: int) -> None:
    import datetime

    await member.timeout(datetime.timedelta(minutes=minutes), reason="calm down")
    await interaction.response.send_message("timed out")


@app_commands.context_menu(name="Report message")
async def report_message(interaction: discord.Interaction, message: discord.Message) -> None:
    await interaction.response.send_message(f"reported {message.id}: {message.content}", ephemeral=True)


@app_commands.context_menu(name="Inspect user")
async def inspect_user(interaction: discord.Interaction, user: discord.Member) -> None:
    await interaction.response.send_message(f"{user.name} has {len(user.roles)} roles", ephemeral=True)
