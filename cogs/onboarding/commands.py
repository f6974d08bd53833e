"""`/config onboarding …`: rules, questions, follow-ups, role mapping, preview, the Start panel and the CSV export,
for admins (Manage Server, checked at run time).

The group is attached under the config cog's `/config` group when the onboarding cog loads (and detached when it
unloads), so the commands are `/config onboarding rule_add`, not a top-level `/onboarding`.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from cogs.onboarding import repo
from cogs.onboarding.editing import OnboardingEditor
from cogs.onboarding.export import responses_csv
from cogs.onboarding.flow import (
    QUESTION_TYPES,
    Question,
    Rule,
    parse_languages,
    personal_questions,
)
from cogs.onboarding.settings import (
    ONBOARDING_COMPLETION_ROLE,
    ONBOARDING_JOIN_ROLE,
    ONBOARDING_LANGUAGES,
    ONBOARDING_MODE,
    ONBOARDING_PERSONALISATION,
    ONBOARDING_STAFF_CHANNEL,
    ONBOARDING_WELCOME_CHANNEL,
    ONBOARDING_WELCOME_TEXT,
)
from cogs.onboarding.views import panel_message, rule_embed
from utils.config_group import AdminConfigGroup
from utils.errors import BadInput, UserFacingError, missing_permission_message
from utils.options import RowId

if TYPE_CHECKING:
    pass

TYPE_CHOICES = [app_commands.Choice(name=t, value=t) for t in QUESTION_TYPES]
PREVIEW_RULES = 8


def _describe_question(q: Question) -> str:
    flags = [q.type, "required" if q.required else "optional"]
    if not q.enabled:
        flags.append("**disabled**")
    line = f"**Q{q.id}** {discord.utils.escape_markdown(q.text)} ({', '.join(flags)})"
    options = ", ".join(str(o["label"]) + (f" → <@&{o['role_id']}>" if o.get("role_id") else "") for o in q.options)
    if options:
        line += f"\n  options: {options}"
    for f in q.followup_questions():
        line += f"\n  ↳ **{f.key}** if `{f.when}`: {discord.utils.escape_markdown(f.text)} ({f.type})"
    return line


def _describe_rule(r: Rule) -> str:
    state = "" if r.enabled else " (**disabled**)"
    pictures = " 🖼️" if r.thumbnail_url or r.image_url else ""
    return f"**R{r.id}** {discord.utils.escape_markdown(r.title)}{state}{pictures}"


class OnboardingCommands(AdminConfigGroup, name="onboarding", description="New-member onboarding (admins)"):
    """The `/config onboarding` subgroup; `self.cog` is the onboarding cog."""

    # --- helpers ---------------------------------------------------------------------------------------

    @property
    def pool(self) -> Any:
        return self.cog.pool

    @property
    def editor(self) -> OnboardingEditor:
        """The one code path of changes (shared with the dashboard through `OnboardingApi.editor`)."""
        return OnboardingEditor(self.cog)

    @staticmethod
    async def _reply(interaction: discord.Interaction, text: str) -> None:
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none())

    # --- overview --------------------------------------------------------------------------------------

    @app_commands.command(name="list", description="The onboarding settings, rules and questions in order")
    async def list_(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(embed=await self._overview(interaction.guild), ephemeral=True,
                                                allowed_mentions=discord.AllowedMentions.none())

    async def _overview(self, guild: discord.Guild) -> discord.Embed:
        setting = self.cog.bot.guild_settings.setting
        mode = await setting(guild.id, ONBOARDING_MODE)
        rules = await repo.rules(self.pool, guild.id)
        questions = await repo.questions(self.pool, guild.id)
        embed = discord.Embed(title="Onboarding", colour=discord.Colour.teal(),
                              description=f"Mode: **{mode}** (`/config set scope:onboarding key:mode`)")
        embed.add_field(name=f"Rules ({len(rules)})", inline=False,
                        value="\n".join(_describe_rule(r) for r in rules)[:1024] or "None yet: `rule_add`.")
        embed.add_field(name=f"Questions ({len(questions)})", inline=False,
                        value="\n".join(_describe_question(q) for q in questions)[:1024] or "None yet: `question_add`.")
        personal = await setting(guild.id, ONBOARDING_PERSONALISATION)
        languages = ", ".join(parse_languages(await setting(guild.id, ONBOARDING_LANGUAGES)))
        embed.add_field(name="Personalisation", inline=False,
                        value=f"personalised content, preferred language ({languages}, other)" if personal else "off")
        roles = []
        for spec, label in ((ONBOARDING_JOIN_ROLE, "join role (removed at the end)"),
                            (ONBOARDING_COMPLETION_ROLE, "completion role")):
            role_id = await setting(guild.id, spec)
            roles.append(f"{label}: {f'<@&{role_id}>' if role_id else 'not set'}")
        for spec, label in ((ONBOARDING_WELCOME_CHANNEL, "welcome channel"),
                            (ONBOARDING_STAFF_CHANNEL, "staff channel")):
            channel_id = await setting(guild.id, spec)
            roles.append(f"{label}: {f'<#{channel_id}>' if channel_id else 'not set'}")
        embed.add_field(name="Roles and channels", value="\n".join(roles), inline=False)
        return embed

    @app_commands.command(name="preview", description="See the flow as a new member will (nothing is saved)")
    async def preview(self, interaction: discord.Interaction) -> None:
        guild = interaction.guild
        mode = await self.cog.bot.guild_settings.setting(guild.id, ONBOARDING_MODE)
        rules = [r for r in await repo.rules(self.pool, guild.id) if r.enabled]
        questions = [q for q in await repo.questions(self.pool, guild.id) if q.enabled]
        personal = (personal_questions(parse_languages(
                        await self.cog.bot.guild_settings.setting(guild.id, ONBOARDING_LANGUAGES)))
                    if await self.cog.bot.guild_settings.setting(guild.id, ONBOARDING_PERSONALISATION) else [])
        steps: list[str] = []
        embeds: list[discord.Embed] = []
        if mode in ("rules", "rules_questions"):
            for r in rules:
                steps.append(f"📜 Rule: {r.title} → **I accept**")
            embeds = [rule_embed(r, f"Rule {i} of {len(rules)}") for i, r in enumerate(rules[:PREVIEW_RULES], 1)]
        if mode in ("questions", "rules_questions"):
            for q in [*questions, *personal]:
                kind = {"select": "pick one", "multiselect": "pick any", "text": "text box",
                        "email": "email address"}[q.type]
                options = f": {', '.join(str(o['label']) for o in q.options)}" if q.options else ""
                steps.append(f"❓ {q.text} ({kind}{'' if q.required else ', optional'}){options}")
                steps += [f"  ↳ if **{q.label(str(f.when))}**: {f.text} ({f.type})" for f in q.followup_questions()]
        steps.append("🎉 Done: completion role and mapped roles given, join role removed, summary to the staff.")
        if mode == "disabled":
            steps = ["Onboarding is **disabled**: new members see nothing. Set `onboarding.mode` to turn it on."]
        lines, number = [], 0
        for step in steps:  # follow-ups (indented) share their question's number
            if not step.startswith("  "):
                number += 1
                step = f"{number}. {step}"
            lines.append(step)
        overview = discord.Embed(title="Onboarding preview", colour=discord.Colour.teal(),
                                 description="\n".join(lines)[:4096])
        await interaction.response.send_message(embeds=[overview, *embeds], ephemeral=True,
                                                allowed_mentions=discord.AllowedMentions.none())

    @app_commands.command(name="panel", description="Post the Start panel (for members whose DMs are closed)")
    @app_commands.describe(channel="Where to post it (default: the onboarding welcome channel)")
    async def panel(self, interaction: discord.Interaction, channel: discord.TextChannel | None = None) -> None:
        guild = interaction.guild
        if channel is None:
            channel_id = await self.cog.bot.guild_settings.setting(guild.id, ONBOARDING_WELCOME_CHANNEL)
            channel = guild.get_channel(channel_id) if channel_id else None  # type: ignore[assignment]
        if not isinstance(channel, discord.TextChannel):
            raise BadInput("Give a channel, or set the welcome channel first.",
                           example="/config set scope:onboarding key:welcome_channel channel:#welcome")
        embed, view = panel_message(guild,
                                    await self.cog.bot.guild_settings.setting(guild.id, ONBOARDING_WELCOME_TEXT))
        try:
            await channel.send(embed=embed, view=view)
        except discord.Forbidden as exc:
            raise UserFacingError(missing_permission_message(exc)) from None
        await self._reply(interaction, f"✅ Start panel posted in {channel.mention}.")

    @app_commands.command(name="export", description="Download this server's onboarding answers as CSV")
    async def export(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        guild = interaction.guild
        rows = await repo.all_responses(self.pool, guild.id)
        names = {m.id: str(m) for row in rows if (m := guild.get_member(row["user_id"])) is not None}
        data = responses_csv(rows, await repo.rules(self.pool, guild.id), await repo.questions(self.pool, guild.id),
                             names)
        file = discord.File(io.BytesIO(data), filename=f"onboarding-{guild.id}.csv")
        await interaction.followup.send(f"{len(rows)} member(s) exported. The file holds personal data: keep it "
                                        "private and delete it when done.", file=file, ephemeral=True)

    @app_commands.command(name="reset", description="Forget a member's answers so they go through onboarding again")
    async def reset(self, interaction: discord.Interaction, member: discord.Member) -> None:
        if not await repo.reset(self.pool, interaction.guild_id, member.id):
            raise BadInput(f"{member.mention} has no onboarding answers on this server.")
        await self._reply(interaction, f"🗑️ {member.mention}'s onboarding answers were deleted; they can press "
                                       "**Start** to go through it again.")

    # --- rules ---------------------------------------------------------------------------------------

    @app_commands.command(name="rule_add", description="Add a rule (shown last) that members must accept")
    @app_commands.describe(thumbnail="Image URL shown top right", image="Image URL shown at the bottom")
    async def rule_add(self, interaction: discord.Interaction, title: app_commands.Range[str, 1, 256],
                       description: app_commands.Range[str, 1, 4000], thumbnail: str | None = None,
                       image: str | None = None) -> None:
        rule = await self.editor.add_rule(interaction.user, title, description, thumbnail, image)
        await self._reply(interaction, f"✅ Added rule {_describe_rule(rule)} at position {rule.order}.")

    @app_commands.command(name="rule_edit", description="Change a rule (only what you give; '-' removes an image)")
    @app_commands.describe(rule="Rule number (R…, see list)", thumbnail="Image URL shown top right, - to remove",
                           image="Image URL shown at the bottom, - to remove")
    async def rule_edit(self, interaction: discord.Interaction, rule: RowId,
                        title: app_commands.Range[str, 1, 256] | None = None,
                        description: app_commands.Range[str, 1, 4000] | None = None,
                        thumbnail: str | None = None, image: str | None = None) -> None:
        saved = await self.editor.edit_rule(interaction.user, rule, title, description, thumbnail, image)
        await self._reply(interaction, f"✅ Updated rule {_describe_rule(saved)}.")

    @app_commands.command(name="rule_delete", description="Delete a rule")
    async def rule_delete(self, interaction: discord.Interaction, rule: RowId) -> None:
        found = await self.editor.delete_rule(interaction.user, rule)
        await self._reply(interaction, f"🗑️ Deleted rule R{rule} ({found.title}).")

    @app_commands.command(name="rule_move", description="Move a rule to another position (1 = first)")
    async def rule_move(self, interaction: discord.Interaction, rule: RowId,
                        position: app_commands.Range[int, 1, 100]) -> None:
        where = await self.editor.move(interaction.user, "rules", rule, position)
        await self._reply(interaction, f"↕️ Rule R{rule} is now number {where}.")

    @app_commands.command(name="rule_enable", description="Show (true) or hide (false) a rule in the onboarding")
    async def rule_enable(self, interaction: discord.Interaction, rule: RowId, enabled: bool) -> None:
        r = await self.editor.enable_rule(interaction.user, rule, enabled)
        await self._reply(interaction, f"{'✅ Enabled' if enabled else '⏸️ Disabled'} rule R{rule} ({r.title}).")

    # --- questions -----------------------------------------------------------------------------------

    @app_commands.command(name="question_add", description="Add a question (asked last)")
    @app_commands.describe(text="The question", type="select: pick one · multiselect: pick any · text · email",
                           options="select/multiselect: comma-separated, Label or Label=value",
                           required="Whether members must answer (default yes)")
    @app_commands.choices(type=TYPE_CHOICES)
    async def question_add(self, interaction: discord.Interaction, text: app_commands.Range[str, 1, 256],
                           type: str, options: str | None = None, required: bool = True) -> None:
        q = await self.editor.add_question(interaction.user, text, type, options, required)
        await self._reply(interaction, f"✅ Added question {_describe_question(q)}")

    @app_commands.command(name="question_edit", description="Change a question (only what you give)")
    @app_commands.describe(question="Question number (Q…, see list)", options="Replaces all options "
                           "(roles stay mapped to options with the same value)")
    @app_commands.choices(type=TYPE_CHOICES)
    async def question_edit(self, interaction: discord.Interaction, question: RowId,
                            text: app_commands.Range[str, 1, 256] | None = None, type: str | None = None,
                            options: str | None = None, required: bool | None = None) -> None:
        saved = await self.editor.edit_question(interaction.user, question, text, type, options, required)
        await self._reply(interaction, f"✅ Updated question {_describe_question(saved)}")

    @app_commands.command(name="question_delete", description="Delete a question (members' answers stay in exports)")
    async def question_delete(self, interaction: discord.Interaction, question: RowId) -> None:
        q = await self.editor.delete_question(interaction.user, question)
        await self._reply(interaction, f"🗑️ Deleted question Q{question} ({q.text}).")

    @app_commands.command(name="question_move", description="Move a question to another position (1 = first)")
    async def question_move(self, interaction: discord.Interaction, question: RowId,
                            position: app_commands.Range[int, 1, 100]) -> None:
        where = await self.editor.move(interaction.user, "questions", question, position)
        await self._reply(interaction, f"↕️ Question Q{question} is now number {where}.")

    @app_commands.command(name="question_enable", description="Ask (true) or stop asking (false) a question")
    async def question_enable(self, interaction: discord.Interaction, question: RowId, enabled: bool) -> None:
        await self.editor.enable_question(interaction.user, question, enabled)
        await self._reply(interaction, f"{'✅ Enabled' if enabled else '⏸️ Disabled'} question Q{question}.")

    @app_commands.command(name="followup_add", description="Add a question asked only after a given answer")
    @app_commands.describe(question="The select/multiselect question (Q…)", when="The option value that triggers it",
                           text="The follow-up question", options="select/multiselect: comma-separated options")
    @app_commands.choices(type=TYPE_CHOICES)
    async def followup_add(self, interaction: discord.Interaction, question: RowId, when: str,
                           text: app_commands.Range[str, 1, 256], type: str, options: str | None = None,
                           required: bool = True) -> None:
        saved, followup_id = await self.editor.add_followup(interaction.user, question, when, text, type, options,
                                                            required)
        await self._reply(interaction, f"✅ Added follow-up {question}.{followup_id}: {_describe_question(saved)}")

    @app_commands.command(name="followup_remove", description="Remove a follow-up question")
    @app_commands.describe(question="The question (Q…)", followup="The follow-up id, e.g. f1")
    async def followup_remove(self, interaction: discord.Interaction, question: RowId, followup: str) -> None:
        await self.editor.remove_followup(interaction.user, question, followup)
        await self._reply(interaction, f"🗑️ Removed follow-up {question}.{followup}.")

    @app_commands.command(name="role_map", description="Give a role to members who choose an option (no role = unmap)")
    @app_commands.describe(question="The select/multiselect question (Q…)", option="The option value",
                           role="The role to give (leave out to remove the mapping)",
                           followup="For a follow-up's option: its id, e.g. f1")
    async def role_map(self, interaction: discord.Interaction, question: RowId, option: str,
                       role: discord.Role | None = None, followup: str | None = None) -> None:
        await self.editor.map_role(interaction.user, question, option, role, followup)
        where = f"Q{question}{'.' + followup if followup else ''} `{option}`"
        await self._reply(interaction, f"✅ {where} → {role.mention}." if role else f"✅ {where} gives no role now.")

    # --- autocomplete --------------------------------------------------------------------------------

    @rule_edit.autocomplete("rule")
    @rule_delete.autocomplete("rule")
    @rule_move.autocomplete("rule")
    @rule_enable.autocomplete("rule")
    async def _rule_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[int]]:
        rules = await repo.rules(self.pool, interaction.guild_id)
        return [app_commands.Choice(name=f"R{r.id} {r.title}"[:100], value=r.id) for r in rules
                if current.lower() in f"r{r.id} {r.title}".lower()][:25]

    @question_edit.autocomplete("question")
    @question_delete.autocomplete("question")
    @question_move.autocomplete("question")
    @question_enable.autocomplete("question")
    @followup_add.autocomplete("question")
    @followup_remove.autocomplete("question")
    @role_map.autocomplete("question")
    async def _question_choices(self, interaction: discord.Interaction,
                                current: str) -> list[app_commands.Choice[int]]:
        questions = await repo.questions(self.pool, interaction.guild_id)
        return [app_commands.Choice(name=f"Q{q.id} {q.text}"[:100], value=q.id) for q in questions
                if current.lower() in f"q{q.id} {q.text}".lower()][:25]
