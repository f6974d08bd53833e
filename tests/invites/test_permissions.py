"""Without Manage Server the bot cannot read the invites: joins are unknown (never guessed), the log channel is
told once, and attribution works again once the permission is back."""

from __future__ import annotations

import discord

from cogs.invites.cog import BLIND
from tests.kit.invites import InvitesDesk

INVITES_ROUTE = "/guilds/{guild_id}/invites"


async def _set_manage_server(invites: InvitesDesk, on: bool) -> None:
    server = invites.server
    permissions = discord.Permissions.all()
    permissions.administrator = False
    permissions.manage_guild = on
    server.set_role_permissions(server.bot_role, permissions)
    await invites.d.settle()


async def test_no_manage_server_means_unknown_reported_once(invites: InvitesDesk) -> None:
    await _set_manage_server(invites, False)
    asked = len(invites.d.requests("GET", INVITES_ROUTE))
    carol = await invites.join("carol", "alice1")
    dave = await invites.join("dave", "mo1")
    assert await invites.how(carol) == await invites.how(dave) == ("unknown", None, None)
    assert invites.log_texts() == [BLIND]
    assert "**Manage Server**" in BLIND
    assert len(invites.d.requests("GET", INVITES_ROUTE)) == asked  # known missing: not even asked


async def test_a_refusal_from_discord_counts_as_no_manage_server(invites: InvitesDesk) -> None:
    invites.d.fail("GET", INVITES_ROUTE, status=403, json={"message": "Missing Permissions", "code": 50013},
                   times=None)
    erin = await invites.join("erin", "alice1")
    assert await invites.how(erin) == ("unknown", None, None)
    assert invites.log_texts() == [BLIND]


async def test_attribution_works_again_when_the_permission_is_back(invites: InvitesDesk) -> None:
    await _set_manage_server(invites, False)
    await invites.join("carol", "alice1")
    await _set_manage_server(invites, True)  # the role update makes the bot read the invites again
    frank = await invites.join("frank", "mo1")
    assert await invites.how(frank) == ("invite", "mo1", invites.g.moderator.id)
    assert invites.log_texts() == [BLIND]
