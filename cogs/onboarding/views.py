"""What a member sees: one message per step, whose components are persistent items (`core.persistent_items`)
carrying the guild id and the step's key in their custom_id. All state is in the database, so every button works
after a restart, in DMs (where Discord sends no guild) and in the welcome channel alike."""

from __future__ import annotations

import re
from typing import Any, Protocol

import discord

from cogs.onboarding.flow import CHOICE_TYPES, LANGUAGE, OTHER_LANGUAGE, Question, Rule, Step
from core.persistent_items import ItemT, Look, PersistentItem, ReportingModal, choices

PREFIX = "hearth:onb"  # the items' ids: `hearth:onb:<kind>:<guild>:…`
_KEY = r"(?P<key>[A-Za-z0-9_.]{1,60})"
COLOUR = discord.Colour.teal()


class Steps(Protocol):
    """What the step buttons call: the member flow (`engine.Engine`, the onboarding cog's `engine`)."""

    async def start(self, interaction: discord.Interaction, guild_id: int) -> None:
        """Start: show the member's current step."""

    async def accept_rule(self, interaction: discord.Interaction, guild_id: int, rule_id: int) -> None:
        """"I accept" under a rule."""

    async def pick(self, interaction: discord.Interaction, guild_id: int, key: str, values: list[str]) -> None:
        """The options chosen in a select."""

    async def open_text(self, interaction: discord.Interaction, guild_id: int, key: str) -> None:
        """"Answer": open the text box of a question."""

    async def skip(self, interaction: discord.Interaction, guild_id: int, key: str) -> None:
        """"Skip" an optional question."""


class StepItem(PersistentItem[ItemT, Steps], cog="Onboarding", prefix="onb",
               unavailable="Onboarding is not available right now, try again later."):
    """The onboarding cog's persistent items: they call its member flow (`cog.engine`), not the cog. Each
    carries its guild (Discord sends none in DMs)."""

    guild_id: int

    @classmethod
    def contract_of(cls, cog: Any) -> Steps:
        return cog.engine  # type: ignore[no-any-return]


class StartButton(StepItem[discord.ui.Button[Any]], template=r"start:(?P<guild_id>\d+)",
                  what="the onboarding Start button"):
    """"Start" in the join DM and on the welcome-channel panel: shows the member's current step."""

    look = Look("Start", discord.ButtonStyle.success, "👋")

    async def clicked(self, interaction: discord.Interaction, steps: Steps) -> None:
        await steps.start(interaction, self.guild_id)


class AcceptButton(StepItem[discord.ui.Button[Any]], template=r"rule:(?P<guild_id>\d+):(?P<rule_id>\d+)",
                   what="accepting an onboarding rule"):
    """"I accept" under a rule."""

    rule_id: int
    look = Look("I accept", discord.ButtonStyle.success, "✅")

    async def clicked(self, interaction: discord.Interaction, steps: Steps) -> None:
        await steps.accept_rule(interaction, self.guild_id, self.rule_id)


class AnswerSelect(StepItem[discord.ui.Select[Any]], template=r"pick:(?P<guild_id>\d+):" + _KEY,
                   what="an onboarding answer"):
    """The options of a select or multiselect question (and of the personalisation steps)."""

    key: str

    def __init__(self, guild_id: int, key: str, question: Question | None = None) -> None:
        options = [discord.SelectOption(label=str(o["label"])[:100], value=str(o["value"])[:100],
                                        description=(str(o["description"])[:100] if o.get("description") else None))
                   for o in (question.options if question else [])] or [discord.SelectOption(label="…")]
        multi = question is not None and question.type == "multiselect"
        self.wrap(discord.ui.Select(
            custom_id=self.custom_id_for(guild_id, key), options=options,
            placeholder="Choose one or more…" if multi else "Choose one…",
            min_values=1, max_values=len(options) if multi else 1), guild_id, key)

    async def clicked(self, interaction: discord.Interaction, steps: Steps) -> None:
        values = [str(v) for v in (interaction.data or {}).get("values", [])]
        await steps.pick(interaction, self.guild_id, self.key, values)


class QuestionButton(StepItem[discord.ui.Button[Any]], template=r"(?P<kind>text|skip):(?P<guild_id>\d+):" + _KEY):
    """"Answer" under a text or email question (opens a modal) and "Skip" under an optional question."""

    kind: str
    key: str
    looks = choices(text=Look("Answer", discord.ButtonStyle.primary, "✏️"), skip=Look("Skip"))

    def describe(self) -> str:
        return "an onboarding answer" if self.kind == "text" else "skipping an onboarding question"

    async def clicked(self, interaction: discord.Interaction, steps: Steps) -> None:
        if self.kind == "skip":
            await steps.skip(interaction, self.guild_id, self.key)
        else:
            await steps.open_text(interaction, self.guild_id, self.key)


ITEMS = (StartButton, AcceptButton, AnswerSelect, QuestionButton)


MODAL_ID = re.compile(PREFIX + r":modal:(?P<guild>\d+):" + _KEY)


class AnswerModal(ReportingModal):
    """The text box of a text or email question (or of "Other…" language).

    The submission is handled by the cog's `on_interaction` listener from the custom_id (guild and step key), not
    by this object, so a modal opened before a restart is still answered after it."""

    what = "an onboarding answer"

    def __init__(self, guild_id: int, key: str, question: Question, title: str) -> None:
        super().__init__(title=title[:45], timeout=900, custom_id=f"{PREFIX}:modal:{guild_id}:{key}")
        email = question.type == "email"
        label = "Your language" if key == LANGUAGE else ("Email address" if email else "Your answer")
        self.answer = discord.ui.TextInput(
            label=label, custom_id="answer", placeholder=question.text[:100],
            style=discord.TextStyle.short if email or key == LANGUAGE else discord.TextStyle.paragraph,
            max_length=254 if email else 100 if key == LANGUAGE else 1000,
            required=question.required or key == LANGUAGE)
        self.add_item(self.answer)

    async def on_submit(self, interaction: discord.Interaction) -> None:  # type: ignore[override]
        """Answered by the listener (see the class)."""


def modal_answer(data: dict[str, Any]) -> str:
    """The value of the `answer` text box in a modal submission (rows or labels)."""
    stack = list(data.get("components") or [])
    while stack:
        component = stack.pop()
        if component.get("custom_id") == "answer" and "value" in component:
            return str(component["value"] or "")
        stack.extend(component.get("components") or [])
        if isinstance(component.get("component"), dict):
            stack.append(component["component"])
    return ""


def intro_message(guild: discord.Guild, text: str | None, *, gdpr_pending: bool = False,
                  mention: discord.abc.Snowflake | None = None) -> tuple[str | None, discord.Embed, discord.ui.View]:
    """The welcome with a Start button (the join DM, or the welcome-channel fallback when DMs are closed)."""
    description = text or (f"Welcome to **{guild.name}**! Press **Start** to go through the server's onboarding. "
                           "Your answers are saved as you go, so you can stop and continue later.")
    if gdpr_pending:
        description += ("\n\n🔒 This server asks you to accept its **data agreement** first (it is posted in the "
                        "server). Once you have accepted it, press **Start**.")
    embed = discord.Embed(title=f"Welcome to {guild.name}"[:256], description=description[:4096], colour=COLOUR)
    if guild.icon:
        embed.set_thumbnail(url=guild.icon.url)
    view = StartButton.view_of(guild.id)
    content = (f"{mention.mention}, I couldn't send you a direct message. Press **Start** to do the onboarding "  # type: ignore[attr-defined]
               "here (only you will see it)." if mention is not None else None)
    return content, embed, view


def panel_message(guild: discord.Guild, text: str | None) -> tuple[discord.Embed, discord.ui.View]:
    """The permanent Start panel of the welcome channel."""
    embed = discord.Embed(title=f"Welcome to {guild.name}"[:256], colour=COLOUR, description=(
        text or "New here? Press **Start** to read the rules and answer a few questions. "
                "Only you will see your steps, and you can continue where you left off.")[:4096])
    return embed, StartButton.view_of(guild.id)


def rule_embed(rule: Rule, footer: str | None = None) -> discord.Embed:
    """A rule as shown to members: title, text, thumbnail (top right) and image (bottom)."""
    embed = discord.Embed(title=rule.title[:256], description=rule.description[:4096], colour=COLOUR)
    if rule.thumbnail_url:
        embed.set_thumbnail(url=rule.thumbnail_url)
    if rule.image_url:
        embed.set_image(url=rule.image_url)
    if footer:
        embed.set_footer(text=footer[:2048])
    return embed


def step_message(guild: discord.Guild, step: Step, error: str | None = None) -> tuple[discord.Embed, discord.ui.View]:
    """The embed and components of one step."""
    footer = f"{guild.name} · step {step.number} of {step.total}"
    view = discord.ui.View(timeout=None)
    if step.rule is not None:
        embed = rule_embed(step.rule, footer + " · rules")
        view.add_item(AcceptButton(guild.id, step.rule.id))
        return embed, view
    question = step.question
    assert question is not None
    if question.type in CHOICE_TYPES:
        hint = "Choose one or more options below." if question.type == "multiselect" else "Choose an option below."
        view.add_item(AnswerSelect(guild.id, question.key, question))
    else:
        hint = ("Press **Answer** to give your email address." if question.type == "email"
                else "Press **Answer** to type your answer.")
        view.add_item(QuestionButton("text", guild.id, question.key))
    if not question.required:
        hint += " This question is optional."
        view.add_item(QuestionButton("skip", guild.id, question.key))
    description = f"❌ {error}\n\n{hint}" if error else hint
    embed = discord.Embed(title=question.text[:256], description=description[:4096], colour=COLOUR)
    embed.set_footer(text=footer)
    return embed, view


def language_other_question() -> Question:
    """The text box behind "Other…" in the language step."""
    return Question(key=LANGUAGE, text="Which language? (e.g. Deutsch)", type="text")


def is_other_language(key: str, values: list[str]) -> bool:
    return key == LANGUAGE and values == [OTHER_LANGUAGE]


def done_embed(guild: discord.Guild, notes: list[str]) -> discord.Embed:
    """What the member sees at the end."""
    text = f"You're all set on **{guild.name}**. Thanks for answering!"
    if notes:
        text += "\n\n" + "\n".join(notes)
    return discord.Embed(title="🎉 Onboarding complete", description=text[:4096], colour=discord.Colour.green())
