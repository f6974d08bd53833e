"""The join announcement: off by default; the admin's template filled in; it may ping the new member at most,
whatever the template or anyone's name says."""

from __future__ import annotations

from cogs.invites.announce import DEFAULT_TEMPLATE, UNKNOWN_INVITER
from tests.kit.invites import InvitesDesk
from utils.errors import UserFacingError


async def test_no_announcement_by_default(invites: InvitesDesk) -> None:
    await invites.join("carol", "alice1")
    assert [m for c in invites.server.channels for m in invites.d.messages_in(c)] == []


async def test_the_default_announcement(invites: InvitesDesk) -> None:
    await invites.setting("invites", "announce_channel", invites.welcome.id)
    carol = await invites.join("carol", "alice1")
    (post,) = invites.d.messages_in(invites.welcome)
    count = invites.server.member_count
    assert post.content == (f"👋 <@{carol.id}> joined, invited by <@{invites.g.admin.id}> (1 invites). "
                            f"We are now {count} members!")
    assert post.pings.users == [carol.id] and not post.pings.roles and not post.pings.everyone
    assert DEFAULT_TEMPLATE.startswith("👋 {member}")


async def test_hostile_names_ping_no_one(invites: InvitesDesk) -> None:
    g = invites.g
    loud = g.guild.add_role("Everyone-ish", [], mentionable=True)
    await invites.d.settle()
    await invites.setting("invites", "announce_channel", invites.welcome.id)
    await invites.setting("invites", "announce_template",
                          "{member.name} came via {inviter} / {inviter.name} @everyone <@&" + str(loud.id) + ">")
    g.guild.set_nick(g.admin, f"@everyone <@&{loud.id}> **alice**")
    hostile = invites.user(f"@here <@&{loud.id}> <@{g.owner.id}>")
    await invites.d.settle()
    await invites.join(hostile, "alice1")
    (post,) = invites.d.messages_in(invites.welcome)
    assert not post.pings.everyone and post.pings.roles == [] and post.pings.users == []
    assert post.allowed_mentions["parse"] == [] and [int(u) for u in post.allowed_mentions["users"]] == [hostile.id]
    assert "\\*\\*alice\\*\\*" in post.content and "@\u200bhere" in post.content


async def test_unknown_inviter_and_who_gets_pinged(invites: InvitesDesk) -> None:
    await invites.setting("invites", "announce_channel", invites.welcome.id)
    await invites.setting("invites", "announce_template", "{member} — {inviter} ({invites})")
    a, b = await invites.d.members_join(invites.server, [(invites.user("x"), "alice1"), (invites.user("y"), "mo1")])
    posts = invites.d.messages_in(invites.welcome)
    assert sorted(p.content for p in posts) == sorted(f"<@{m.id}> — {UNKNOWN_INVITER} (—)" for m in (a, b))
    assert sorted(p.pings.users[0] for p in posts) == sorted([a.id, b.id])


async def test_a_bad_template_is_refused_when_set(invites: InvitesDesk) -> None:
    async with invites.d.expect_errors(UserFacingError, required=False):
        answer = await invites.d.slash("config set", user=invites.owner, scope="invites", key="announce_template",
                                       value="Hi {user.email}")
    assert answer.ephemeral and "Unknown variable {user.email}" in answer.text
    stored = await invites.db.fetchval("SELECT count(*) FROM bot_settings WHERE scope = 'invites'")
    assert stored == 0
