"""Across a restart: the invites are read again from Discord on start; joins while the bot was down are recorded
as unknown (never attributed to the invite whose uses went up meanwhile), leaves while down are marked, and the
next join is attributed again."""

from __future__ import annotations

from tests.kit.invites import InvitesDesk


async def _down(invites: InvitesDesk) -> None:
    await invites.d.disconnect(invites.hearth.bot)


async def _up(invites: InvitesDesk) -> None:
    invites.hearth.bot = await invites.d.connect(invites.hearth.make_bot())


async def test_joins_while_down_are_unknown_and_attribution_works_again_after(invites: InvitesDesk) -> None:
    g = invites.g
    carol = await invites.join("carol", "alice1")
    await _down(invites)
    dave = invites.server.join(invites.user("dave"), invite="alice1")  # Discord counts the use; no bot hears it
    await invites.d.member_leave(invites.server, carol, settle=False)
    await _up(invites)
    assert await invites.how(dave) == ("unknown", None, None)
    (carol_row,) = await invites.rows(carol)
    assert carol_row["left_at"] is not None and carol_row["how"] == "invite"
    assert (await invites.counts(g.admin)).invites == 0  # carol left, dave is nobody's
    assert (await invites.attribution(dave)).how == "unknown"
    erin = await invites.join("erin", "alice1")  # the snapshot read on start already holds dave's use
    assert await invites.how(erin) == ("invite", "alice1", g.admin.id)
    assert (await invites.counts(g.admin)).invites == 1


async def test_members_from_before_tracking_are_not_taken_for_missed_joins(invites: InvitesDesk) -> None:
    await invites.join("carol", "alice1")
    await _down(invites)
    await _up(invites)
    assert [r["user_id"] for r in await invites.rows()] == [invites.server.member("carol").id]


async def test_a_member_who_left_and_rejoined_while_down_counts_for_nobody(invites: InvitesDesk) -> None:
    g = invites.g
    carol = await invites.join("carol", "alice1")
    await _down(invites)
    await invites.d.member_leave(invites.server, carol, settle=False)
    invites.server.join(carol.user, invite="mo1")
    await _up(invites)
    first, second = await invites.rows(carol)
    assert (first["how"], first["latest"]) == ("invite", False)
    assert (second["how"], second["latest"], second["left_at"]) == ("unknown", True, None)
    assert (await invites.counts(g.admin)).joins == 0 and (await invites.counts(g.moderator)).joins == 0

