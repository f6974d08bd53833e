"""`/raid status` for moderators, guild isolation, and the raid tables in GDPR exports and erasures."""

from __future__ import annotations

from datetime import UTC, datetime

from core.gdpr import erase_everything, export_everything
from tests.kit.raid import Raid
from utils.errors import UserFacingError


async def test_status_shows_the_detection_and_the_latest_incident_to_moderators(raid: Raid) -> None:
    quiet = await raid.d.slash("raid status", user=raid.g.moderator)
    assert "Join detection: **on**" in quiet.text and "counted now: 0" in quiet.text and "No incident yet" in quiet.text
    assert "Mention brake: **off**" in quiet.text
    raiders = await raid.raid(20)
    status = await raid.d.slash("raid status", user=raid.g.moderator)
    assert status.ephemeral and "A raid is on: incident #" in status.text and "**16 accounts**" in status.text
    assert "Joiners (20)" in status.text and f"<@{raiders[0].id}>" in status.text
    assert f"<@{raiders[15].id}>" not in status.text  # the second page
    second = (await raid.d.click(status, "Next", user=raid.g.moderator)).message.embeds[0]
    assert f"<@{raiders[15].id}>" in str(second["fields"]) and second["footer"]["text"] == "Page 2 of 2"
    async with raid.d.expect_errors(UserFacingError):
        refused = await raid.d.slash("raid status", user=raid.member, check_permissions=False)
    assert "Only moderators" in refused.text


async def test_guild_isolation(raid: Raid) -> None:
    other = raid.d.add_guild("Other")
    await raid.d.settle()
    now = datetime(2026, 1, 5, tzinfo=UTC)
    foreign = await raid.db.fetchval(
        "INSERT INTO raid_incidents (guild_id, kind, started_at, last_activity_at, previous_level, raised_level) "
        "VALUES ($1, 'joins', $2, $2, 0, 3) RETURNING id", other.id, now)
    async with raid.d.expect_errors(UserFacingError):
        refused = await raid.d.slash("raid undo", user=raid.owner, incident=foreign)
    assert f"no raid incident #{foreign} on this server" in refused.text
    async with raid.d.expect_errors(UserFacingError):
        nothing = await raid.d.slash("raid undo", user=raid.owner)
    assert "has not stepped in on this server yet" in nothing.text
    status = await raid.d.slash("raid status", user=raid.owner)
    assert "No incident yet" in status.text
    assert await raid.db.fetchval("SELECT level_outcome FROM raid_incidents WHERE id = $1", foreign) is None


async def test_export_and_erase(raid: Raid) -> None:
    raiders = await raid.raid(16)
    await raid.d.slash("raid end", user=raid.owner)
    bot, db = raid.hearth.bot, raid.db
    mine, _ = await export_everything(bot, db, raiders[0].id)
    rows = mine["raid"]["raid_members"]
    assert len(rows) == 1 and rows[0]["user_id"] == raiders[0].id and rows[0]["default_avatar"] is True
    owner, _ = await export_everything(bot, db, raid.owner.id)
    incident = await raid.incident()
    assert owner["raid"]["raid_incidents"] == [{"id": incident.id, "role": "ended_by"}]
    erasure = await erase_everything(bot, db, raiders[0].id)
    assert erasure.report.deleted["raid_members"] == 1
    await erase_everything(bot, db, raid.owner.id)
    assert (await raid.incident()).ended_by is None and len(await raid.members(incident.id)) == 15
