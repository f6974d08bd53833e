"""`/growthcheckin` (a modal, then a short coaching reply from the AI, private with a Share button) and
`/growthhistory` (one's own check-ins on this server, paged, with deletion of one's own).

Check-ins are charged to the member's daily AI quota and limited to one per `CHECKIN_COOLDOWN` seconds per member
(a refused or failed AI call gives the use back); the blunt style is for premium members. The `gpt` settings
scope (model, temperature, on/off) belongs to the AI cog.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Literal

import discord
from discord import app_commands

from cogs.companion.api import CompanionApi
from cogs.growth import repo
from cogs.growth.texts import (
    GOAL_LIMIT,
    PREMIUM_STYLE_REFUSAL,
    REPLY_LIMIT,
    history_embed,
    private_reply,
    public_post,
    trim,
)
from cogs.growth.views import CheckinModal, ShareCheckinButton, shared_view
from cogs.premium.api import premium_of
from core.cog_base import HearthCog
from gpt.context import REFLECTION_DAYS, REFLECTION_LIMIT, reflection_lines
from gpt.cooldown import llm_cooldown
from gpt.prompts import PREMIUM_STYLES, growth_checkin_messages
from gpt.service import LLMService
from utils.cooldowns import Cooldown
from utils.errors import BadInput, UserFacingError
from utils.paginator import Paginator

log = logging.getLogger(__name__)

HISTORY_PAGE = 5
REPLY_MAX_TOKENS = 400
CHECKIN_COOLDOWN = 60.0  # seconds between two check-ins of one member on one server


def _clean(text: str | None) -> str | None:
    """Collapse blank input to None, keep line breaks the member typed."""
    text = (text or "").strip()
    return text or None


class GrowthCog(HearthCog, name="Growth"):
    """Growth check-ins with AI coaching."""

    pool_size = 3
    persistent_items = (ShareCheckinButton,)

    llm: LLMService
    cooldown: Cooldown

    async def load(self) -> None:
        self.llm = LLMService.from_bot(self.bot, self.pool, premium=premium_of(self.bot))
        self.cooldown = Cooldown(1, CHECKIN_COOLDOWN, self.bot.clock, what="growth check-ins")

    async def unload(self) -> None:
        await self.llm.close()

    # --- /growthcheckin --------------------------------------------------------------------------------

    @app_commands.command(name="growthcheckin", description="Check in on a goal and get a short coaching reply")
    @app_commands.describe(style="gentle (default) or blunt (premium)")
    @app_commands.guild_only()
    async def growthcheckin(self, interaction: discord.Interaction,
                            style: Literal["gentle", "blunt"] = "gentle") -> None:
        guild_id, user_id = interaction.guild_id, interaction.user.id
        assert guild_id is not None  # guild_only
        # Refuse before the modal, so nobody types a check-in that cannot be answered.
        await self.llm.guild_options(guild_id)
        if style in PREMIUM_STYLES and await premium_of(self.bot).tier(user_id, guild_id) is None:
            raise UserFacingError(PREMIUM_STYLE_REFUSAL)
        await self.llm.ensure_ready(guild_id, user_id)
        self.cooldown.check((guild_id, user_id))  # counted when the form comes back (see complete_checkin)
        await interaction.response.send_modal(CheckinModal(self, style))

    async def complete_checkin(self, interaction: discord.Interaction, goal: str, obstacle: str | None,
                               feeling: str | None, style: str) -> None:
        """After the modal: ask the AI (charged to the member), store the check-in, answer privately."""
        guild_id, user = interaction.guild_id, interaction.user
        assert guild_id is not None
        clean_goal = _clean(goal)
        if clean_goal is None:
            raise BadInput("Your goal is empty: write what you want to move forward on.")
        clean_obstacle, clean_feeling = _clean(obstacle), _clean(feeling)
        now = self.bot.clock.now()
        reflections = await self._reflections(user.id, now)
        messages = growth_checkin_messages(trim(clean_goal, GOAL_LIMIT), clean_obstacle, clean_feeling, style,
                                           reflections)
        with llm_cooldown(self.cooldown, (guild_id, user.id)):
            answer = await self.llm.ask(messages, guild_id=guild_id, user_id=user.id, max_tokens=REPLY_MAX_TOKENS)
        reply = trim(answer, REPLY_LIMIT)
        checkin_id = await repo.insert_checkin(self.pool, guild_id, user.id, clean_goal, clean_obstacle,
                                               clean_feeling, style, reply, now)
        log.info("Growth check-in #%d by user %s in guild %s (%s, %d reflection(s) as context)",
                 checkin_id, user.id, guild_id, style, len(reflections))
        await interaction.followup.send(private_reply(checkin_id, style, reply),
                                        view=ShareCheckinButton.view_of(checkin_id), ephemeral=True)

    async def _reflections(self, user_id: int, now: datetime) -> list[str]:
        """The member's own recent reflections as prompt lines; none when the companion cog is not loaded."""
        companion = self.bot.apis.get(CompanionApi)
        if companion is None:
            return []
        found = await companion.recent_reflections(user_id, now, days=REFLECTION_DAYS, limit=REFLECTION_LIMIT)
        return reflection_lines((reflection.content, reflection.created_at) for reflection in found)

    async def share_checkin(self, interaction: discord.Interaction, checkin_id: int) -> None:
        """Post the member's own check-in to the channel, once, without pinging anyone."""
        guild_id, user = interaction.guild_id, interaction.user
        if guild_id is None:
            raise UserFacingError("Check-ins can only be shared in a server.")
        row = await repo.mark_shared(self.pool, guild_id, user.id, checkin_id)
        if row is None:
            existing = await repo.get_checkin(self.pool, guild_id, user.id, checkin_id)
            raise UserFacingError("You already shared this check-in." if existing is not None
                                  else "This check-in no longer exists (or is not yours).")
        await interaction.response.edit_message(view=shared_view())
        try:
            await interaction.followup.send(public_post(user, row), allowed_mentions=discord.AllowedMentions.none())
        except BaseException:
            await repo.unmark_shared(self.pool, guild_id, user.id, checkin_id)
            raise

    # --- /growthhistory --------------------------------------------------------------------------------

    @app_commands.command(name="growthhistory", description="Your growth check-ins on this server")
    @app_commands.describe(delete="The number (#) of one of your check-ins to delete")
    @app_commands.guild_only()
    async def growthhistory(self, interaction: discord.Interaction,
                            delete: app_commands.Range[int, 1, 2_147_483_647] | None = None) -> None:
        guild_id, user_id = interaction.guild_id, interaction.user.id
        assert guild_id is not None
        if delete is not None:
            if not await repo.delete_checkin(self.pool, guild_id, user_id, delete):
                raise BadInput(f"You have no check-in #{delete} on this server.", example="/growthhistory")
            await interaction.response.send_message(f"🗑️ Deleted your check-in #{delete}.", ephemeral=True)
            return

        if not await repo.count_checkins(self.pool, guild_id, user_id):
            await interaction.response.send_message(
                "You have no growth check-ins on this server yet. Start one with `/growthcheckin`.", ephemeral=True)
            return

        async def page(index: int) -> tuple[discord.Embed, int]:
            rows, total = await repo.page_of_checkins(self.pool, guild_id, user_id, HISTORY_PAGE,
                                                      index * HISTORY_PAGE)
            return history_embed(rows, total), total

        await Paginator(user_id, page, HISTORY_PAGE).send(interaction)
