"""Scheduled announcements and the rest of Hearth: the module switch (jobs wait, then run), GDPR (the author is
forgotten; the post then pings nobody) and guild isolation."""

from __future__ import annotations

from datetime import timedelta

from cogs.announcements import gdpr, repo
from tests.kit.announcements import AnnounceDesk


async def test_a_scheduled_announcement_waits_while_the_module_is_off(desk: AnnounceDesk) -> None:
    hearth = desk.hearth
    begin = hearth.clock.now()
    await desk.announce(message="Patch notes", when="in 1h")
    off = await desk.discord.slash("config modules", user=desk.guild.admin, module="announcements", on=False)
    assert "turned off" in off.text
    await hearth.move_clock(begin + timedelta(hours=3))  # long past its time and the grace
    assert desk.posts() == []
    refused = await desk.announce(message="now?")
    assert refused.ephemeral and "Announcements is turned off on this server" in refused.text
    await desk.discord.slash("config modules", user=desk.guild.admin, module="announcements", on=True)
    await hearth.move_clock(begin + timedelta(hours=3, seconds=1))
    assert [p.content for p in desk.posts()] == ["Patch notes"]


async def test_erasing_the_author_keeps_the_post_without_its_pings(desk: AnnounceDesk) -> None:
    hearth = desk.hearth
    due = hearth.clock.now() + timedelta(hours=1)
    await desk.announce(message="Town hall", when="in 1h", ping_everyone=True)
    async with hearth.db.acquire() as conn:
        exported = await gdpr.export(conn, desk.herald.id)
        assert [row["content"] for row in exported["scheduled_announcements"]] == ["Town hall"]
        report = await gdpr.erase(conn, desk.herald.id)
    assert report.anonymised == {"scheduled_announcements": 1, "posted_embeds": 0}
    assert await hearth.db.fetchval("SELECT author_id FROM scheduled_announcements") is None
    await hearth.move_clock(due)
    [post] = desk.posts()
    assert post.content == "Town hall" and not post.pings
    assert "without pinging @everyone" in desk.log_texts()[0]


async def test_another_guild_never_sees_the_announcements(desk: AnnounceDesk) -> None:
    await desk.announce(message="Ours", when="in 1h")
    [ours] = await repo.scheduled(desk.db, desk.server.id)
    other = desk.server.id + 1
    assert await repo.scheduled(desk.db, other) == []
    assert await repo.get(desk.db, other, ours.id) is None
    assert await repo.delete(desk.db, other, ours.id) is False
    assert await repo.get(desk.db, desk.server.id, ours.id) == ours
