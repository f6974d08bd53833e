"""`TagDesk`: tags in the default guild — make, post and read tags as the stand-in's people would."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cogs.tags.model import Tag
from tests.kit.desks import FeatureDesk
from tests.standin.models import Member


@dataclass
class TagDesk(FeatureDesk):
    """The default guild with the tags cog."""

    @property
    def cog(self) -> Any:
        """The loaded tags cog."""
        return self.hearth.bot.get_cog("Tags")

    async def run(self, command: str, user: Member | None = None, **options: Any) -> Any:
        """`/tag <command>` as `user` (default: the member) in #general; the interaction's result."""
        return await self.d.slash(f"tag {command}", user=user or self.member, guild=self.server,
                                  channel=self.g.general, options=options)

    async def create(self, name: str, content: str, user: Member | None = None) -> Any:
        """`/tag create` that must succeed."""
        result = await self.run("create", user, name=name, content=content)
        assert result.ephemeral and result.text.startswith("✅"), result.text
        return result

    async def post(self, name: str, user: Member | None = None) -> Any:
        """`/tag get` as `user`; the interaction result (its `message` is the public post)."""
        return await self.run("get", user, name=name)

    async def tag(self, name: str) -> Tag | None:
        """The tag by name or alias, read through the repo."""
        from cogs.tags import repo

        found = await repo.by_name(self.db, self.server.id, name)
        return found[0] if found else None

    async def count(self) -> int:
        """Tags in the default guild."""
        return await self.db.fetchval("SELECT count(*) FROM tags WHERE guild_id = $1", self.server.id)

    def posts(self) -> list[Any]:
        """The bot's public messages in #general."""
        return [m for m in self.d.messages_in(self.g.general) if m.author.id == self.hearth.bot.user.id]
