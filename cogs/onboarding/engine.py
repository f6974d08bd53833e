"""The member flow: what happens on join, on Start, on every answer, and at the end.

Every click reloads the member's state from the database (rules, questions, saved responses), checks that it
answers the member's current step, saves the answer at once and shows the next step in the same message.
So a member can stop and resume at any time, on the DM or the welcome-channel message, before or after a
restart.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import discord
from email_validator import EmailNotValidError, validate_email

from cogs.gdpr.api import GdprApi
from cogs.onboarding import repo
from cogs.onboarding.flow import (
    COMPLETED,
    LANGUAGE,
    Question,
    Rule,
    Step,
    current_step,
    describe_answer,
    mapped_roles,
    parse_languages,
    personal_questions,
    visible_items,
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
from cogs.onboarding.views import (
    AnswerModal,
    done_embed,
    intro_message,
    is_other_language,
    language_other_question,
    step_message,
)
from core.channel_access import ChannelBlocked
from core.guild_kit import post_to_log

if TYPE_CHECKING:
    from core.cog_base import HearthCog

log = logging.getLogger(__name__)
GDPR_FIRST = ("🔒 This server asks you to accept its **data agreement** before onboarding. Find it in the server, "
              "accept it, then press **Start** again.")


@dataclass(frozen=True)
class Grant:
    """A role onboarding gives, who configured it (checked again when it is given) and where (for the log)."""

    role_id: int | None
    setter_id: int | None
    source: str


@dataclass
class RoleOutcome:
    """What giving and taking onboarding roles went like."""

    problems: list[str] = field(default_factory=list)  # Discord refused, a role is gone: for the staff each time
    refused: list[str] = field(default_factory=list)  # role safety said no (the log channel was told once)
    member_notes: list[str] = field(default_factory=list)  # what the member is told about refused roles


@dataclass
class Flow:
    """One member's onboarding on one guild, as loaded for a click."""

    guild: discord.Guild
    member: discord.Member
    mode: str
    items: list[Rule | Question]
    responses: dict[str, Any]
    rules: list[Rule]
    questions: list[Question]
    personal: list[Question]

    @property
    def completed(self) -> bool:
        return COMPLETED in self.responses

    @property
    def step(self) -> Step | None:
        return current_step(self.items, self.responses)

    def update(self, responses: dict[str, Any]) -> None:
        """New responses: follow-ups may appear or disappear."""
        self.responses = responses
        self.items = visible_items(self.mode, self.rules, self.questions, self.personal, responses)


class Engine:
    """The member-facing half of the onboarding cog (of which it uses only the bot and the pool)."""

    def __init__(self, cog: HearthCog) -> None:
        self.cog = cog
        self.bot = cog.bot

    def _now(self) -> Any:
        return self.bot.clock.now()

    def _naive(self) -> Any:
        return self._now().replace(tzinfo=None)  # the columns are timestamp without time zone, in UTC

    async def load(self, guild: discord.Guild, member: discord.Member) -> Flow:
        """The member's flow on `guild`, from the database and the guild's settings."""
        pool = self.cog.pool
        mode = await self.bot.guild_settings.setting(guild.id, ONBOARDING_MODE)
        rules = await repo.rules(pool, guild.id)
        questions = await repo.questions(pool, guild.id)
        personal = (personal_questions(parse_languages(
                        await self.bot.guild_settings.setting(guild.id, ONBOARDING_LANGUAGES)))
                    if await self.bot.guild_settings.setting(guild.id, ONBOARDING_PERSONALISATION) else [])
        responses = await repo.responses(pool, guild.id, member.id)
        items = visible_items(mode, rules, questions, personal, responses)
        return Flow(guild, member, mode, items, responses, rules, questions, personal)

    async def _gdpr_pending(self, guild_id: int, user_id: int) -> bool:
        agreement = self.bot.apis.get(GdprApi)  # None when the GDPR cog is not loaded: nothing to wait for
        return agreement is not None and await agreement.acceptance_pending(guild_id, user_id)

    # --- joining -----------------------------------------------------------------------------------------

    async def on_join(self, member: discord.Member) -> None:
        """Give the join role and send the welcome with Start: by DM, or in the welcome channel if DMs are closed."""
        guild = member.guild
        if member.bot or await self.bot.guild_settings.setting(guild.id, ONBOARDING_MODE) == "disabled":
            return
        flow = await self.load(guild, member)
        if flow.completed:  # a returning member who finished before: give the roles back, ask nothing
            self.bot.dispatch("hearth_onboarding_completed", member)
            outcome = await self._apply_roles(flow)
            await self._report_problems(guild, member, outcome.problems)  # refusals: the log was told once
            if outcome.member_notes:
                try:
                    await member.send("\n".join(outcome.member_notes))
                except discord.HTTPException as exc:
                    log.info("Guild %s: cannot DM %s about their roles: %s", guild.id, member.id, exc)
            return
        join = Grant(await self.bot.guild_settings.setting(guild.id, ONBOARDING_JOIN_ROLE),
                     await self._setter(guild.id, "join_role"),
                     "`onboarding.join_role`")
        outcome = await self._change_roles(member, add=[join], remove=[])
        problems = outcome.problems
        note = "\n".join(outcome.member_notes) or None
        text = await self.bot.guild_settings.setting(guild.id, ONBOARDING_WELCOME_TEXT)
        pending = await self._gdpr_pending(guild.id, member.id)
        _, embed, view = intro_message(guild, text, gdpr_pending=pending)
        try:
            await member.send(content=note, embed=embed, view=view)
        except discord.HTTPException as exc:  # 50007: DMs closed (or the member blocks the bot)
            log.info("Guild %s: cannot DM %s (%s); using the welcome channel", guild.id, member.id, exc)
            problems += await self._welcome_fallback(member, text, pending, note)
        await self._report_problems(guild, member, problems)

    async def _welcome_fallback(self, member: discord.Member, text: str | None, pending: bool,
                                note: str | None = None) -> list[str]:
        guild = member.guild
        channel_id = await self.bot.guild_settings.setting(guild.id, ONBOARDING_WELCOME_CHANNEL)
        channel = guild.get_channel(channel_id) if channel_id else None
        if not isinstance(channel, discord.TextChannel):
            return [f"I couldn't DM {member.mention} and no welcome channel is set "
                    "(`/config set scope:onboarding key:welcome_channel`), so they got no onboarding prompt."]
        content, embed, view = intro_message(guild, text, gdpr_pending=pending, mention=member)
        if note:
            content = f"{content}\n{note}" if content else note
        try:
            await self.bot.channel_access.send(channel, what=f"the welcome prompt of {member.mention}",
                                               content=content, embed=embed, view=view,
                                               allowed_mentions=discord.AllowedMentions(users=[member]))
        except ChannelBlocked as exc:
            return [f"I couldn't DM {member.mention} nor post in {channel.mention}: {exc.problem}"]
        except discord.HTTPException as exc:
            return [f"I couldn't DM {member.mention} nor post in {channel.mention} (Discord answered {exc.status})."]
        return []

    async def _report_problems(self, guild: discord.Guild, member: discord.Member, problems: list[str]) -> None:
        if problems:
            text = f"⚠️ Onboarding of {member.mention} ({member.id}):\n" + "\n".join(f"- {p}" for p in problems)
            problem = await post_to_log(self.bot, guild, content=text[:2000])
            if problem:
                log.warning("Guild %s: %s (%s)", guild.id, text, problem)

    # --- the interaction's context -------------------------------------------------------------------------

    async def _context(self, interaction: discord.Interaction, guild_id: int) -> Flow | None:
        """The member's flow, or None after telling them why there is none."""
        guild = self.bot.get_guild(guild_id)
        member = guild.get_member(interaction.user.id) if guild is not None else None
        if guild is not None and member is None:  # not cached (e.g. member chunking off): ask Discord
            try:
                member = await guild.fetch_member(interaction.user.id)
            except discord.NotFound:
                member = None
        if guild is None or member is None:
            await self._say(interaction, "You are not a member of that server (any more), so there is nothing to do.")
            return None
        if await self.bot.guild_settings.setting(guild_id, ONBOARDING_MODE) == "disabled":
            await self._say(interaction, f"Onboarding is turned off on **{guild.name}**.")
            return None
        return await self.load(guild, member)

    @staticmethod
    async def _say(interaction: discord.Interaction, text: str) -> None:
        await interaction.response.send_message(text, ephemeral=True)

    async def _show(self, interaction: discord.Interaction, flow: Flow, *, error: str | None = None,
                    new: bool = False) -> None:
        """Show the member's current step (or finish when there is none left)."""
        step = flow.step
        if flow.completed:
            embed = done_embed(flow.guild, ["You had already completed the onboarding."])
            if new:
                await interaction.response.send_message(embed=embed, ephemeral=True)
            else:
                await interaction.response.edit_message(content=None, embed=embed, view=None)
            return
        if step is None:
            await self._finish(interaction, flow, new=new)
            return
        embed, view = step_message(flow.guild, step, error)
        if new:
            await interaction.response.send_message(embed=embed, view=view, ephemeral=True)
        else:
            await interaction.response.edit_message(content=None, embed=embed, view=view)

    async def _current(self, interaction: discord.Interaction, guild_id: int, key: str) -> tuple[Flow, Step] | None:
        """The flow when `key` is the member's current step; otherwise show where they really are."""
        flow = await self._context(interaction, guild_id)
        if flow is None:
            return None
        step = flow.step
        if flow.completed or step is None or step.key != key:
            await self._show(interaction, flow)  # an old message: continue where the member really is
            return None
        return flow, step

    async def _save(self, flow: Flow, patch: dict[str, Any]) -> None:
        flow.update(await repo.save(self.cog.pool, flow.guild.id, flow.member.id, patch, self._naive()))

    # --- the steps -----------------------------------------------------------------------------------------

    async def start(self, interaction: discord.Interaction, guild_id: int) -> None:
        """Start (or resume): in a DM the welcome turns into the current step; in a channel it opens privately."""
        in_dm = interaction.guild_id is None
        flow = await self._context(interaction, guild_id)
        if flow is None:
            return
        if not flow.completed and await self._gdpr_pending(guild_id, flow.member.id):
            await self._say(interaction, GDPR_FIRST)
            return
        await self._show(interaction, flow, new=not in_dm)

    async def accept_rule(self, interaction: discord.Interaction, guild_id: int, rule_id: int) -> None:
        found = await self._current(interaction, guild_id, f"rule_{rule_id}")
        if found is None:
            return
        flow, step = found
        await self._save(flow, {step.key: self._now().isoformat()})
        await self._show(interaction, flow)

    async def pick(self, interaction: discord.Interaction, guild_id: int, key: str, values: list[str]) -> None:
        found = await self._current(interaction, guild_id, key)
        if found is None:
            return
        flow, step = found
        question = step.question
        assert question is not None
        if is_other_language(key, values):
            await interaction.response.send_modal(
                AnswerModal(guild_id, key, language_other_question(), flow.guild.name))
            return
        known = {str(o["value"]) for o in question.options}
        if not values or any(v not in known for v in values) or (question.type != "multiselect" and len(values) > 1):
            await self._show(interaction, flow, error="That choice is not available any more: choose again.")
            return
        await self._save(flow, {key: values if question.type == "multiselect" else values[0]})
        await self._show(interaction, flow)

    async def open_text(self, interaction: discord.Interaction, guild_id: int, key: str) -> None:
        found = await self._current(interaction, guild_id, key)
        if found is None:
            return
        flow, step = found
        assert step.question is not None
        await interaction.response.send_modal(AnswerModal(guild_id, key, step.question, flow.guild.name))

    async def submit_text(self, interaction: discord.Interaction, guild_id: int, key: str, text: str) -> None:
        found = await self._current(interaction, guild_id, key)
        if found is None:
            return
        flow, step = found
        question = step.question
        assert question is not None
        text = text.strip()
        answer: str | None
        if key == LANGUAGE:
            if not text:
                await self._show(interaction, flow, error="Type the language you prefer.")
                return
            answer = f"other: {text[:100]}"
        elif not text:
            if question.required:
                await self._show(interaction, flow, error="This question needs an answer.")
                return
            answer = None
        elif question.type == "email":
            try:
                answer = validate_email(text, check_deliverability=False).normalized
            except EmailNotValidError as exc:
                await self._show(interaction, flow, error=f"`{discord.utils.escape_markdown(text[:100])}` is not a "
                                                          f"valid email address: {exc} Press **Answer** to try again.")
                return
        else:
            answer = text[:1000]
        await self._save(flow, {key: answer})
        await self._show(interaction, flow)

    async def skip(self, interaction: discord.Interaction, guild_id: int, key: str) -> None:
        found = await self._current(interaction, guild_id, key)
        if found is None:
            return
        flow, step = found
        if step.question is None or step.question.required:
            await self._show(interaction, flow, error="This question can't be skipped.")
            return
        await self._save(flow, {key: None})
        await self._show(interaction, flow)

    # --- the end -------------------------------------------------------------------------------------------

    async def _finish(self, interaction: discord.Interaction, flow: Flow, *, new: bool) -> None:
        """Mark the flow completed (once), answer the member, then roles and the staff summary."""
        guild, member = flow.guild, flow.member
        await repo.save(self.cog.pool, guild.id, member.id, {}, self._naive())  # a row even for an empty flow
        first = await repo.complete(self.cog.pool, guild.id, member.id, self._now().isoformat(), self._naive())
        embed = done_embed(guild, [] if first else ["You had already completed the onboarding."])
        if new:
            await interaction.response.send_message(embed=embed, ephemeral=True)
        else:
            await interaction.response.edit_message(content=None, embed=embed, view=None)
        if not first:
            return
        self.bot.dispatch("hearth_onboarding_completed", member)  # e.g. the roles cog's autoroles "after onboarding"
        flow.responses = await repo.responses(self.cog.pool, guild.id, member.id)
        outcome = await self._apply_roles(flow)
        await self._summary(flow, outcome.problems + outcome.refused)
        if outcome.problems or outcome.refused:
            lines = outcome.member_notes + (["Some of your roles could not be given yet; the staff have been told."]
                                            if outcome.problems else [])
            await interaction.followup.send("\n".join(lines), ephemeral=True)

    async def _apply_roles(self, flow: Flow) -> RoleOutcome:
        """Completion role and the roles mapped to the chosen options in; the join role out."""
        guild_id = flow.guild.id
        add: list[Grant] = [Grant(await self.bot.guild_settings.setting(guild_id, ONBOARDING_COMPLETION_ROLE),
                                  await self._setter(guild_id, "completion_role"), "`onboarding.completion_role`")]
        add += [Grant(role_id, question.role_map_by, f"the role mapping of onboarding question Q{question.key}")
                for role_id, question in mapped_roles(flow.items, flow.responses)]
        return await self._change_roles(
            flow.member, add=add, remove=[await self.bot.guild_settings.setting(guild_id, ONBOARDING_JOIN_ROLE)])

    async def _setter(self, guild_id: int, key: str) -> int | None:
        return await self.bot.guild_settings.setter(guild_id, "onboarding", key)

    async def _change_roles(self, member: discord.Member, *, add: list[Grant],
                            remove: list[int | None]) -> RoleOutcome:
        """Give and take roles, one by one; returns what went wrong, in words for the staff.

        A role to give is checked again against whoever configured it (role safety); a refused one is not given,
        and the log channel is told once per cause."""
        guild = member.guild
        outcome = RoleOutcome()
        problems = outcome.problems
        grants = {grant.role_id: grant for grant in add if grant.role_id}
        for role_ids, adding in ((list(grants), True), (remove, False)):
            for role_id in dict.fromkeys(r for r in role_ids if r):
                role = guild.get_role(role_id)
                if role is None:
                    problems.append(f"The role with id {role_id} no longer exists: check the onboarding settings.")
                    continue
                if adding == (member.get_role(role_id) is not None):
                    continue
                if adding:
                    grant = grants[role_id]
                    refusal = await self.bot.role_grants.refusal(guild, role, grant.setter_id, source=grant.source)
                    if refusal is not None:
                        outcome.refused.append(f"{role.mention} was not given: {refusal.reason}")
                        outcome.member_notes.append(refusal.member_text(role))
                        continue
                verb = "give" if adding else "remove"
                try:
                    if adding:
                        await member.add_roles(role, reason="Onboarding")
                    else:
                        await member.remove_roles(role, reason="Onboarding completed")
                except discord.Forbidden:
                    problems.append(f"Discord refused to let me {verb} {role.mention}: I need the **Manage Roles** "
                                    "permission and my highest role must be above that role (Server Settings → "
                                    "Roles).")
                except discord.HTTPException as exc:
                    problems.append(f"{role.mention}: Discord answered {exc.status}.")
        return outcome

    async def _summary(self, flow: Flow, problems: list[str]) -> None:
        """Post the member's answers to the staff channel (or the log channel)."""
        guild, member = flow.guild, flow.member
        embed = summary_embed(flow, self._now())
        if problems:
            embed.add_field(name="⚠️ Problems", value="\n".join(problems)[:1024], inline=False)
        channel_id = await self.bot.guild_settings.setting(guild.id, ONBOARDING_STAFF_CHANNEL)
        channel = guild.get_channel(channel_id) if channel_id else None
        if isinstance(channel, discord.TextChannel):
            try:
                await self.bot.channel_access.send(channel, what="an onboarding summary", embed=embed,
                                                   allowed_mentions=discord.AllowedMentions.none())
                return
            except (ChannelBlocked, discord.HTTPException) as exc:  # the summary goes to the log channel instead
                log.warning("Guild %s: cannot post the onboarding summary of %s in %s: %s", guild.id, member.id,
                            channel.id, exc)
        problem = await post_to_log(self.bot, guild, embed=embed)
        if problem:
            log.warning("Guild %s: cannot post the onboarding summary of %s: %s", guild.id, member.id, problem)


def summary_embed(flow: Flow, now: Any) -> discord.Embed:
    """The staff's view of one completed onboarding: rules accepted, every answer, roles."""
    member = flow.member
    embed = discord.Embed(title="Onboarding completed", colour=discord.Colour.green(), timestamp=now,
                          description=f"{member.mention} · `{member}` ({member.id})")
    rules = [item for item in flow.items if isinstance(item, Rule)]
    if rules:
        accepted = sum(1 for rule in rules if rule.key in flow.responses)
        embed.add_field(name="Rules", value=f"{accepted} of {len(rules)} accepted", inline=False)
    for item in flow.items:
        if isinstance(item, Question) and len(embed.fields) < 24:
            embed.add_field(name=item.text[:256], value=describe_answer(item, flow.responses.get(item.key))[:1024],
                            inline=False)
    return embed
