"""Welcome, farewell and ban messages (`delivery`), with the welcome card (`card`), and `/welcome` for admins:
`setup` (where a kind of message goes and what it says), `card` (on or off) and `test` (a private preview).

Everything is also a setting (`/config set scope:welcome …`); `/welcome setup` writes the same settings through the
same checks, several at once. Admins only: `default_permissions(manage_guild)` hides `/welcome` from others and the
cog's check refuses anyone without Manage Server (Discord lets server admins change who sees a command).
"""

from __future__ import annotations

import io
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from cogs.welcome.card import CARD_NAME
from cogs.welcome.delivery import Welcomer
from cogs.welcome.messages import LABELS, TEMPLATE_MAX
from cogs.welcome.settings import BAN_TO, KIND_SETTINGS, SCOPE, SETTINGS, WELCOME_CARD
from core.cog_base import HearthCog
from core.modules import declare
from core.setting_values import set_checked
from utils.errors import BadInput

log = logging.getLogger(__name__)

Kind = Literal["welcome", "farewell", "ban"]
SendTo = Literal["channel", "dm", "both", "off"]
NONE = discord.AllowedMentions.none()


class WelcomeCog(HearthCog, name="Welcome"):
    """Greets members who join, says goodbye to those who leave, announces bans."""

    settings = SETTINGS
    module = declare("welcome", "Welcome", docs="welcome.md", summary="welcome and goodbye messages")

    welcome = app_commands.Group(
        name="welcome", description="Welcome, farewell and ban messages (admins)", guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True))

    def __init__(self, bot: Any) -> None:
        super().__init__(bot)
        # Cards are drawn in a thread of their own: a busy default executor never delays a welcome.
        self.drawing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="welcome-cards")
        self.welcomer = Welcomer(bot, self.drawing)

    async def unload(self) -> None:
        self.drawing.shutdown(wait=False, cancel_futures=True)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:  # type: ignore[override]
        if not interaction.permissions.manage_guild:
            raise app_commands.MissingPermissions(["manage_guild"])
        return True

    # --- members joining and leaving -----------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_member_join(self, member: discord.Member) -> None:
        await self.welcomer.deliver("welcome", member.guild, member)

    @commands.Cog.listener()
    async def on_member_ban(self, guild: discord.Guild, user: discord.Member | discord.User) -> None:
        self.welcomer.note_ban(guild.id, user.id)  # before any await: the leave that follows finds it
        await self.welcomer.deliver("ban", guild, user)

    @commands.Cog.listener()
    async def on_member_remove(self, member: discord.Member) -> None:
        guild = member.guild
        if self.welcomer.was_banned(guild.id, member.id) and \
                await self.bot.guild_settings.setting(guild.id, BAN_TO) != "off":
            return  # the ban message says it
        await self.welcomer.deliver("farewell", guild, member)

    # --- /welcome ------------------------------------------------------------------------------------------------

    @welcome.command(name="setup", description="Where a kind of message goes and what it says")
    @app_commands.describe(kind="Which message", send_to="Post it in a channel, send it by DM, both, or turn it off",
                           channel="Its channel (farewell and ban default to the welcome channel)",
                           message="Its template: {member.mention} {member.name} {server} {count} {inviter}")
    async def setup(self, interaction: discord.Interaction, kind: Kind, send_to: SendTo | None = None,
                    channel: discord.TextChannel | None = None,
                    message: app_commands.Range[str, 1, TEMPLATE_MAX] | None = None) -> None:
        guild = interaction.guild
        assert guild is not None and isinstance(interaction.user, discord.Member)
        specs = KIND_SETTINGS[kind]
        values = {specs.to.key: send_to, specs.channel.key: channel and channel.id, specs.message.key: message}
        if all(value is None for value in values.values()):
            raise BadInput("Give at least one of `send_to`, `channel` or `message`.",
                           example=f"/welcome setup kind:{kind} send_to:channel channel:#welcome")
        # The same checks as /config set (the template's placeholders, the channel's kind), all or nothing.
        changes = await set_checked(self.bot, guild, interaction.user, SCOPE, values)
        changed = ", ".join(f"`{change.spec.key}`" for change in changes)
        lines = [f"✅ {LABELS[kind].capitalize()}: {changed} saved." if changes else "Nothing changed.",
                 *await self.welcomer.setup_notes(kind, guild),
                 f"Preview it with `/welcome test kind:{kind}`."]
        await interaction.response.send_message("\n".join(lines)[:2000], ephemeral=True, allowed_mentions=NONE)

    @welcome.command(name="card", description="Attach an image card to welcome messages, or not")
    @app_commands.describe(enabled="True: welcomes carry the card (avatar, name, member number)")
    async def card(self, interaction: discord.Interaction, enabled: bool) -> None:
        guild = interaction.guild
        assert guild is not None and isinstance(interaction.user, discord.Member)
        await set_checked(self.bot, guild, interaction.user, SCOPE, {WELCOME_CARD.key: enabled})
        lines = [f"✅ The welcome card is {'on' if enabled else 'off'}.",
                 *[note for note in await self.welcomer.setup_notes("welcome", guild) if note.startswith("⚠️")]]
        await interaction.response.send_message("\n".join(lines)[:2000], ephemeral=True, allowed_mentions=NONE)

    @welcome.command(name="test", description="Preview a message privately, as you would get it (pings nobody)")
    @app_commands.describe(kind="Which message (default: welcome)")
    async def test(self, interaction: discord.Interaction, kind: Kind = "welcome") -> None:
        guild = interaction.guild
        assert guild is not None and isinstance(interaction.user, discord.Member)
        await interaction.response.defer(ephemeral=True, thinking=True)  # the card takes a moment
        preview = await self.welcomer.preview(kind, guild, interaction.user)
        embed = discord.Embed(title=f"Preview of the {LABELS[kind]}", colour=discord.Colour.blurple(),
                              description="\n".join(preview.notes)[:4096])
        extra = {"file": discord.File(io.BytesIO(preview.card), CARD_NAME)} if preview.card is not None else {}
        await interaction.followup.send(preview.post.content, embed=embed, ephemeral=True, allowed_mentions=NONE,
                                        **extra)
