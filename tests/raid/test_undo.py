"""The alert's one button undoes the brake exactly: the verification level and invites as they were before, the
timeouts lifted (each an untimeout case closing the timeout's case); only what raid protection itself did, only
what the clicker may do themselves, and once."""

from __future__ import annotations

from datetime import timedelta

from tests.kit.raid import Raid


async def _raid_on_a_low_level_server(raid: Raid) -> list:
    raid.server.set_verification_level(1, by=raid.g.admin)  # Low, set by an admin before the raid
    await raid.d.settle()
    return await raid.raid(18)


async def test_the_undo_restores_the_previous_state_exactly(raid: Raid) -> None:
    raiders = await _raid_on_a_low_level_server(raid)
    assert raid.server.verification_level == 3 and raid.server.invites_paused
    result = await raid.d.click(raid.alert(), "Undo all of this", user=raid.owner)
    assert result.ephemeral and "is undone" in result.text, result.text
    assert "back to Low" in result.text and "Invites are resumed" in result.text
    assert "18 timeouts lifted (cases #21–#38)" in result.text
    assert raid.server.verification_level == 1 and not raid.server.invites_paused
    assert not any(raid.timed_out(member) for member in raiders)
    cases = await raid.cases()
    untimeouts = [c for c in cases if c["type"] == "untimeout"]
    assert len(untimeouts) == 18 and {c["moderator_id"] for c in untimeouts} == {raid.owner.id}
    timeout_of = {c["target_id"]: c["number"] for c in cases if c["type"] == "timeout"}
    assert all(c["linked_case"] == timeout_of[c["target_id"]] for c in untimeouts)
    # The server-wide part is a case too: the brake by raid protection, its lifting by who undid it.
    brake, lifted = [c for c in cases if c["type"] in ("server_brake", "server_brake_lifted")]
    assert (brake["number"], brake["target_id"], brake["automod_rule"]) == (17, None, "Raid protection")
    assert "Verification level raised to High; invites paused" in brake["reason"]
    assert (lifted["number"], lifted["moderator_id"]) == (20, raid.owner.id)
    assert lifted["reason"].startswith("Verification level back to Low. Invites resumed.")
    incident = await raid.incident()
    assert (incident.undone_by, incident.end_reason, incident.level_outcome, incident.invites_outcome) == (
        raid.owner.id, "undone", "restored", "restored")
    alert = raid.alert()
    assert alert.buttons()[0]["label"] == "Undone" and alert.buttons()[0]["disabled"]
    assert "Undone by" in raid.field(alert, "Status") and "(put back)" in raid.field(alert, "Brake")
    later = await raid.join("after-undo", after=5)  # the incident is over: nobody is caught any more
    assert not raid.timed_out(later)


async def test_a_level_an_admin_changed_in_between_is_not_overwritten(raid: Raid) -> None:
    await _raid_on_a_low_level_server(raid)
    raid.server.set_verification_level(2, by=raid.g.admin)  # Medium: the admin's own decision during the raid
    await raid.d.settle()
    result = await raid.d.click(raid.alert(), "Undo all of this", user=raid.owner)
    assert "The verification level is now Medium: someone changed it" in result.text, result.text
    assert raid.server.verification_level == 2 and not raid.server.invites_paused
    assert (await raid.incident()).level_outcome == "changed"
    assert "changed by someone since: left as is" in raid.field(raid.alert(), "Brake")


async def test_a_timeout_a_moderator_changed_is_left_and_a_lifted_one_is_not_counted(raid: Raid) -> None:
    raiders = await raid.raid(16)
    raid.server.timeout(raid.server.members[raiders[0].id], timedelta(days=3), by=raid.g.moderator)
    raid.server.timeout(raid.server.members[raiders[1].id], None, by=raid.g.moderator)
    await raid.d.settle()
    result = await raid.d.click(raid.alert(), "Undo all of this", user=raid.owner)
    assert "14 timeouts lifted" in result.text and "1 timeout changed by someone since" in result.text
    assert "1 member no longer timed out" in result.text
    assert raid.timed_out(raiders[0]) and not raid.timed_out(raiders[2])


async def test_someone_without_the_permissions_is_refused(raid: Raid) -> None:
    raiders = await raid.raid(16)
    result = await raid.d.click(raid.alert(), "Undo all of this", user=raid.member)
    assert result.ephemeral and "needs **Manage Server**" in result.text and "nothing was changed" in result.text
    assert raid.server.verification_level == 3 and raid.server.invites_paused
    assert all(raid.timed_out(member) for member in raiders)
    assert (await raid.incident()).undone_at is None and len(await raid.member_cases()) == 16


async def test_each_part_needs_the_clickers_own_permission(raid: Raid) -> None:
    raiders = await raid.raid(16)
    moderator = await raid.d.click(raid.alert(), "Undo all of this", user=raid.g.moderator)  # Timeout Members only
    assert "partly undone" in moderator.text and "16 timeouts lifted" in moderator.text, moderator.text
    assert "The verification level and invites: putting them back needs **Manage Server**" in moderator.text
    assert raid.server.verification_level == 3 and raid.server.invites_paused
    assert not any(raid.timed_out(member) for member in raiders)
    admin = await raid.d.click(raid.alert(), "Undo all of this", user=raid.g.admin)  # Manage Server only
    assert "is undone" in admin.text and "back to None" in admin.text, admin.text
    assert raid.server.verification_level == 0 and not raid.server.invites_paused
    assert (await raid.incident()).undone_by == raid.g.admin.id


async def test_timeouts_of_members_ranked_above_the_clicker_are_left_to_others(raid: Raid) -> None:
    raiders = await raid.raid(16)
    vip = raid.server.add_role("VIP", ["view_channel"])  # just below the bot, above the moderator's role
    raid.server.set_roles(raid.server.members[raiders[0].id], [vip], by=raid.owner)
    await raid.d.settle()
    result = await raid.d.click(raid.alert(), "Undo all of this", user=raid.g.moderator)
    assert "15 timeouts lifted" in result.text
    assert f"1 timeout (<@{raiders[0].id}>): their highest role is not below yours" in result.text
    assert raid.timed_out(raiders[0])


async def test_a_second_click_says_it_was_already_undone(raid: Raid) -> None:
    hedda = raid.head_moderator()  # Manage Server and Timeout Members
    await raid.d.settle()
    await raid.raid(16)
    first = await raid.d.click(raid.alert(), "Undo all of this", user=hedda)
    assert "is undone" in first.text, first.text
    requests = len(raid.d.requests())
    again = await raid.d.slash("raid undo", user=raid.owner)  # the command twin of the (now disabled) button
    assert "already undone by" in again.text and f"<@{hedda.id}>" in again.text, again.text
    assert [r for r in raid.d.requests()[requests:] if r.method in ("PATCH", "PUT", "DELETE")] == []
    untimeouts = [c for c in await raid.cases() if c["type"] == "untimeout"]
    assert len(untimeouts) == 16
