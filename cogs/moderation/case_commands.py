"""`/warn`, `/case show|reason|delete`, `/cases`, `/warnings list|remove` and `/note add|list|remove`: the case
log by hand. Moderators (`checks.MODERATORS`) use them; deleting a case is for admins (`checks.CASE_ADMINS`)."""

from __future__ import annotations

from typing import Any, Literal

import discord
from discord import app_commands

from cogs.automod.api import AutomodApi
from cogs.moderation import repo
from cogs.moderation.cases import TITLES, Case, embed_of
from cogs.moderation.checks import CASE_ADMINS, MODERATORS
from cogs.moderation.contract import MixinMeta
from utils.errors import BadInput, UserFacingError
from utils.options import RowId
from utils.paginator import Paginator

PAGE = 10
NOTE_LIMIT = 1000
NOT_MODERATOR = ("Only moderators can do that: Timeout Members, Kick Members, Ban Members or Manage Server, or "
                 "the server's staff role.")
CaseType = Literal["warn", "timeout", "untimeout", "kick", "ban", "tempban", "softban", "unban", "mute", "unmute",
                   "server_brake", "server_brake_lifted"]
Points = app_commands.Range[float, 0, 100]
Reason = app_commands.Range[str, 1, 1000]


class CaseCommands(MixinMeta):
    """The case log and notes; mixed into the moderation cog."""

    case = app_commands.Group(name="case", description="One moderation case (moderators)", guild_only=True,
                              default_permissions=discord.Permissions(moderate_members=True))
    warnings_group = app_commands.Group(name="warnings", description="A member's warnings (moderators)",
                                        guild_only=True,
                                        default_permissions=discord.Permissions(moderate_members=True))
    note = app_commands.Group(name="note", description="Private moderator notes (moderators)", guild_only=True,
                              default_permissions=discord.Permissions(moderate_members=True))

    async def _case(self, guild_id: int, number: int) -> Case:
        case = await self.cases.get(guild_id, number)
        if case is None or case.deleted_at is not None:
            raise BadInput(f"There is no case #{number} on this server.", example="/cases")
        return case

    # --- warn ----------------------------------------------------------------------------------------------

    @app_commands.command(name="warn", description="Warn a member (a numbered case; moderators)")
    @app_commands.describe(user="Who to warn", reason="Why (they are told by DM)",
                           points="Warning points (they add up towards automatic escalation)")
    @app_commands.guild_only()
    @app_commands.default_permissions(moderate_members=True)
    async def warn(self, interaction: discord.Interaction, user: discord.User, reason: Reason,
                   points: Points = 1.0) -> None:
        await self.warn_member(interaction, user, reason, points)

    async def warn_member(self, interaction: discord.Interaction, user: discord.abc.User, reason: str,
                          points: float, evidence: dict[str, Any] | None = None) -> Case:
        """Record a warning (with its evidence), tell the member, answer the moderator."""
        moderator = await self.require(interaction, MODERATORS, NOT_MODERATOR)
        guild = interaction.guild
        assert guild is not None
        target = user if isinstance(user, discord.Member) else guild.get_member(user.id)
        if target is None:
            raise UserFacingError(f"{user.mention} is not on this server, so I can't warn them.")
        if target.bot or target.id == moderator.id or target.id == guild.owner_id:
            raise UserFacingError(f"I can't warn {target.mention}: "
                                  + ("bots aren't warned." if target.bot else "you can't warn yourself."
                                     if target.id == moderator.id else "they own the server."))
        if moderator.id != guild.owner_id and target.top_role >= moderator.top_role:
            raise UserFacingError(f"You can't warn {target.mention}: their highest role {target.top_role.mention} "
                                  f"is at or above yours ({moderator.top_role.mention}).")
        await interaction.response.defer(ephemeral=True, thinking=True)
        note = await self.tell_member(guild, target, "warn", reason)
        case = await self.cases.record(guild, "warn", target_id=target.id, moderator_id=moderator.id, reason=reason,
                                       points=points, evidence=evidence)
        text = f"⚠️ Case #{case.number}: warned {target.mention} ({points:g} point{'s' if points != 1 else ''})."
        # One escalation engine: the points join automod's decaying total (without automod, nothing escalates).
        automod = self.bot.apis.get(AutomodApi)
        if automod is not None and points > 0:
            escalated = await automod.add_points(guild, target, points, reason, case.number)
            if escalated is not None:
                text += f"\n⏫ The points reached an escalation step: {escalated.describe()}."
        await interaction.followup.send(text + (f"\n{note}" if note else ""), ephemeral=True,
                                        allowed_mentions=discord.AllowedMentions.none())
        return case

    # --- /case ---------------------------------------------------------------------------------------------

    @case.command(name="show", description="Show a case")
    @app_commands.describe(number="The case number")
    async def case_show(self, interaction: discord.Interaction, number: RowId) -> None:
        await self.require(interaction, MODERATORS, NOT_MODERATOR)
        case = await self._case(interaction.guild_id, number)
        embed = embed_of(case)
        history = await repo.edits(self.pool, case.guild_id, number)
        if history:
            embed.add_field(name="Reason changes", inline=False, value="\n".join(
                f"{discord.utils.format_dt(row['edited_at'], 'd')} <@{row['edited_by']}>: "
                f"“{(row['old_reason'] or '')[:80]}” → “{(row['new_reason'] or '')[:80]}”"
                for row in history[-5:])[:1024])
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @case.command(name="reason", description="Change a case's reason (the log message follows)")
    @app_commands.describe(number="The case number", reason="The new reason")
    async def case_reason(self, interaction: discord.Interaction, number: RowId, reason: Reason) -> None:
        moderator = await self.require(interaction, MODERATORS, NOT_MODERATOR)
        guild = interaction.guild
        async with self.pool.acquire() as conn, conn.transaction():
            row = await repo.edit_reason(conn, guild.id, number, reason.strip(), moderator.id,
                                         self.bot.clock.now())
        if row is None:
            raise BadInput(f"There is no case #{number} on this server.", example="/cases")
        problem = await self.cases.refresh(guild, Case.of(row))
        await interaction.response.send_message(
            f"✏️ Case #{number}: reason changed (the old one is kept in `/case show`)."
            + (f"\nThe mod log was not updated: {problem}." if problem else ""), ephemeral=True)

    @case.command(name="delete", description="Delete a case (admins; it is kept, hidden)")
    @app_commands.describe(number="The case number", reason="Why it is deleted")
    async def case_delete(self, interaction: discord.Interaction, number: RowId, reason: str | None = None) -> None:
        await self.require(interaction, MODERATORS, NOT_MODERATOR)  # the /case group's rule first, as for the others
        admin = await self.require(interaction, CASE_ADMINS, "Only admins (Manage Server) can delete cases.")
        await self._delete(interaction, admin, number, reason, None)

    async def _delete(self, interaction: discord.Interaction, by: discord.Member, number: int, reason: str | None,
                      only_type: str | None) -> None:
        guild = interaction.guild
        row = await repo.soft_delete(self.pool, guild.id, number, by.id, reason, self.bot.clock.now(),
                                     only_type=only_type)
        if row is None:
            what = "warning" if only_type == "warn" else "case"
            raise BadInput(f"There is no {what} #{number} on this server.",
                           example="/warnings list" if only_type else "/cases")
        await interaction.response.defer(ephemeral=True, thinking=True)
        points = ""
        automod = self.bot.apis.get(AutomodApi)
        if row["points"] and automod is not None and await automod.remove_points(guild, number):
            points = " Its points no longer count towards escalation."
        problem = await self.cases.refresh(guild, Case.of(row))
        await interaction.followup.send(
            f"🗑️ {TITLES[row['type']]} #{number} deleted: it no longer counts, and stays in the record as deleted."
            + points + (f"\nThe mod log was not updated: {problem}." if problem else ""), ephemeral=True)

    # --- listings ------------------------------------------------------------------------------------------

    @app_commands.command(name="cases", description="List cases, by member, moderator or type (moderators)")
    @app_commands.describe(user="Cases of this member", moderator="Cases by this moderator", type="Only this type")
    @app_commands.guild_only()
    @app_commands.default_permissions(moderate_members=True)
    async def cases_list(self, interaction: discord.Interaction, user: discord.User | None = None,
                         moderator: discord.User | None = None, type: CaseType | None = None) -> None:
        await self.require(interaction, MODERATORS, NOT_MODERATOR)
        await self.send_cases(interaction, user.id if user else None, moderator.id if moderator else None, type)

    async def send_cases(self, interaction: discord.Interaction, target_id: int | None, moderator_id: int | None,
                         type_: str | None) -> None:
        """Answer with the matching cases, paginated."""
        guild_id = interaction.guild_id

        async def page(index: int) -> tuple[discord.Embed, int]:
            rows, total = await repo.page(self.pool, guild_id, target_id=target_id, moderator_id=moderator_id,
                                          type_=type_, limit=PAGE, offset=index * PAGE)
            filters = [f"<@{target_id}>" if target_id else "", f"by <@{moderator_id}>" if moderator_id else "",
                       TITLES[type_].lower() + "s" if type_ else ""]
            embed = discord.Embed(title=f"Cases ({total})", colour=discord.Colour.blurple(),
                                  description=(" ".join(f for f in filters if f) + "\n\n" if any(filters) else "")
                                  + ("\n".join(Case.of(row).line() for row in rows) or "No cases."))
            return embed, total

        await Paginator(interaction.user.id, page, PAGE).send(interaction)

    @warnings_group.command(name="list", description="A member's warnings and points")
    @app_commands.describe(user="The member")
    async def warnings_list(self, interaction: discord.Interaction, user: discord.User) -> None:
        await self.require(interaction, MODERATORS, NOT_MODERATOR)
        rows = [Case.of(row) for row in await repo.warnings(self.pool, interaction.guild_id, user.id)]
        total = sum(case.points for case in rows)
        embed = discord.Embed(title=f"Warnings of {user.display_name}"[:256], colour=discord.Colour.gold(),
                              description="\n".join(case.line() for case in rows[:25])[:4000] or "No warnings.")
        embed.set_footer(text=f"{len(rows)} warning(s), {total:g} point(s) in all")
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @warnings_group.command(name="remove", description="Remove a warning (it no longer counts)")
    @app_commands.describe(number="The warning's case number", reason="Why")
    async def warnings_remove(self, interaction: discord.Interaction, number: RowId,
                              reason: str | None = None) -> None:
        moderator = await self.require(interaction, MODERATORS, NOT_MODERATOR)
        await self._delete(interaction, moderator, number, reason, "warn")

    # --- notes ---------------------------------------------------------------------------------------------

    @note.command(name="add", description="Add a private note about a member (not a case)")
    @app_commands.describe(user="The member", text="The note (only moderators see it)")
    async def note_add(self, interaction: discord.Interaction, user: discord.User,
                       text: app_commands.Range[str, 1, NOTE_LIMIT]) -> None:
        moderator = await self.require(interaction, MODERATORS, NOT_MODERATOR)
        note_id = await repo.add_note(self.pool, interaction.guild_id, user.id, moderator.id, text.strip(),
                                      self.bot.clock.now())
        await interaction.response.send_message(f"📝 Note {note_id} added about {user.mention}.", ephemeral=True,
                                                allowed_mentions=discord.AllowedMentions.none())

    @note.command(name="list", description="The notes about a member")
    @app_commands.describe(user="The member")
    async def note_list(self, interaction: discord.Interaction, user: discord.User) -> None:
        await self.require(interaction, MODERATORS, NOT_MODERATOR)
        guild_id = interaction.guild_id

        async def page(index: int) -> tuple[discord.Embed, int]:
            rows, total = await repo.notes_page(self.pool, guild_id, user.id, PAGE, index * PAGE)
            lines = [f"**{row['id']}** {discord.utils.format_dt(row['created_at'], 'd')} "
                     f"<@{row['author_id']}>: {discord.utils.escape_markdown(row['text'])[:300]}" for row in rows]
            return discord.Embed(title=f"Notes about {user.display_name}"[:256], colour=discord.Colour.greyple(),
                                 description="\n".join(lines)[:4000] or "No notes."), total

        await Paginator(interaction.user.id, page, PAGE).send(interaction)

    @note.command(name="remove", description="Delete a note")
    @app_commands.describe(note_id="The note's number (from /note list)")
    async def note_remove(self, interaction: discord.Interaction, note_id: RowId) -> None:
        await self.require(interaction, MODERATORS, NOT_MODERATOR)
        removed = await repo.remove_note(self.pool, interaction.guild_id, note_id)
        if removed is None:
            raise BadInput(f"There is no note {note_id} on this server.", example="/note list user:@someone")
        await interaction.response.send_message(f"🗑️ Note {note_id} deleted.", ephemeral=True)
