"""The HTTP API under test: the bot restarted with the API on a free port, an httpx client, and keys made the way an
admin makes them (`/config api_key create`)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest_asyncio

from tests.hearth_harness import Hearth
from tests.standin.models import Member

KEY = re.compile(r"hk_[A-Za-z0-9_-]{43}")
OTHER_GUILD = 555_000_000_000_000_009


@dataclass
class Keyed:
    """The API client and the guild's paths."""

    hearth: Hearth
    client: httpx.AsyncClient

    @property
    def base(self) -> str:
        """`/api/v1/guilds/<the test guild>`."""
        return f"/api/v1/guilds/{self.hearth.guild.guild.id}"

    async def key(self, scope: str = "read", *, by: Member | None = None, name: str = "client") -> str:
        """A new key of the test guild, created with the slash command by `by` (the admin by default)."""
        g = self.hearth.guild
        result = await self.hearth.discord.slash("config api_key create", user=by or g.admin, guild=g.guild,
                                                 name=name, scope=scope)
        found = KEY.search(result.text)
        assert found is not None, result.text
        return found.group(0)

    async def call(self, method: str, path: str, key: str, **options: Any) -> httpx.Response:
        """A keyed request: `path` under `base`, or a full `/api/…` path as given."""
        url = path if path.startswith("/api/") else f"{self.base}{path}"
        return await self.client.request(method, url, headers={"Authorization": f"Bearer {key}"}, **options)


@pytest_asyncio.fixture(loop_scope="session")
async def keyed(hearth: Hearth) -> AsyncIterator[Keyed]:
    """The bot with its HTTP API on, and a client."""
    await hearth.restart(api_enabled=True, api_port=0)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{hearth.bot.api.port}") as client:
        yield Keyed(hearth, client)
