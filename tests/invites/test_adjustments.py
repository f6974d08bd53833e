"""Admins adjust counts with `/invites set` and `/invites reset`: an adjustment is a row of its own and the count
goes on from it; the join history is never rewritten. Resetting everyone asks to confirm."""

from __future__ import annotations

from typing import Any

from discord import app_commands

from tests.kit.invites import InvitesDesk
from utils.errors import UserFacingError


async def _history(invites: InvitesDesk) -> list[dict[str, Any]]:
    return await invites.rows()


async def test_set_then_new_invites_add_to_it(invites: InvitesDesk) -> None:
    g = invites.g
    await invites.join("carol", "alice1")
    history = await _history(invites)
    done = await invites.d.slash("invites set", user=g.admin, member=g.admin, count=10)
    assert done.ephemeral and "now has 10 invite(s)" in done.text
    assert (await invites.counts(g.admin)).invites == 10
    await invites.join("dave", "alice1")
    counts = await invites.counts(g.admin)
    assert (counts.invites, counts.joins) == (11, 2)
    assert (await _history(invites))[:1] == history  # carol's join is as it was
    (row,) = await invites.db.fetch("SELECT kind, value, set_by FROM invite_adjustments")
    assert dict(row) == {"kind": "set", "value": 10, "set_by": g.admin.id}
    shown = await invites.d.slash("invites show", user=g.member, member=g.admin)
    assert "set to 10 by" in shown.text and "**11** invite(s)" in shown.text


async def test_reset_of_one_member_keeps_the_history(invites: InvitesDesk) -> None:
    g = invites.g
    carol = await invites.join("carol", "alice1")
    await invites.join("dave", "mo1")
    history = await _history(invites)
    done = await invites.d.slash("invites reset", user=g.owner, member=g.admin)
    assert "start again from 0" in done.text
    assert (await invites.counts(g.admin)).invites == 0 and (await invites.counts(g.moderator)).invites == 1
    await invites.d.member_leave(invites.server, carol)  # an earlier join leaving takes nothing off after a reset
    assert (await invites.counts(g.admin)).invites == 0
    assert [r["id"] for r in await _history(invites)] == [r["id"] for r in history]


async def test_reset_of_everyone_asks_first(invites: InvitesDesk) -> None:
    g = invites.g
    await invites.join("carol", "alice1")
    await invites.join("dave", "mo1")
    await invites.d.slash("invites set", user=g.owner, member=g.member, count=4)
    asked = await invites.d.slash("invites reset", user=g.owner, options={"all": True})
    assert asked.ephemeral and "everyone's" in asked.text
    assert await invites.db.fetchval("SELECT count(*) FROM invite_adjustments") == 1  # nothing yet
    cancelled = await invites.d.click(asked, "Cancel", user=g.owner)
    assert "nothing was changed" in cancelled.message.content
    asked = await invites.d.slash("invites reset", user=g.owner, options={"all": True})
    await invites.d.click(asked, "Reset everyone's invites", user=g.owner)
    assert [(await invites.counts(m)).invites for m in (g.admin, g.moderator, g.member)] == [0, 0, 0]
    assert len(await _history(invites)) == 2
    await invites.join("erin", "mo1")  # the count goes on from the reset
    assert (await invites.counts(g.moderator)).invites == 1
    await invites.d.slash("invites set", user=g.owner, member=g.admin, count=7)  # later than the reset: it wins
    assert (await invites.counts(g.admin)).invites == 7


async def test_members_cannot_adjust(invites: InvitesDesk) -> None:
    g = invites.g
    await invites.join("carol", "alice1")
    for command, options in (("invites set", {"member": g.member, "count": 100}),
                             ("invites reset", {"member": g.admin}), ("invites reset", {"all": True})):
        async with invites.d.expect_errors(app_commands.MissingPermissions, required=False):
            refused = await invites.d.slash(command, user=g.member, options=options, check_permissions=False)
        assert refused.ephemeral and "Manage Server" in refused.text, refused.text
    assert await invites.db.fetchval("SELECT count(*) FROM invite_adjustments") == 0
    assert (await invites.counts(g.admin)).invites == 1


async def test_reset_needs_one_target(invites: InvitesDesk) -> None:
    g = invites.g
    for options in ({}, {"member": g.admin, "all": True}):
        async with invites.d.expect_errors(UserFacingError):
            refused = await invites.d.slash("invites reset", user=g.owner, options=options)
        assert refused.ephemeral and "Give either a member or all:True" in refused.text
    assert await invites.db.fetchval("SELECT count(*) FROM invite_adjustments") == 0


async def test_the_confirmation_checks_the_permission_again(invites: InvitesDesk) -> None:
    g = invites.g
    asked = await invites.d.slash("invites reset", user=g.admin, options={"all": True})
    g.guild.set_role_permissions(g.guild.role("Admin"), ["view_channel", "send_messages"])
    await invites.d.settle()
    pressed = await invites.d.click(asked, "Reset everyone's invites", user=g.admin)
    assert "nothing was changed" in pressed.message.content
    assert await invites.db.fetchval("SELECT count(*) FROM invite_adjustments") == 0
