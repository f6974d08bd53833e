"""The end of an incident: after its quiet period (a timers job, across restarts) or by `/raid end`; the level and
invites are put back (`raid.restore_on_end`), the timeouts run out on their own and stay undoable."""

from __future__ import annotations

from datetime import timedelta

from tests.kit.raid import Raid
from utils.errors import UserFacingError


async def _jobs(raid: Raid) -> int:
    return await raid.db.fetchval("SELECT count(*) FROM timers WHERE kind = 'raid_end'")


async def test_the_quiet_period_ends_the_incident_across_a_restart(raid: Raid) -> None:
    raiders = await raid.raid(16)
    assert await _jobs(raid) == 1
    await raid.hearth.restart()
    start = raid.hearth.clock.now()
    late = await raid.join("late", after=60)  # still on after the restart: caught, and the quiet period restarts
    assert raid.timed_out(late)
    await raid.hearth.move_clock(start + timedelta(minutes=10))  # 9 minutes after the last join
    incident = await raid.incident()
    assert incident.on and raid.server.verification_level == 3
    await raid.hearth.move_clock(start + timedelta(minutes=11, seconds=5))
    incident = await raid.incident()
    assert (incident.on, incident.end_reason) == (False, "quiet")
    assert raid.server.verification_level == 0 and not raid.server.invites_paused  # restore_on_end
    assert (incident.level_outcome, incident.invites_outcome, incident.undone_at) == ("restored", "restored", None)
    assert all(raid.timed_out(member) for member in raiders)  # timeouts run out on their own
    assert "the quiet period passed" in raid.field(raid.alert(), "Status")
    assert await _jobs(raid) == 0
    after = await raid.join("after-the-end", after=5)
    assert not raid.timed_out(after) and after.id not in [m.user_id for m in await raid.members(incident.id)]
    result = await raid.d.click(raid.alert(), "Undo all of this", user=raid.owner)  # the timeouts are still undoable
    assert "17 timeouts lifted" in result.text and "is undone" in result.text, result.text


async def test_restore_on_end_off_leaves_the_brake_for_the_undo(raid: Raid) -> None:
    await raid.configure(restore_on_end=False)
    await raid.raid(16)
    await raid.hearth.move_clock(raid.hearth.clock.now() + timedelta(minutes=11))
    assert not (await raid.incident()).on
    assert raid.server.verification_level == 3 and raid.server.invites_paused
    await raid.d.click(raid.alert(), "Undo all of this", user=raid.owner)
    assert raid.server.verification_level == 0 and not raid.server.invites_paused


async def test_raid_end_ends_it_now_for_admins_only(raid: Raid) -> None:
    await raid.raid(16)
    async with raid.d.expect_errors(UserFacingError):
        refused = await raid.d.slash("raid end", user=raid.g.moderator)
    assert "needs **Manage Server**" in refused.text and (await raid.incident()).on
    result = await raid.d.slash("raid end", user=raid.g.admin, check_permissions=False)
    assert "Incident #" in result.text and "back to None" in result.text and "Invites are resumed" in result.text
    incident = await raid.incident()
    assert (incident.on, incident.end_reason, incident.ended_by) == (False, "ended", raid.g.admin.id)
    assert raid.server.verification_level == 0 and await _jobs(raid) == 0
    assert f"ended by <@{raid.g.admin.id}>" in raid.field(raid.alert(), "Status")
    async with raid.d.expect_errors(UserFacingError):
        again = await raid.d.slash("raid end", user=raid.g.admin, check_permissions=False)
    assert "No raid incident is on" in again.text
