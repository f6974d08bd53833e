"""OG claims: `/og setup` posts a message with a Claim button; the first `engagement.og_limit` members get the
OG role (`engagement.og_role`, optional) and the `og` badge, one claim each. Claims of a guild are serialised on
its `engagement_og_setup` row (SELECT … FOR UPDATE), so concurrent clicks give exactly N claims. The message shows
the count; its edits are coalesced per guild so the last edit always shows the final count."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Protocol

import discord
from discord import app_commands

from cogs.engagement import repo
from cogs.engagement.contract import MixinMeta
from cogs.engagement.settings import ENGAGEMENT_OG_LIMIT, ENGAGEMENT_OG_ROLE, SCOPE
from core.guild_kit import post_to_log
from core.persistent_items import Look, PersistentItem
from utils.errors import BadInput, missing_permission_message, permission_name

log = logging.getLogger(__name__)


class Claims(Protocol):
    """What the Claim button calls on the engagement cog (`OGMixin` provides it)."""

    async def claim_og(self, interaction: discord.Interaction) -> None:
        """One member's claim, answered privately."""


class OGClaimButton(PersistentItem[discord.ui.Button[Any], Claims], template=r"claim", cog="Engagement", prefix="og",
                    what="the OG claim button",
                    unavailable="OG claims are not available right now, try again later."):
    """The Claim button; persistent, so it works after restarts (the guild comes from the interaction)."""

    look = Look("Claim OG", discord.ButtonStyle.success, "🏅")

    async def clicked(self, interaction: discord.Interaction, cog: Claims) -> None:
        await cog.claim_og(interaction)


OG_ITEMS = (OGClaimButton,)


def og_embed(count: int, limit: int, role_id: int | None) -> discord.Embed:
    prize = f"the <@&{role_id}> role and the 🏅 OG badge" if role_id else "the 🏅 OG badge"
    embed = discord.Embed(title="🏅 Claim your OG spot", colour=discord.Colour.gold(),
                          description=f"The first **{limit}** members to click get {prize}. One claim per member.")
    embed.add_field(name="Claimed", value=f"**{min(count, limit)}/{limit}**" + (" — all spots are taken!"
                                                                               if count >= limit else ""))
    return embed


class OGMixin(MixinMeta):
    """/og setup and the claim button; mixed into the engagement cog."""

    og = app_commands.Group(name="og", description="OG claims (admins)", guild_only=True,
                            default_permissions=discord.Permissions(manage_guild=True))

    @og.command(name="setup", description="Post the OG claim message with its button")
    @app_commands.describe(channel="Where to post it (default: here)")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def og_setup(self, interaction: discord.Interaction,
                       channel: discord.TextChannel | None = None) -> None:
        guild = interaction.guild
        target = channel or interaction.channel
        if not isinstance(target, discord.TextChannel):
            raise BadInput("Pick a text channel for the claim message.", example="/og setup channel:#welcome")
        allowed = target.permissions_for(guild.me)
        missing = [permission_name(p) for p in ("view_channel", "send_messages", "embed_links")
                   if not getattr(allowed, p)]
        if missing:
            raise BadInput(f"I can't post in {target.mention}: I'm missing **{', '.join(missing)}** there.")
        limit = await self.bot.guild_settings.setting(guild.id, ENGAGEMENT_OG_LIMIT)
        role_id = await self.bot.guild_settings.setting(guild.id, ENGAGEMENT_OG_ROLE)
        warning = ""
        role = guild.get_role(role_id) if role_id else None
        if role_id and (role is None or role >= guild.me.top_role or not guild.me.guild_permissions.manage_roles):
            warning = ("\n⚠️ I can't give the OG role: it must exist and be below my highest role, and I need "
                       "**Manage Roles**. Claims still record the badge.")
        count = await repo.og_count(self.pool, guild.id)
        message = await target.send(embed=og_embed(count, limit, role_id),
                                    view=OGClaimButton.view_of(disabled=count >= limit),
                                    allowed_mentions=discord.AllowedMentions.none())
        await repo.save_og_setup(self.pool, guild.id, target.id, message.id, self.bot.clock.now())
        await interaction.response.send_message(
            f"✅ The OG claim message is in {target.mention} ({count}/{limit} claimed so far).{warning}",
            ephemeral=True)

    async def claim_og(self, interaction: discord.Interaction) -> None:
        guild = interaction.guild
        member = interaction.user
        limit = await self.bot.guild_settings.setting(guild.id, ENGAGEMENT_OG_LIMIT)
        now = self.bot.clock.now()
        async with self.pool.acquire() as conn, conn.transaction():
            setup = await repo.og_setup(conn, guild.id, lock=True)  # one claim at a time per guild
            if setup is None or setup["message_id"] != interaction.message.id:
                reply = "This claim message is no longer active."
                number = None
            elif await repo.og_claimed(conn, guild.id, member.id):
                reply, number = "You already claimed your OG spot. 🏅", None
            else:
                count = await repo.og_count(conn, guild.id)
                if count >= limit:
                    reply, number = f"Sorry, all {limit} OG spots are taken.", None
                else:
                    await repo.og_claim(conn, guild.id, member.id, now)
                    await repo.award_badges(conn, guild.id, [member.id], "og", now)
                    number = count + 1
                    reply = f"🏅 You're OG #{number} of {limit}!"
        if number is not None:
            reply += await self._give_og_role(guild, member)
        await interaction.response.send_message(reply, ephemeral=True)
        if number is not None:
            await self.refresh_og_message(guild)

    async def _give_og_role(self, guild: discord.Guild, member: discord.Member) -> str:
        role_id = await self.bot.guild_settings.setting(guild.id, ENGAGEMENT_OG_ROLE)
        role = guild.get_role(role_id) if role_id else None
        if role_id is None:
            return ""
        if role is None:
            return " (The OG role no longer exists; tell an admin.)"
        # Checked again now, against whoever set engagement.og_role (the log channel is told once why not).
        refusal = await self.bot.role_grants.setting_refusal(guild, role, SCOPE, "og_role")
        if refusal is not None:
            return "\n" + refusal.member_text(role)
        try:
            await member.add_roles(role, reason="Hearth: OG claim")
        except discord.Forbidden as exc:
            await post_to_log(self.bot, guild, content=f"⚠️ {member.mention} claimed OG but I could not give "
                              f"{role.mention}: {missing_permission_message(exc)}")
            return " (I couldn't give you the role; the admins were told.)"
        return f" You now have the **{discord.utils.escape_markdown(role.name)}** role."

    async def refresh_og_message(self, guild: discord.Guild) -> None:
        """Show the current count on the claim message. Concurrent calls coalesce: while one edit runs, others
        only mark the message dirty, and the running one edits again with a fresh count."""
        self._og_dirty.add(guild.id)
        lock = self._og_locks.setdefault(guild.id, asyncio.Lock())
        if lock.locked():
            return
        async with lock:
            while guild.id in self._og_dirty:
                self._og_dirty.discard(guild.id)
                setup = await repo.og_setup(self.pool, guild.id)
                channel = guild.get_channel(setup["channel_id"]) if setup else None
                if not isinstance(channel, discord.TextChannel):
                    return
                count = await repo.og_count(self.pool, guild.id)
                limit = await self.bot.guild_settings.setting(guild.id, ENGAGEMENT_OG_LIMIT)
                role_id = await self.bot.guild_settings.setting(guild.id, ENGAGEMENT_OG_ROLE)
                try:
                    await channel.get_partial_message(setup["message_id"]).edit(
                        embed=og_embed(count, limit, role_id), view=OGClaimButton.view_of(disabled=count >= limit))
                except discord.HTTPException as exc:
                    log.info("Guild %s: could not update the OG claim message: %s", guild.id, exc)
