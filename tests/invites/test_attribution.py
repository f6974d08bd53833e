"""Who invited a new member: the invite whose uses went up, the vanity URL, or "unknown" — never a guess."""

from __future__ import annotations

import asyncio

import discord

from cogs.invites.api import InvitesApi, JoinAttribution
from tests.kit.invites import InvitesDesk


async def test_a_join_through_an_invite_is_attributed_to_its_inviter(invites: InvitesDesk) -> None:
    g = invites.g
    carol = await invites.join("carol", "alice1")
    assert await invites.how(carol) == ("invite", "alice1", g.admin.id)
    assert await invites.attribution(carol) == JoinAttribution("alice1", g.admin.id, "invite", 1)


async def test_two_invites_used_at_once_leave_both_joins_unknown(invites: InvitesDesk) -> None:
    dave, erin = invites.user("dave"), invites.user("erin")
    dave_m, erin_m = await invites.d.members_join(invites.server, [(dave, "alice1"), (erin, "mo1")])
    assert await invites.how(dave_m) == ("unknown", None, None)
    assert await invites.how(erin_m) == ("unknown", None, None)
    # the written-off uses do not leak into the next join: it is told again
    frank = await invites.join("frank", "mo1")
    assert await invites.how(frank) == ("invite", "mo1", invites.g.moderator.id)


async def test_two_joins_through_the_same_invite_at_once_are_both_its(invites: InvitesDesk) -> None:
    a, b = await invites.d.members_join(invites.server, [(invites.user("gail"), "alice1"),
                                                         (invites.user("hank"), "alice1")])
    assert await invites.how(a) == await invites.how(b) == ("invite", "alice1", invites.g.admin.id)
    assert (await invites.counts(invites.g.admin)).invites == 2


async def test_the_vanity_url(invites: InvitesDesk) -> None:
    invites.server.set_vanity("cosy", uses=12)
    await invites.d.settle()
    ivy = await invites.join("ivy", "cosy")
    assert await invites.how(ivy) == ("vanity", "cosy", None)
    assert await invites.attribution(ivy) == JoinAttribution("cosy", None, "vanity", None)
    # a vanity join next to an invite join at once: unknown both
    j, k = await invites.d.members_join(invites.server, [(invites.user("jo"), "cosy"), (invites.user("kim"), "mo1")])
    assert [(await invites.how(m))[0] for m in (j, k)] == ["unknown", "unknown"]


async def test_an_invite_spent_by_its_last_use_is_still_found(invites: InvitesDesk) -> None:
    g = invites.g
    g.guild.add_invite(g.general, inviter=g.moderator, code="once", max_uses=1)
    await invites.d.settle()
    liz = await invites.join("liz", "once")  # Discord deletes it (INVITE_DELETE) before GUILD_MEMBER_ADD
    assert "once" not in g.guild.invites
    assert await invites.how(liz) == ("invite", "once", g.moderator.id)


async def test_a_new_invite_made_before_the_join_counts(invites: InvitesDesk) -> None:
    g = invites.g
    fresh = g.guild.add_invite(g.general, inviter=g.member, code="bobs")
    mia = await invites.join("mia", fresh.code)
    assert await invites.how(mia) == ("invite", "bobs", g.member.id)


async def test_bots_are_not_attributed(invites: InvitesDesk) -> None:
    helper = await invites.d.member_join(invites.server, "helperbot", bot=True)
    assert await invites.how(helper) == ("unknown", None, None)


async def test_another_feature_asking_on_the_same_join_waits_for_the_answer(invites: InvitesDesk) -> None:
    """A listener of the same GUILD_MEMBER_ADD (the server log, say) may run before the invites cog's: it still
    gets the attribution of this join, not "unknown"."""
    seen: list[JoinAttribution] = []

    async def on_member_join(member: discord.Member) -> None:
        seen.append(await invites.api.attribution(member))

    bot = invites.hearth.bot
    bot.extra_events.setdefault("on_member_join", []).insert(0, on_member_join)  # before the cog's listener
    try:
        hold = invites.d.hold("GET", "/guilds/{guild_id}/invites")  # the invites cog is still reading Discord
        task = asyncio.create_task(invites.join("nell", "mo1"))
        await hold.reached.wait()
        assert seen == []
        hold.release()
        await task
    finally:
        bot.remove_listener(on_member_join, "on_member_join")
    assert seen == [JoinAttribution("mo1", invites.g.moderator.id, "invite", 1)]


async def test_leaving_marks_the_join_left_and_asks_nothing_of_discord(invites: InvitesDesk) -> None:
    olga = await invites.join("olga", "alice1")
    before = len(invites.d.requests("GET", "/guilds/{guild_id}/invites"))
    await invites.d.member_leave(invites.server, olga)
    (row,) = await invites.rows(olga)
    assert row["left_at"] == invites.hearth.clock.now() and row["latest"]
    assert len(invites.d.requests("GET", "/guilds/{guild_id}/invites")) == before


async def test_the_api_follows_the_cog_and_a_reloaded_cog_reads_the_invites_at_once(invites: InvitesDesk) -> None:
    bot = invites.hearth.bot
    await bot.reload_extension("cogs.invites")  # into a running bot: no on_ready, the cog reads the invites itself
    await invites.d.settle()
    pia = await invites.join("pia", "alice1")
    assert await invites.how(pia) == ("invite", "alice1", invites.g.admin.id)
    assert (await invites.attribution(pia)).inviter_invites == 1
    await bot.unload_extension("cogs.invites")
    assert bot.apis.get(InvitesApi) is None
