"""A member's figures: joins through their invites, still here, left, fake (accounts younger than the configured
age when they joined); each member counts once, for the inviter of their latest join."""

from __future__ import annotations

from tests.kit.invites import InvitesDesk


async def test_fake_accounts_count_as_joins_but_not_as_invites(invites: InvitesDesk) -> None:
    alice = invites.g.admin
    await invites.join("carol", "alice1")
    await invites.join("newbie", "alice1", old=False)  # created just now: younger than 7 days
    counts = await invites.counts(alice)
    assert (counts.joins, counts.still_here, counts.left, counts.fake, counts.invites) == (2, 2, 0, 1, 1)
    await invites.setting("invites", "fake_account_age", 0)  # the rule is applied when counting: no one is fake
    shown = await invites.d.slash("invites show", user=invites.member, member=alice)
    assert "**2** invite(s)" in shown.text and "accounts younger than 0s" in shown.text


async def test_leaving_and_rejoining_counts_once_for_the_latest_inviter(invites: InvitesDesk) -> None:
    g = invites.g
    carol = await invites.join("carol", "alice1")
    await invites.d.member_leave(invites.server, carol)
    left = await invites.counts(g.admin)
    assert (left.joins, left.still_here, left.left, left.invites) == (1, 0, 1, 0)
    await invites.join(carol.user, "alice1")  # back through the same invite: still one join
    again = await invites.counts(g.admin)
    assert (again.joins, again.still_here, again.left, again.invites) == (1, 1, 0, 1)
    await invites.d.member_leave(invites.server, invites.server.member("carol"))
    await invites.join(carol.user, "mo1")  # back through mo's invite: now mo's, not alice's
    assert (await invites.counts(g.admin)).joins == 0
    mo = await invites.counts(g.moderator)
    assert (mo.joins, mo.invites) == (1, 1)
    rows = await invites.rows(carol)
    assert [(r["inviter_id"], r["latest"], r["left_at"] is not None) for r in rows] == [
        (g.admin.id, False, True), (g.admin.id, False, True), (g.moderator.id, True, False)]


async def test_show_answers_with_the_figures(invites: InvitesDesk) -> None:
    for name in ("carol", "dave"):
        await invites.join(name, "mo1")
    await invites.d.member_leave(invites.server, invites.server.member("dave"))
    shown = await invites.d.slash("invites show", user=invites.g.moderator)
    assert "mo's invites" in shown.text and "**1** invite(s)" in shown.text
    embed = shown.embeds[0]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert (fields["Joined through their invites"], fields["Still here"], fields["Left"]) == ("2", "1", "1")
    assert shown.message.pings.users == [] and not shown.ephemeral
    nobody = await invites.d.slash("invites show", user=invites.member)
    assert "**0** invite(s)" in nobody.text
