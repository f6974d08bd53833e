"""`/faq`: search, list and view for everyone (an answer may be posted publicly); add, edit, remove and stats for
staff; export and import for admins.

Staff here means: Manage Server, Manage Messages, or the server's staff role (`system.staff_role`); admins: Manage
Server. Every search is logged in `faq_search_logs` (who, what, how many results) for `/faq stats`.
"""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any, Literal

import discord
from discord import app_commands

from cogs.faq import repo, transfer
from cogs.faq.api import FAQ_STAFF, FaqApi
from cogs.faq.ask import AddToFaqButton, Asker
from cogs.faq.search import (
    ANSWER_LIMIT,
    QUERY_LIMIT,
    TITLE_LIMIT,
    clean_keywords,
    entry_embed,
    excerpt,
    tsquery_text,
    words,
)
from cogs.faq.settings import FAQ_MAX_RESULTS, FAQ_MIN_SIMILARITY, FAQ_SEARCH_LOG_RETENTION_DAYS, SETTINGS
from cogs.premium.api import premium_of
from core.cog_base import HearthCog
from core.guild_kit import is_staff, staff_only
from core.modules import declare
from core.persistent_items import Look, PersistentItem
from core.retention import LogTable, RetentionJob
from gpt.service import LLMService
from utils.errors import BadInput, UserFacingError
from utils.options import RowId
from utils.paginator import Paginator

PAGE = 10
SEARCH_LOGS = LogTable("faq_search_logs", "searched_at", per_guild=True)
STATS_PERIODS = {"7d": timedelta(days=7), "30d": timedelta(days=30), "all": None}


FAQ_STAFF_ONLY = staff_only(FAQ_STAFF, "Only staff (Manage Server, Manage Messages or the staff role) can change the "
                            "FAQ.")


async def _manages_server(interaction: discord.Interaction) -> bool:
    return interaction.permissions.manage_guild


FAQ_ADMIN_ONLY = staff_only(_manages_server, "Only admins (Manage Server) can export or import the FAQ.")


async def is_faq_staff(bot: Any, interaction: discord.Interaction) -> bool:
    """Manage Server / Manage Messages, or the staff role (`FAQ_STAFF`)."""
    return await is_staff(bot, FAQ_STAFF, interaction)


class ShowEntryButton(PersistentItem[discord.ui.Button[Any], "FaqCog"], cog="FAQ", prefix="faq",
                      template=r"show:(?P<entry_id>\d+)", what="showing an FAQ entry",
                      unavailable="The FAQ is not available right now, try again later."):
    """Shows one search result in full (only to whoever clicks); the entry id is in the custom_id. The search
    labels each button with its result."""

    entry_id: int
    look = Look("Show", discord.ButtonStyle.secondary)

    @classmethod
    def usable(cls, interaction: discord.Interaction) -> bool:
        return interaction.guild_id is not None

    async def clicked(self, interaction: discord.Interaction, cog: FaqCog) -> None:
        assert interaction.guild_id is not None  # `usable`
        entry = await repo.get(cog.pool, interaction.guild_id, self.entry_id)
        if entry is None:
            raise UserFacingError("That FAQ entry no longer exists.")
        await interaction.response.send_message(embed=entry_embed(entry.id, entry.title, entry.answer,
                                                                  entry.keywords), ephemeral=True)


class FaqCog(HearthCog, name="FAQ"):
    """The guild's FAQ."""

    pool_size = 3
    module = declare("faq", "FAQ", docs="faq.md", summary="answers to common questions, /faq and /ask")
    api: FaqApi
    asker: Asker
    persistent_items = (ShowEntryButton, AddToFaqButton)

    settings = SETTINGS

    faq = app_commands.Group(name="faq", description="Frequently asked questions", guild_only=True)

    def __init__(self, bot: Any) -> None:
        super().__init__(bot)
        self.retention = RetentionJob(self, SEARCH_LOGS, kind="faq_search_logs_retention",
                                      setting=FAQ_SEARCH_LOG_RETENTION_DAYS)

    async def load(self) -> None:
        self.api = FaqApi(self.pool, self.bot.guild_settings)
        self.bot.apis.publish(FaqApi, self.api)  # tickets search the FAQ and add entries through it
        self.asker = Asker(self.bot, LLMService.from_bot(self.bot, self.pool, premium=premium_of(self.bot)))
        await self.retention.start()

    async def unload(self) -> None:
        self.bot.apis.withdraw(FaqApi, self.api)
        self.retention.stop()
        await self.asker.llm.close()

    @app_commands.command(name="ask",
                          description="Ask the server's FAQ, tags and past tickets: an AI answer citing them")
    @app_commands.guild_only()
    @app_commands.describe(question="Your question, e.g. how do I get a refund?",
                           private="Only you see the answer (default: posted in this channel)")
    async def ask(self, interaction: discord.Interaction, question: str, private: bool = False) -> None:
        await self.asker.answer(interaction, question, private)

    # --- search (everyone) ---------------------------------------------------------------------------------

    @faq.command(name="search", description="Search the FAQ")
    @app_commands.describe(query="What you are looking for, e.g. reset password",
                           public="Post the best answer in this channel for everyone (default: only you see it)")
    async def search(self, interaction: discord.Interaction, query: str, public: bool = False) -> None:
        text = query.strip()
        if public:
            _require_posting(interaction)
        if not words(text):
            raise BadInput("Type a few words to search for.", example="/faq search query:reset password")
        if len(text) > QUERY_LIMIT:
            raise BadInput(f"The query is {len(text)} characters; the limit is {QUERY_LIMIT}.")
        guild_id = interaction.guild_id
        limit = await self.bot.guild_settings.setting(guild_id, FAQ_MAX_RESULTS)
        threshold = await self.bot.guild_settings.setting(guild_id, FAQ_MIN_SIMILARITY)
        async with self.pool.acquire() as conn, conn.transaction():
            hits = await repo.search(conn, guild_id, tsquery_text(text), text, threshold, limit)
            await repo.log_search(conn, guild_id, interaction.user.id, text, len(hits),
                                  hits[0].entry.id if hits else None, self.bot.clock.now())
        if not hits:
            await interaction.response.send_message(
                f"Nothing in the FAQ matches **{discord.utils.escape_markdown(text)}**. Try other words, or ask "
                "the staff (`/ticket open`).", ephemeral=True)
            return
        if public:
            best = hits[0].entry
            await _post_publicly(interaction, entry_embed(best.id, best.title, best.answer, best.keywords))
            return
        embed = discord.Embed(title=f"FAQ results for “{text[:200]}”", colour=discord.Colour.teal())
        view = discord.ui.View(timeout=None)
        for number, hit in enumerate(hits, start=1):
            embed.add_field(name=f"{number}. {hit.entry.title}"[:256], value=excerpt(hit.entry.answer) or "—",
                            inline=False)
            view.add_item(ShowEntryButton(hit.entry.id, label=f"{number}. {hit.entry.title}"))
        embed.set_footer(text="Click a result to read it in full.")
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    # --- staff -------------------------------------------------------------------------------------------------

    @faq.command(name="add", description="Add an FAQ entry (staff)")
    @app_commands.describe(title="The question, e.g. How do I reset my password?", answer="The answer",
                           keywords="Comma-separated words people may search for")
    @FAQ_STAFF_ONLY
    async def add(self, interaction: discord.Interaction, title: str, answer: str, keywords: str | None = None) -> None:
        clean_title, clean_answer, clean_words = self._validated(title, answer, keywords)
        entry = await repo.add(self.pool, interaction.guild_id, clean_title, clean_answer, clean_words or [],
                               interaction.user.id, self.bot.clock.now())
        await interaction.response.send_message(f"✅ Added FAQ #{entry.id}: **{entry.title}**.", ephemeral=True,
                                                allowed_mentions=discord.AllowedMentions.none())

    @faq.command(name="edit", description="Change an FAQ entry (only the parts you give; staff)")
    @app_commands.describe(entry="The entry (number or title)")
    @FAQ_STAFF_ONLY
    async def edit(self, interaction: discord.Interaction, entry: RowId, title: str | None = None,
                   answer: str | None = None, keywords: str | None = None) -> None:
        if title is None and answer is None and keywords is None:
            raise BadInput("Give at least one thing to change.", example=f"/faq edit entry:{entry} answer:…")
        clean_title, clean_answer, clean_words = self._validated(title, answer, keywords)
        updated = await repo.edit(self.pool, interaction.guild_id, entry, clean_title, clean_answer, clean_words,
                                  interaction.user.id, self.bot.clock.now())
        if updated is None:
            raise BadInput(f"There is no FAQ entry #{entry} on this server.", example="/faq list")
        await interaction.response.send_message(f"✅ Updated FAQ #{updated.id}: **{updated.title}**.", ephemeral=True)

    @faq.command(name="remove", description="Delete an FAQ entry (staff)")
    @app_commands.describe(entry="The entry (number or title)")
    @FAQ_STAFF_ONLY
    async def remove(self, interaction: discord.Interaction, entry: RowId) -> None:
        removed = await repo.remove(self.pool, interaction.guild_id, entry)
        if removed is None:
            raise BadInput(f"There is no FAQ entry #{entry} on this server.", example="/faq list")
        await interaction.response.send_message(f"🗑️ Deleted FAQ #{removed.id}: **{removed.title}**.", ephemeral=True)

    @faq.command(name="list", description="All FAQ entries")
    async def list_(self, interaction: discord.Interaction) -> None:
        guild_id = interaction.guild_id

        async def page(index: int) -> tuple[discord.Embed, int]:
            entries, total = await repo.page(self.pool, guild_id, PAGE, index * PAGE)
            lines = [f"**#{e.id}** {discord.utils.escape_markdown(e.title)}"
                     + (f" · _{', '.join(e.keywords)}_" if e.keywords else "") for e in entries]
            embed = discord.Embed(title="FAQ entries", colour=discord.Colour.teal(),
                                  description="\n".join(lines)[:4000] or "No entries yet (staff add them with "
                                                                         "`/faq add`).")
            embed.set_footer(text="Read one with /faq view entry:<number>.")
            return embed, total

        paginator = Paginator(interaction.user.id, page, PAGE)
        await paginator.send(interaction)

    @faq.command(name="stats", description="Top searches and searches without a result (staff)")
    @FAQ_STAFF_ONLY
    async def stats(self, interaction: discord.Interaction, period: Literal["7d", "30d", "all"] = "30d") -> None:
        guild_id = interaction.guild_id
        delta = STATS_PERIODS[period]
        since = self.bot.clock.now() - delta if delta else None
        total, empty = await repo.search_totals(self.pool, guild_id, since)
        top = await repo.top_queries(self.pool, guild_id, since)
        missing = await repo.top_queries(self.pool, guild_id, since, unanswered=True)

        def listing(rows: list[tuple[str, int]]) -> str:
            text = "\n".join(f"{n}× {discord.utils.escape_markdown(q)[:80]}" for q, n in rows)
            return text[:1024] or "—"

        embed = discord.Embed(title=f"FAQ searches ({period})", colour=discord.Colour.teal(),
                              description=f"{total} search(es), {empty} without a result.")
        embed.add_field(name="Top queries", value=listing(top), inline=False)
        embed.add_field(name="Queries with no result", value=listing(missing), inline=False)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @faq.command(name="view", description="Read one FAQ entry")
    @app_commands.describe(entry="The entry (number or title)",
                           public="Post it in this channel for everyone (default: only you see it)")
    async def view(self, interaction: discord.Interaction, entry: RowId, public: bool = False) -> None:
        if public:
            _require_posting(interaction)
        found = await repo.get(self.pool, interaction.guild_id, entry)
        if found is None:
            raise BadInput(f"There is no FAQ entry #{entry} on this server.", example="/faq list")
        embed = entry_embed(found.id, found.title, found.answer, found.keywords)
        if public:
            await _post_publicly(interaction, embed)
        else:
            await interaction.response.send_message(embed=embed, ephemeral=True)

    # --- export / import (admins) ------------------------------------------------------------------------

    @faq.command(name="export", description="Download the FAQ as a CSV or JSON file (admins)")
    @app_commands.describe(file_format="CSV for spreadsheets, JSON for tools (default)")
    @app_commands.rename(file_format="format")
    @FAQ_ADMIN_ONLY
    async def export(self, interaction: discord.Interaction, file_format: Literal["json", "csv"] = "json") -> None:
        entries = [(e.title, e.answer, e.keywords) for e in await repo.all_entries(self.pool, interaction.guild_id)]
        if file_format == "csv":
            data = transfer.to_csv(entries)
        else:
            data = transfer.to_json(entries, self.bot.clock.now().isoformat())
        file = discord.File(io.BytesIO(data), filename=f"faq-{interaction.guild_id}.{file_format}")
        await interaction.response.send_message(f"{len(entries)} FAQ entr{'y' if len(entries) == 1 else 'ies'} "
                                                "exported.", file=file, ephemeral=True)

    @faq.command(name="import", description="Add or update FAQ entries from a CSV or JSON file (admins)")
    @app_commands.describe(file="A file made by /faq export, or a CSV with the columns title, answer, keywords")
    @FAQ_ADMIN_ONLY
    async def import_(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        if file.size > transfer.MAX_FILE_BYTES:
            raise BadInput(f"The file is {file.size // 1024} KB; the limit is {transfer.MAX_FILE_BYTES // 1024} KB.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            entries = transfer.parse(file.filename, await file.read())
        except transfer.ImportProblems as problems:
            raise BadInput(transfer.refusal(problems.problems)) from None
        now, by, added = self.bot.clock.now(), interaction.user.id, 0
        async with self.pool.acquire() as conn, conn.transaction():  # all entries or none
            for item in entries:
                added += await repo.upsert_by_title(conn, interaction.guild_id, item.title, item.answer,
                                                    item.keywords, by, now)
        await interaction.followup.send(f"✅ Imported {len(entries)} FAQ entr{'y' if len(entries) == 1 else 'ies'}: "
                                        f"{added} added, {len(entries) - added} updated (same title).",
                                        ephemeral=True)

    @view.autocomplete("entry")
    @edit.autocomplete("entry")  # staff only: the tree runs the commands' checks before autocomplete
    @remove.autocomplete("entry")
    async def _any_entry_choices(self, interaction: discord.Interaction,
                                 current: str) -> list[app_commands.Choice[int]]:
        found = await repo.titles(self.pool, interaction.guild_id, current.strip())
        return [app_commands.Choice(name=f"#{entry_id} {title}"[:100], value=entry_id) for entry_id, title in found]

    # --- helpers -------------------------------------------------------------------------------------------

    @staticmethod
    def _validated(title: str | None, answer: str | None,
                   keywords: str | None) -> tuple[str | None, str | None, list[str] | None]:
        clean_title = title.strip() if title is not None else None
        clean_answer = answer.strip().replace("\\n", "\n") if answer is not None else None
        if clean_title is not None and not 3 <= len(clean_title) <= TITLE_LIMIT:
            raise BadInput(f"The title must be 3 to {TITLE_LIMIT} characters.",
                           example="/faq add title:How do I reset my password? answer:…")
        if clean_answer is not None and not 1 <= len(clean_answer) <= ANSWER_LIMIT:
            raise BadInput(f"The answer must be 1 to {ANSWER_LIMIT} characters (it is {len(clean_answer)}).")
        try:
            clean_words = clean_keywords(keywords) if keywords is not None else None
        except ValueError as exc:
            raise BadInput(str(exc), example="keywords:password, login, account") from None
        return clean_title, clean_answer, clean_words



def _require_posting(interaction: discord.Interaction) -> None:
    """A public answer speaks in the channel: only for someone who may send messages there themselves."""
    if not interaction.permissions.send_messages:
        raise UserFacingError("You can't send messages in this channel, so the answer can't be posted here; "
                              "leave `public` off to read it yourself.")


async def _post_publicly(interaction: discord.Interaction, embed: discord.Embed) -> None:
    """An FAQ entry posted in the channel, saying who asked for it; it pings nobody."""
    embed.set_author(name=f"Shared by {interaction.user.display_name}"[:256])
    await interaction.response.send_message(embed=embed, allowed_mentions=discord.AllowedMentions.none())
