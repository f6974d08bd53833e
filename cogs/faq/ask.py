"""`/ask <question>` (served by the FAQ cog): an answer the AI composes only from this server's FAQ entries, tags
and closed tickets' summaries (found by their own search, through their public APIs), citing them; "I don't know"
without asking the AI when nothing matches.

Each answer is one AI request charged to the member's daily AI quota on the server (gpt.service), at most one
question per member every `ASK_RATE` seconds (a refused or failed request gives its use back), and it pings
nobody. Staff (the FAQ's staff: Manage Server, Manage Messages or the staff role) turn a good answer into an FAQ
entry with the answer's persistent **Add to FAQ** button.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Protocol

import discord

from cogs.faq.api import FAQ_STAFF
from cogs.faq.ask_prompts import ask_messages, cited, is_dont_know, without_citations
from cogs.faq.ask_sources import Source, find_sources
from core.guild_kit import is_staff
from core.persistent_items import Look, PersistentItem
from gpt.cooldown import llm_cooldown
from gpt.service import LLMService
from utils.cooldowns import Cooldown
from utils.errors import BadInput, UserFacingError

if TYPE_CHECKING:
    from cogs.faq.api import FaqApi


class FaqDesk(Protocol):
    """What the Add-to-FAQ button uses of the FAQ cog (the cog module imports this one, not the other way)."""

    bot: Any
    api: FaqApi

ASK_RATE = (1, 30.0)  # questions per member and server: (uses, per seconds), in memory
QUESTION_MIN, QUESTION_MAX = 3, 200  # an FAQ title's bounds, so a good answer can become an entry as asked
ANSWER_MAX = 4000  # an FAQ answer's bound
REPLY_MAX_TOKENS = 600
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
NONE = discord.AllowedMentions.none()


class AddToFaqButton(PersistentItem[discord.ui.Button[Any], FaqDesk], cog="FAQ", prefix="faq", template=r"ask-add",
                     what="adding an /ask answer to the FAQ",
                     unavailable="The FAQ is not available right now, try again later."):
    """Makes the answer it is attached to an FAQ entry (question → title, answer → answer); staff only. What it
    adds is read from the answer's embed, which only the bot writes, so the button works after a restart."""

    look = Look("Add to FAQ", discord.ButtonStyle.secondary, "📌")

    @classmethod
    def usable(cls, interaction: discord.Interaction) -> bool:
        return interaction.guild_id is not None

    async def clicked(self, interaction: discord.Interaction, cog: FaqDesk) -> None:
        assert interaction.guild_id is not None  # `usable`
        if not await is_staff(cog.bot, FAQ_STAFF, interaction):
            raise UserFacingError("Only staff (Manage Server, Manage Messages or the staff role) can add answers to "
                                  "the FAQ.")
        embeds = interaction.message.embeds if interaction.message is not None else []
        title = (embeds[0].title or "").strip() if embeds else ""
        answer = without_citations(embeds[0].description or "") if embeds else ""
        if not QUESTION_MIN <= len(title) <= QUESTION_MAX or not 1 <= len(answer) <= ANSWER_MAX:
            raise UserFacingError("This answer can't become an FAQ entry (its question or text is missing).")
        entry_id = await cog.api.add_entry(interaction.guild_id, title, answer, [], interaction.user.id,
                                       cog.bot.clock.now())
        done = discord.ui.View(timeout=None)
        done.add_item(AddToFaqButton(label=f"Added as FAQ #{entry_id}", disabled=True))
        await interaction.response.edit_message(view=done)
        await interaction.followup.send(f"✅ Added FAQ #{entry_id}: **{discord.utils.escape_markdown(title)}**. "
                                        f"Edit it with `/faq edit entry:{entry_id}`.", ephemeral=True,
                                        allowed_mentions=NONE)


class Asker:
    """`/ask` for the FAQ cog: the AI service, the per-member cooldown and the answer."""

    def __init__(self, bot: Any, llm: LLMService) -> None:
        self.bot = bot
        self.llm = llm
        self.cooldown = Cooldown(*ASK_RATE, bot.clock, what="/ask questions")

    async def answer(self, interaction: discord.Interaction, question: str, private: bool) -> None:
        """Answer `question` from the guild's FAQ, tags and ticket summaries (see the module's docstring)."""
        text = " ".join(question.split())
        if not _WORD.search(text) or not QUESTION_MIN <= len(text) <= QUESTION_MAX:
            raise BadInput(f"Ask a question of {QUESTION_MIN} to {QUESTION_MAX} characters.",
                           example="/ask question:how do I get a refund?")
        guild_id, user = interaction.guild_id, interaction.user
        assert guild_id is not None  # guild_only
        sources = await find_sources(self.bot.apis, guild_id, text)
        if not sources:  # nothing to answer from: the AI is not asked, nothing is charged
            await interaction.response.send_message(_dont_know(text), ephemeral=True, allowed_mentions=NONE)
            return
        # Refused before "thinking…": AI off, no quota left, asked too recently.
        await self.llm.ensure_ready(guild_id, user.id)
        self.cooldown.check((guild_id, user.id))
        # Public only for someone who may write here themselves.
        public = not private and bool(interaction.permissions.send_messages)
        await interaction.response.defer(thinking=True, ephemeral=not public)
        with llm_cooldown(self.cooldown, (guild_id, user.id)):
            answer = await self.llm.ask(ask_messages(text, sources), guild_id=guild_id, user_id=user.id,
                                        max_tokens=REPLY_MAX_TOKENS)
        if is_dont_know(answer):
            await interaction.followup.send(_dont_know(text, looked=sources), allowed_mentions=NONE)
            return
        await interaction.followup.send(embed=_answer_embed(text, answer, cited(answer, sources), user),
                                        view=AddToFaqButton.view_of(), allowed_mentions=NONE)


def _dont_know(question: str, *, looked: list[Source] | None = None) -> str:
    """The "I don't know" answer (with what was read, when the AI found it did not answer the question)."""
    shown = discord.utils.escape_markdown(question)
    text = f"🤷 I don't know: nothing in this server's FAQ, tags or past tickets answers “{shown}”."
    if looked:
        text += " I read " + ", ".join(s.citation for s in looked) + "."
    return text + " Ask the staff (`/ticket open`), and they may add the answer to the FAQ."


def _answer_embed(question: str, answer: str, sources: list[Source], asker: discord.abc.User) -> discord.Embed:
    """The answer: the question as title (what an FAQ entry made from it is called), the sources it cites."""
    embed = discord.Embed(title=question, description=answer.strip()[:ANSWER_MAX], colour=discord.Colour.teal())
    embed.set_author(name=f"Asked by {getattr(asker, 'display_name', asker.name)}"[:256])
    embed.add_field(name="Sources", value="\n".join(f"• {s.citation}" for s in sources)[:1024], inline=False)
    embed.set_footer(text="AI answer made only from this server's FAQ, tags and past tickets: check what matters "
                          "with staff.")
    return embed
