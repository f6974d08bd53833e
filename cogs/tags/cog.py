"""`/tag`: named snippets (text, links, an image) that anyone posts with `/tag get`, kept by their owners.

Who may do what is in `rules.py`; names and texts are checked in `names.py`; what a post looks like and the pings
it may make in `posting.py`. Posting a tag reads it once (one query, by name or alias) and counts the use in
memory: uses are written in batches by a `FlushLoop` (and at shutdown), as custom command uses are.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from cogs.tags import repo
from cogs.tags.api import TagsApi, TagSaved
from cogs.tags.forms import TagTextForm
from cogs.tags.http import TagRoutes
from cogs.tags.model import Tag
from cogs.tags.names import CONTENT_MAX, NAME_MAX
from cogs.tags.posting import pings_for, post_of
from cogs.tags.rules import is_tag_staff, require_manage, require_may_create, require_room
from cogs.tags.settings import SETTINGS
from core.cog_base import HearthCog
from core.flush_loop import FlushLoop
from core.modules import declare
from core.use_counts import UseCounts
from utils.errors import BadInput, UserFacingError
from utils.members import find_member
from utils.paginator import Paginator

log = logging.getLogger(__name__)
FLUSH_INTERVAL = 10.0
MAX_BACKOFF = 120.0
PAGE = 15
SEARCH_SHOWN = 10
NONE = discord.AllowedMentions.none()

Choices = list[app_commands.Choice[str]]


def ping_note(withheld: list[str]) -> str:
    """Tell whoever set the text what in it will not ping ("" when everything may)."""
    if not withheld:
        return ""
    return (f"{', '.join(withheld)} will not ping: a tag pings only what its last author and the member "
            "posting it may both ping.")


def _where(interaction: discord.Interaction) -> Any:
    """The channel the text's pings are judged in (the one the command is used in)."""
    channel = interaction.channel
    return channel if isinstance(channel, discord.abc.GuildChannel | discord.Thread) else None


def _note(saved: TagSaved) -> str:
    note = ping_note(saved.withheld)
    return f"\nℹ️ {note}" if note else ""


def _excerpt(text: str, limit: int = 100) -> str:
    flat = " ".join(text.split())
    return discord.utils.escape_markdown(flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…")


class TagsCog(HearthCog, name="Tags"):
    """The guild's tags."""

    pool_size = 2
    settings = SETTINGS
    module = declare("tags", "Tags", docs="tags.md", summary="stored snippets posted with /tag")

    tag = app_commands.Group(name="tag", description="Tags: saved answers anyone can post", guild_only=True)

    def __init__(self, bot: Any) -> None:
        super().__init__(bot)
        self.uses = UseCounts(repo.add_uses, "Tags")
        self.flusher = FlushLoop(
            "Tags", lambda: self.uses.flush(self.pool), bot.clock, interval=FLUSH_INTERVAL, max_backoff=MAX_BACKOFF,
            backlog=lambda: f"{len(self.uses)} tag use count(s)",
            dropped=lambda: f"{self.uses.dropped} dropped while the buffer was full")
        self.api: TagsApi | None = None
        self.routes: TagRoutes | None = None

    async def load(self) -> None:
        self.api = TagsApi(self.bot, self.pool, self.uses)
        self.bot.apis.publish(TagsApi, self.api)  # tickets' canned replies, /ask and the dashboard use it
        self.routes = TagRoutes(self.bot, self.api)  # /api/v1/guilds/{guild}/tags
        self.bot.api.include(self.routes.router)
        self.flusher.start()

    async def unload(self) -> None:
        self.bot.apis.withdraw(TagsApi, self.api)
        if self.routes is not None:
            self.bot.api.remove(self.routes.router)
        await self.flusher.stop(timeout=5)

    # --- helpers ---------------------------------------------------------------------------------------------

    @property
    def tags(self) -> TagsApi:
        """The loaded cog's API (the one code path of changes)."""
        assert self.api is not None
        return self.api

    async def _find(self, interaction: discord.Interaction, name: str) -> tuple[Tag, bool]:
        """The tag called `name` here and whether `name` is an alias; a human refusal naming close names."""
        return await self.tags.find(interaction.guild_id, name)

    async def _reply(self, interaction: discord.Interaction, text: str) -> None:
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NONE)

    # --- everyone ----------------------------------------------------------------------------------------------

    @tag.command(name="get", description="Post a tag in this channel")
    @app_commands.describe(name="The tag's name or alias")
    async def get(self, interaction: discord.Interaction, name: str) -> None:
        tag, _ = await self._find(interaction, name)  # the one database round trip of a use
        post = post_of(tag)
        channel = interaction.channel
        if isinstance(channel, discord.abc.GuildChannel | discord.Thread) and isinstance(interaction.user,
                                                                                      discord.Member):
            mentions = await pings_for(tag, post.content, channel, interaction.user)
        else:
            mentions = NONE
        await interaction.response.send_message(post.content, embed=post.embed or discord.utils.MISSING,
                                                allowed_mentions=mentions)
        self.uses.add(tag.guild_id, tag.id)

    @tag.command(name="info", description="Who owns a tag, its aliases and uses")
    @app_commands.describe(name="The tag's name or alias")
    async def info(self, interaction: discord.Interaction, name: str) -> None:
        tag, is_alias = await self._find(interaction, name)
        aliases = await repo.aliases(self.pool, tag.guild_id, tag.id)
        embed = discord.Embed(title=f"🏷️ {tag.name}", colour=discord.Colour.blurple())
        if is_alias:
            embed.description = f"`{tag.matched}` is an alias of `{tag.name}`."
        embed.add_field(name="Owner", value=f"<@{tag.owner_id}>" if tag.owner_id else "nobody (claimable)")
        embed.add_field(name="Uses", value=str(tag.uses + self.uses.pending(tag.guild_id, tag.id)))
        embed.add_field(name="Created", value=discord.utils.format_dt(tag.created_at, "D"))
        if tag.updated_at != tag.created_at:
            embed.add_field(name="Last changed", value=discord.utils.format_dt(tag.updated_at, "R"))
        if tag.content_set_by and tag.content_set_by != tag.owner_id:
            embed.add_field(name="Text last set by", value=f"<@{tag.content_set_by}>")
        embed.add_field(name="Aliases", value=", ".join(f"`{a}`" for a in aliases)[:1024] or "none", inline=False)
        await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=NONE)

    @tag.command(name="list", description="The server's tags, or one member's")
    @app_commands.describe(member="Only this member's tags")
    async def list_(self, interaction: discord.Interaction, member: discord.Member | None = None) -> None:
        await self.uses.flush(self.pool)  # the counts shown include the uses not yet written
        guild_id, owner = interaction.guild_id, member.id if member else None
        title = f"Tags of {member.display_name}" if member else "Tags"

        async def page(index: int) -> tuple[discord.Embed, int]:
            rows, total = await repo.page(self.pool, guild_id, owner, PAGE, index * PAGE)
            lines = [f"`{name}` · {uses} use(s)" + ("" if member else f" · <@{by}>" if by else " · claimable")
                     for name, uses, by in rows]
            embed = discord.Embed(title=title[:256], colour=discord.Colour.blurple(),
                                  description="\n".join(lines) or "No tags yet: create one with `/tag create`.")
            return embed, total

        await Paginator(interaction.user.id, page, PAGE).send(interaction)

    @tag.command(name="search", description="Find tags by name (typos forgiven) or by their text")
    @app_commands.describe(query="Words to look for")
    async def search(self, interaction: discord.Interaction,
                     query: app_commands.Range[str, 1, 100]) -> None:
        hits = await repo.search(self.pool, interaction.guild_id, query, SEARCH_SHOWN)
        if not hits:
            await self._reply(interaction, f"No tag matches **{discord.utils.escape_markdown(query)}**.")
            return
        lines = [f"**{hit.tag.name}** · {_excerpt(hit.tag.content)}" for hit in hits]
        embed = discord.Embed(title=f"Tags matching “{query}”"[:256], description="\n".join(lines)[:4096],
                              colour=discord.Colour.blurple())
        embed.set_footer(text="Post one with /tag get.")
        await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=NONE)

    # --- owners and staff --------------------------------------------------------------------------------------

    @tag.command(name="create", description="Create a tag (you own it)")
    @app_commands.describe(name=f"1–{NAME_MAX} characters: letters, digits, spaces",
                           content=f"The text (up to {CONTENT_MAX} characters; leave it out for a multi-line form; "
                                   "an image URL on the last line is shown as an image)")
    async def create(self, interaction: discord.Interaction, name: str, content: str | None = None) -> None:
        if content is None:  # the rules now, and again on submit: time passes while the form is open
            clean = await self.tags.may_create(interaction.user, name)

            async def save(answered: discord.Interaction, typed: str) -> None:
                saved = await self.tags.create(answered.user, clean, typed, _where(answered))
                await self._created(answered, saved)

            await interaction.response.send_modal(TagTextForm(f"New tag: {clean}", save))
            return
        await self._created(interaction, await self.tags.create(interaction.user, name, content, _where(interaction)))

    async def _created(self, interaction: discord.Interaction, saved: TagSaved) -> None:
        name = saved.tag.name
        await self._reply(interaction, f"✅ Tag `{name}` created. Post it with `/tag get name:{name}`." + _note(saved))

    @tag.command(name="edit", description="Replace a tag's text (its owner or staff)")
    @app_commands.describe(name="The tag's name or alias",
                           content="The new text (leave it out to edit the current text in a multi-line form)")
    async def edit(self, interaction: discord.Interaction, name: str, content: str | None = None) -> None:
        if content is None:  # the rules now, and again on submit
            tag = await self.tags.may_edit(interaction.user, name)

            async def save(answered: discord.Interaction, typed: str) -> None:
                await self._edited(answered, await self.tags.edit(answered.user, tag.name, typed, _where(answered)))

            await interaction.response.send_modal(TagTextForm(f"Edit tag: {tag.name}", save, tag.content))
            return
        await self._edited(interaction, await self.tags.edit(interaction.user, name, content, _where(interaction)))

    async def _edited(self, interaction: discord.Interaction, saved: TagSaved) -> None:
        await self._reply(interaction, f"✅ Tag `{saved.tag.name}` updated." + _note(saved))

    @tag.command(name="delete", description="Delete a tag with its aliases, or just one alias (owner or staff)")
    @app_commands.describe(name="The tag's name (deletes the tag and its aliases) or an alias (deletes the alias)")
    async def delete(self, interaction: discord.Interaction, name: str) -> None:
        gone = await self.tags.delete(interaction.user, name)
        if gone.alias is not None:
            await self._reply(interaction, f"🗑️ Alias `{gone.alias}` deleted (the tag `{gone.name}` stays).")
            return
        also = f" and its alias(es) {', '.join(f'`{a}`' for a in gone.aliases)}" if gone.aliases else ""
        await self._reply(interaction, f"🗑️ Tag `{gone.name}`{also} deleted.")

    @tag.command(name="alias", description="Give a tag another name (its owner or staff)")
    @app_commands.describe(alias="The new name", tag="The tag it points to")
    async def alias(self, interaction: discord.Interaction, alias: str, tag: str) -> None:
        clean, target = await self.tags.add_alias(interaction.user, alias, tag)
        await self._reply(interaction, f"✅ `{clean}` now posts the tag `{target.name}`.")

    @tag.command(name="transfer", description="Give a tag to another member (its owner or staff)")
    @app_commands.describe(name="The tag's name or alias", member="Its new owner")
    async def transfer(self, interaction: discord.Interaction, name: str, member: discord.Member) -> None:
        tag, _ = await self._find(interaction, name)
        await require_manage(self.bot, interaction.user, tag, "transfer")
        if member.bot:
            raise BadInput("A bot cannot own a tag; pick a member.")
        if member.id == tag.owner_id:
            raise BadInput(f"{member.mention} already owns `{tag.name}`.")
        await require_room(self.bot, self.pool, tag.guild_id, member, staff=await is_tag_staff(self.bot, member),
                           you=False)
        await repo.set_owner(self.pool, tag.guild_id, tag.id, member.id, self.bot.clock.now())
        await self._reply(interaction, f"✅ {member.mention} now owns the tag `{tag.name}`.")

    @tag.command(name="claim", description="Take over a tag whose owner left the server")
    @app_commands.describe(name="The tag's name or alias")
    async def claim(self, interaction: discord.Interaction, name: str) -> None:
        tag, _ = await self._find(interaction, name)
        if tag.owner_id == interaction.user.id:
            raise BadInput(f"You already own `{tag.name}`.")
        if tag.owner_id is not None and await find_member(interaction.guild, tag.owner_id) is not None:
            raise UserFacingError(f"`{tag.name}` is owned by <@{tag.owner_id}>, who is still on the server: ask them "
                                  "to `/tag transfer` it.")
        staff = await require_may_create(self.bot, interaction.user, "claim tags")
        await require_room(self.bot, self.pool, tag.guild_id, interaction.user, staff=staff)
        if not await repo.claim(self.pool, tag.guild_id, tag.id, tag.owner_id, interaction.user.id,
                                self.bot.clock.now()):
            raise UserFacingError(f"Someone else claimed `{tag.name}` just before you.")
        await self._reply(interaction, f"✅ You now own the tag `{tag.name}`.")

    # --- autocomplete (the commands' own rules: only tags one may change are offered for changing) -----------

    async def _choices(self, interaction: discord.Interaction, current: str, *, mine: bool) -> Choices:
        owner = None
        if mine and not await is_tag_staff(self.bot, interaction):
            owner = interaction.user.id
        found = await repo.names_like(self.pool, interaction.guild_id, current[:NAME_MAX], owner=owner)
        return [app_commands.Choice(name=f"{name} → {tag_name}" if is_alias else name, value=name)
                for name, is_alias, tag_name in found]

    @get.autocomplete("name")
    @info.autocomplete("name")
    @claim.autocomplete("name")
    async def _any_name(self, interaction: discord.Interaction, current: str) -> Choices:
        return await self._choices(interaction, current, mine=False)

    @alias.autocomplete("tag")
    @edit.autocomplete("name")
    @delete.autocomplete("name")
    @transfer.autocomplete("name")
    async def _my_name(self, interaction: discord.Interaction, current: str) -> Choices:
        return await self._choices(interaction, current, mine=True)
