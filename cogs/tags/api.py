"""The tags' public API: what other features may ask of the tags (search them, get one by name), and the one code
path that creates, edits, deletes and aliases tags, used by `/tag`, the dashboard's tags page and `/api/v1` alike.

The tags cog publishes one `TagsApi` on `bot.apis` while it is loaded; a caller imports this module only and asks
`bot.apis.get(TagsApi)` (None when the tags cog is not loaded). Tickets' canned replies and `/ask` use it. The
SQL stays in `cogs/tags/repo.py`: the search is the one `/tag search` uses.

A change is made AS a member (`discord.Member`) under the rules of `/tag` (cogs/tags/rules.py: owners and staff,
`tags.members_can_create`, `tags.max_per_member`); they become the text's last author, so the tag pings only what
they may ping. The human refusals are `BadInput`/`UserFacingError`.

A caller that posts a tag's text must post it with the pings its last author may make (`Tag.content_set_by`, see
utils/mentions.py `allowed_mentions_for`), or with `AllowedMentions.none()`; `count_use` counts the post as a use.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import discord

from cogs.tags import repo
from cogs.tags.model import Tag, TagHit
from cogs.tags.names import NAME_MAX, clean_content, clean_name
from cogs.tags.posting import pings_for, post_of
from cogs.tags.rules import is_tag_staff, require_manage, require_may_create, require_room
from core.use_counts import UseCounts
from utils.errors import BadInput, UserFacingError
from utils.mentions import withheld_pings

__all__ = ["ListedTag", "Tag", "TagDeleted", "TagHit", "TagMessage", "TagSaved", "TagsApi"]
log = logging.getLogger(__name__)
SEARCH_LIMIT = 25


@dataclass(frozen=True)
class TagSaved:
    """A tag just created or edited, and what in its text will not ping (@everyone, @here, roles)."""

    tag: Tag
    withheld: list[str]


@dataclass(frozen=True)
class TagDeleted:
    """What a delete removed: the tag `name` with its `aliases`, or only the alias `alias` of the tag `name`."""

    name: str
    alias: str | None
    aliases: list[str]


@dataclass(frozen=True)
class ListedTag:
    """A tag with its aliases, as a list shows it."""

    tag: Tag
    aliases: list[str]


@dataclass(frozen=True)
class TagMessage:
    """A tag as `/tag get` posts it: its text (None when it is only an image), the image's embed, and the pings
    it may make where it is posted."""

    content: str | None
    embed: discord.Embed | None
    allowed_mentions: discord.AllowedMentions


class TagsApi:
    """The tags of every guild, for other features (reached as `bot.apis.get(TagsApi)`)."""

    def __init__(self, bot: Any, pool: Any, uses: UseCounts) -> None:
        self._bot = bot
        self._pool = pool
        self._uses = uses

    async def search(self, guild_id: int, query: str, limit: int) -> list[TagHit]:
        """The guild's tags matching `query` by name (typo-tolerant, aliases included) or by text, best first, at
        most `limit` (1–25)."""
        return await repo.search(self._pool, guild_id, query, max(1, min(limit, SEARCH_LIMIT)))

    async def get(self, guild_id: int, name: str) -> Tag | None:
        """The guild's tag with this name or alias (any case), or None. `Tag.uses` is what the database holds."""
        found = await repo.by_name(self._pool, guild_id, name)
        return found[0] if found is not None else None

    def count_use(self, guild_id: int, tag_id: int) -> None:
        """Count a post of the tag by another feature (memory only; written in batches with the tags' own uses)."""
        self._uses.add(guild_id, tag_id)

    async def message_of(self, tag: Tag, channel: Any, member: discord.Member) -> TagMessage:
        """The tag as `/tag get` posts it in `channel` for `member`: with the pings both the tag's last author and
        `member` may make there (the tags' rule, cogs/tags/posting.py)."""
        post = post_of(tag)
        return TagMessage(post.content, post.embed, await pings_for(tag, post.content, channel, member))

    # --- listing and changes (the code of /tag, also used by the dashboard and /api/v1) ----------------------

    async def listing(self, guild_id: int, before: int | None, limit: int) -> list[ListedTag]:
        """Up to `limit` tags older than the id `before` (None: the newest), newest first, with their aliases and
        their uses so far (core/api_paging.py)."""
        await self._uses.flush(self._pool)
        return [ListedTag(tag, aliases) for tag, aliases in await repo.listing(self._pool, guild_id, before, limit)]

    async def aliases(self, guild_id: int, tag_id: int) -> list[str]:
        """The aliases of a tag, by name."""
        return await repo.aliases(self._pool, guild_id, tag_id)

    async def find(self, guild_id: int, name: str) -> tuple[Tag, bool]:
        """The tag called `name` here and whether `name` is an alias; `BadInput` naming close names otherwise."""
        found = await repo.by_name(self._pool, guild_id, " ".join(name.split()))
        if found is not None:
            return found
        close = await repo.names_like(self._pool, guild_id, name, 3)
        hint = f" Did you mean {', '.join(f'`{n}`' for n, _, _ in close)}?" if close else ""
        raise BadInput(f"There is no tag `{discord.utils.escape_markdown(name[:NAME_MAX])}` on this server.{hint}",
                       example="/tag search query:rules")

    async def may_create(self, member: discord.Member, name: str) -> str:
        """Refuse a member who may not create the tag `name` now (the setting, their limit, the name); its clean
        name. `create` checks all this again: call this to refuse early, before asking for the text."""
        staff = await require_may_create(self._bot, member)
        clean = clean_name(name)
        await require_room(self._bot, self._pool, member.guild.id, member, staff=staff)
        return clean

    async def create(self, member: discord.Member, name: str, content: str, where: Any = None) -> TagSaved:
        """Create a tag owned by `member`; `where` is the channel the pings are judged in (default: server-wide)."""
        staff = await require_may_create(self._bot, member)
        clean, text = clean_name(name), clean_content(content)
        await require_room(self._bot, self._pool, member.guild.id, member, staff=staff)
        if await repo.create(self._pool, member.guild.id, clean, text, member.id, self._bot.clock.now()) is None:
            raise BadInput(f"There is already a tag or alias called `{clean}` on this server (names ignore case).",
                           example=f"/tag info name:{clean}")
        log.info("Guild %s: tag %r created by %s", member.guild.id, clean, member.id)
        return await self._saved(member, clean, text, where)

    async def may_edit(self, member: discord.Member, name: str) -> Tag:
        """The tag called `name` when `member` may edit it (its owner or staff), else the refusal."""
        tag, _ = await self.find(member.guild.id, name)
        await require_manage(self._bot, member, tag, "edit")
        return tag

    async def edit(self, member: discord.Member, name: str, content: str, where: Any = None) -> TagSaved:
        """Replace a tag's text as `member` (its owner or staff), who becomes the text's author."""
        tag = await self.may_edit(member, name)
        text = clean_content(content)
        if not await repo.set_content(self._pool, tag.guild_id, tag.id, text, member.id, self._bot.clock.now()):
            raise UserFacingError(f"The tag `{tag.name}` was deleted meanwhile.")
        log.info("Guild %s: tag %r edited by %s", tag.guild_id, tag.name, member.id)
        return await self._saved(member, tag.name, text, where)

    async def delete(self, member: discord.Member, name: str) -> TagDeleted:
        """Delete the tag called `name` with its aliases, or only the alias when `name` is an alias."""
        tag, is_alias = await self.find(member.guild.id, name)
        if is_alias:
            if not await self._may_remove_alias(member, tag):
                raise UserFacingError(f"Only the owner of `{tag.name}`, whoever made the alias, or staff can "
                                      f"delete the alias `{tag.matched}`.")
            await repo.delete_alias(self._pool, tag.guild_id, tag.matched)
            log.info("Guild %s: alias %r of tag %r deleted by %s", tag.guild_id, tag.matched, tag.name, member.id)
            return TagDeleted(tag.name, tag.matched, [])
        await require_manage(self._bot, member, tag, "delete")
        aliases = await repo.delete_tag(self._pool, tag.guild_id, tag.id)
        if aliases is None:
            raise UserFacingError(f"The tag `{tag.name}` was deleted meanwhile.")
        log.info("Guild %s: tag %r deleted by %s", tag.guild_id, tag.name, member.id)
        return TagDeleted(tag.name, None, aliases)

    async def add_alias(self, member: discord.Member, alias: str, tag_name: str) -> tuple[str, Tag]:
        """Give the tag `tag_name` the other name `alias` as `member` (its owner or staff); (the clean alias, tag)."""
        target, _ = await self.find(member.guild.id, tag_name)
        await require_manage(self._bot, member, target, "add aliases to")
        clean = clean_name(alias, "alias")
        if not await repo.add_alias(self._pool, target.guild_id, target.id, clean, member.id, self._bot.clock.now()):
            raise BadInput(f"There is already a tag or alias called `{clean}` on this server (names ignore case).")
        log.info("Guild %s: alias %r of tag %r added by %s", target.guild_id, clean, target.name, member.id)
        return clean, target

    async def _may_remove_alias(self, member: discord.Member, tag: Tag) -> bool:
        if tag.owner_id == member.id or await is_tag_staff(self._bot, member):
            return True
        return await repo.alias_maker(self._pool, tag.guild_id, tag.matched) == member.id

    async def _saved(self, member: discord.Member, name: str, text: str, where: Any) -> TagSaved:
        tag = await self.get(member.guild.id, name)
        if tag is None:
            raise UserFacingError(f"The tag `{name}` was deleted meanwhile.")
        return TagSaved(tag, withheld_pings(text, where if where is not None else member.guild, member))
