"""AI summaries of closed tickets, and the FAQ proposals they lead to: when enough recent summaries are about
the same thing, staff are asked in the log channel whether to add an FAQ entry (and decide with a button)."""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING

import discord

from cogs.faq.api import FaqApi
from cogs.tickets import repo
from cogs.tickets.prompts import faq_draft_messages, normalise_key, ticket_summary_messages
from cogs.tickets.views import ProposalButton
from core.guild_kit import post_to_log
from gpt.cooldown import llm_cooldown
from gpt.errors import AIDisabled, AINotConfigured, GuildBudgetExceeded
from utils.cooldowns import Cooldown
from utils.errors import UserFacingError

if TYPE_CHECKING:
    from cogs.tickets.desk import TicketDesk
    from gpt.service import LLMService

log = logging.getLogger(__name__)

SIMILARITY = 0.5  # pg_trgm similarity of two similarity keys that counts as "the same topic"
PROPOSAL_AT = 3  # similar summaries needed for an FAQ proposal
# Summaries of one opener's tickets: (uses, per seconds), in memory (an open/close loop must not buy unlimited
# summaries).
SUMMARY_RATE = (3, 3600.0)


class Summaries:
    """Summarise a closed ticket, propose FAQ entries, and take staff's decision on a proposal."""

    def __init__(self, desk: TicketDesk, llm: LLMService) -> None:
        self.desk = desk
        self.llm = llm
        self.cooldown = Cooldown(*SUMMARY_RATE, desk.bot.clock, what="ticket summaries")

    async def summarise(self, guild: discord.Guild, ticket: repo.Ticket, conversation: str,
                        report: list[str]) -> None:
        """Store the AI summary of a closed ticket (maybe leading to an FAQ proposal); `report` hears how it went."""
        if not self.llm.configured:
            report.append("ℹ️ No AI summary: AI is not configured.")
            return
        opener = (guild.id, ticket.user_id)
        wait = self.cooldown.retry_after(opener)
        if wait > 0:
            report.append(f"ℹ️ No AI summary: {SUMMARY_RATE[0]} tickets of this member were already summarised in "
                          f"the last hour (the next summary is possible in {math.ceil(wait / 60)} min).")
            return
        try:
            with llm_cooldown(self.cooldown, opener):
                answer = await self.llm.ask_json(ticket_summary_messages(ticket.description, conversation),
                                                 guild_id=guild.id, required=("summary", "similarity_key"),
                                                 background="ticket summary")
        except (AINotConfigured, AIDisabled, GuildBudgetExceeded) as exc:
            report.append(f"ℹ️ No AI summary: {exc.message}")
            return
        except UserFacingError as exc:
            log.warning("Guild %s: no summary for ticket #%s: %s", guild.id, ticket.id, exc.message)
            report.append("⚠️ The AI summary is unavailable right now (the AI service did not answer); the ticket "
                          "is closed all the same.")
            return
        summary = str(answer["summary"]).strip()[:2000] or "—"
        key = normalise_key(answer["similarity_key"])
        now = self.desk.bot.clock.now()
        async with self.desk.pool.acquire() as conn, conn.transaction():
            await repo.add_summary(conn, guild.id, ticket.id, summary, key, now)
            similar = await repo.similar_unproposed(conn, guild.id, key, SIMILARITY)
            proposal_id = None
            if len(similar) >= PROPOSAL_AT:
                title = key.replace("-", " ").capitalize()
                proposal_id = await repo.add_proposal(conn, guild.id, key, title, similar[-1]["summary"], [],
                                                      [row["id"] for row in similar], now)
        report.append("🧠 AI summary stored.")
        if proposal_id is not None:
            await self._propose(guild, proposal_id, key, [row["summary"] for row in similar], report)

    async def _propose(self, guild: discord.Guild, proposal_id: int, key: str, summaries: list[str],
                       report: list[str]) -> None:
        """Draft the FAQ entry (AI; the plain summaries if it fails) and ask staff in the log channel."""
        title, answer, keywords = key.replace("-", " ").capitalize(), summaries[-1], key.split("-")
        try:
            draft = await self.llm.ask_json(faq_draft_messages(summaries), guild_id=guild.id,
                                            required=("title", "answer", "keywords"), background="FAQ draft")
            title = str(draft["title"]).strip()[:200] or title
            answer = str(draft["answer"]).strip()[:4000] or answer
            if isinstance(draft["keywords"], list):
                keywords = [str(k).strip().lower()[:50] for k in draft["keywords"] if str(k).strip()][:20]
        except UserFacingError as exc:
            log.info("Guild %s: FAQ proposal %s drafted without AI: %s", guild.id, proposal_id, exc.message)
        await repo.update_proposal_text(self.desk.pool, guild.id, proposal_id, title, answer, keywords)
        embed = discord.Embed(title="💡 FAQ proposal", colour=discord.Colour.gold(),
                              description=f"{len(summaries)} recent tickets were about the same thing "
                                          f"(`{key}`). Add this to the FAQ?")
        embed.add_field(name="Question", value=title[:1024], inline=False)
        embed.add_field(name="Answer", value=answer[:1024], inline=False)
        if keywords:
            embed.add_field(name="Keywords", value=", ".join(keywords)[:1024], inline=False)
        problem = await post_to_log(self.desk.bot, guild, feature="tickets", what="a ticket log entry", required=True,
                                    embed=embed, view=ProposalButton.view_of(proposal_id))
        report.append(f"⚠️ An FAQ proposal could not be posted: {problem}." if problem
                      else "💡 Similar tickets keep coming: an FAQ proposal was posted to the log channel.")

    async def decide_proposal(self, guild: discord.Guild, member: discord.abc.User, proposal_id: int,
                              choice: str) -> str:
        """"Add to FAQ" or "Dismiss" under a proposal (staff only); returns the proposal's new text."""
        if not await self.desk.is_staff(member):
            raise UserFacingError("Only staff can decide on FAQ proposals.")
        now = self.desk.bot.clock.now()
        async with self.desk.pool.acquire() as conn, conn.transaction():
            row = await repo.decide_proposal(conn, guild.id, proposal_id, "added" if choice == "add" else "dismissed",
                                             member.id, now)
            if row is None:
                raise UserFacingError("This proposal was already decided (or doesn't exist here).")
            entry_id = None
            if choice == "add":
                # Raising here undoes the decision: the proposal stays pending until the FAQ runs again.
                faq = self.desk.bot.apis.require(FaqApi, "FAQ")
                # The FAQ adds its entry in its own transaction before ours commits: a failure leaves the proposal
                # pending, and a second click waits on the decided row and then finds it decided.
                entry_id = await faq.add_entry(guild.id, row["title"], row["answer"], list(row["keywords"] or []),
                                               member.id, now)
                await repo.link_proposal_entry(conn, guild.id, proposal_id, entry_id)
        return (f"✅ {member.mention} added this to the FAQ as #{entry_id}." if entry_id is not None
                else f"🙈 Dismissed by {member.mention}.")
