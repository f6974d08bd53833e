"""GDPR: a member's joins, the joins through their invites (without who joined) and the adjustments are exported;
erasure anonymises (the inviters' counts stay right) and deletes the adjustments of their count. And guild A never
sees guild B's joins."""

from __future__ import annotations

from cogs.invites.gdpr import TABLES
from core.gdpr import erase_everything, export_everything
from tests.kit.invites import InvitesDesk


async def test_export_of_a_member_and_of_an_inviter(invites: InvitesDesk) -> None:
    g = invites.g
    carol = await invites.join("carol", "alice1")
    await invites.d.slash("invites set", user=g.owner, member=carol, count=3)
    await invites.d.slash("invites set", user=g.admin, member=g.moderator, count=1)
    data, missing = await export_everything(invites.hearth.bot, invites.db, carol.id)
    assert missing == []
    mine = data["invites"]
    assert set(mine) == set(TABLES)
    (join,) = mine["invite_joins"]
    assert (join["user_id"], join["code"], join["inviter_id"], join["how"]) == (carol.id, "alice1", g.admin.id,
                                                                                  "invite")
    assert [(a["user_id"], a["value"]) for a in mine["invite_adjustments"]] == [(carol.id, 3)]
    alice = (await export_everything(invites.hearth.bot, invites.db, g.admin.id))[0]["invites"]
    (through,) = alice["invite_joins"]
    assert through["role"] == "inviter" and through["code"] == "alice1" and "user_id" not in through
    assert [a["role"] for a in alice["invite_adjustments"]] == ["set_by"]  # what she set for mo, by id only
    assert set(alice["invite_adjustments"][0]) == {"id", "role"}


async def test_erasure_anonymises_and_counts_stay_right(invites: InvitesDesk) -> None:
    g = invites.g
    carol = await invites.join("carol", "alice1")
    await invites.join("dave", "alice1")
    await invites.d.slash("invites set", user=g.owner, member=carol, count=3)
    await invites.d.slash("invites set", user=g.admin, member=g.moderator, count=1)
    erasure = await erase_everything(invites.hearth.bot, invites.db, carol.id)
    assert erasure.committed and erasure.not_erased == []
    assert erasure.report.anonymised["invite_joins"] == 1 and erasure.report.deleted["invite_adjustments"] == 1
    assert await invites.db.fetchval("SELECT count(*) FROM invite_joins WHERE user_id = $1", carol.id) == 0
    assert await invites.db.fetchval("SELECT count(*) FROM invite_adjustments WHERE user_id = $1", carol.id) == 0
    assert (await invites.counts(g.admin)).invites == 2  # carol's join still counts for alice, anonymously
    # the inviter erased: the joins stay, through nobody's invite
    erasure = await erase_everything(invites.hearth.bot, invites.db, g.admin.id)
    assert erasure.report.anonymised["invite_joins"] == 2 and erasure.report.anonymised["invite_adjustments"] == 1
    rows = await invites.rows()
    assert [(r["inviter_id"], r["code"], r["how"]) for r in rows] == [(None, None, "invite")] * 2
    assert await invites.db.fetchval("SELECT count(*) FROM invite_adjustments WHERE set_by = $1", g.admin.id) == 0
    assert (await invites.counts(g.moderator)).invites == 1  # the adjustment she made stays, without her


async def test_guild_a_never_sees_guild_b(invites: InvitesDesk) -> None:
    d = invites.d
    other = d.add_guild("Other Guild", owner="olga")
    channel = other.add_text_channel("b-general")
    other.add_invite(channel, inviter=other.owner, code="olga1")
    await d.settle()
    b_member = await d.member_join(other, invites.user("zed"), invite="olga1")
    assert [r["user_id"] for r in await invites.db.fetch("SELECT user_id FROM invite_joins WHERE guild_id = $1",
                                                            other.id)] == [b_member.id]
    await invites.join("carol", "alice1")
    shown = await d.slash("invites show", user=invites.member, member=other.owner)
    assert "**0** invite(s)" in shown.text
    invites.server.set_overwrite(invites.g.general, invites.server.bot_role, deny=["attach_files"])
    await d.settle()
    text = await d.slash("invites leaderboard", user=invites.member)
    assert text.embeds[0]["description"] == "**#1** alice — 1 invite(s)"
    from_b = await d.slash("invites show", user=other.owner, guild=other, channel=channel)
    assert "Joined through their invites" in from_b.text
    fields = {f["name"]: f["value"] for f in from_b.embeds[0]["fields"]}
    assert fields["Joined through their invites"] == "1"
