"""Invite tracking's public API: how a member joined, for other features (the server log's join entry, the welcome
message's `{inviter}`).

The invites cog publishes one `InvitesApi` on `bot.apis` while it is loaded; a caller imports this module only and
asks `bot.apis.get(InvitesApi)` (None when the cog is not loaded: do without, as with tracking off).

    joined = await attribution_of(self.bot, member)  # None: tracking not loaded, failing or slow
    if joined is not None and joined.how == "invite": ...  # joined.code, joined.inviter_id, joined.inviter_invites
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

import discord


@dataclass(frozen=True)
class JoinAttribution:
    """How a member's latest join happened.

    `how` is "invite" (with `code` and `inviter_id`), "vanity" (`code` is the vanity code) or "unknown" (it could
    not be told: never a guess). `inviter_invites` is the inviter's invite count right after this join (None
    without an inviter)."""

    code: str | None
    inviter_id: int | None
    how: Literal["invite", "vanity", "unknown"]
    inviter_invites: int | None


UNKNOWN_JOIN = JoinAttribution(None, None, "unknown", None)


class InvitesApi:
    """Invite attribution of every guild, for other features (reached as `bot.apis.get(InvitesApi)`)."""

    def __init__(self, resolve: Callable[[discord.Member], Awaitable[JoinAttribution]]) -> None:
        self._resolve = resolve

    async def attribution(self, member: discord.Member) -> JoinAttribution:
        """The attribution of `member`'s latest join. Called from an `on_member_join` listener it waits for the
        invites cog's work on that join (per guild, joins are worked out one at a time); for an earlier join it
        answers from what was recorded; "unknown" when nothing was (tracking off, or the member was here before
        tracking began)."""
        return await self._resolve(member)


ATTRIBUTION_TIMEOUT = 5.0  # seconds another feature's join handler waits for invite tracking


async def attribution_of(bot: Any, member: discord.Member, *,
                         timeout: float = ATTRIBUTION_TIMEOUT) -> JoinAttribution | None:  # noqa: ASYNC109
    """For other features' join handlers: how `member` joined, or None when invite tracking is not loaded, fails
    or takes longer than `timeout` seconds (a welcome or a log entry must not wait on it, nor fail with it)."""
    api = bot.apis.get(InvitesApi)
    if api is None:
        return None
    try:
        return await asyncio.wait_for(api.attribution(member), timeout)
    except Exception as exc:
        logging.getLogger(__name__).warning("Guild %s: invite attribution of %s failed (%r)", member.guild.id,
                                            member.id, exc)
        return None
