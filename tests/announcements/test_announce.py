"""/announce: posted now or at its moment (once, across a restart), pings only what the sender may, checked again
when a scheduled one is posted; list and cancel."""

from __future__ import annotations

from datetime import timedelta

from tests.kit.announcements import AnnounceDesk
from utils.errors import BadInput, UserFacingError


async def _scheduled_jobs(desk: AnnounceDesk) -> int:
    return await desk.db.fetchval("SELECT count(*) FROM timers WHERE kind = 'announcement'")


async def test_posted_now_pings_nobody_by_default(desk: AnnounceDesk) -> None:
    text = f"Server update @everyone <@&{desk.crew.id}> <@{desk.member.id}> @here"
    result = await desk.announce(message=text)
    assert result.ephemeral and "Posted in" in result.text
    [post] = desk.posts()
    assert post.content == text
    assert not post.pings  # the herald may ping everyone, but did not ask to
    assert post.allowed_mentions is not None and post.allowed_mentions.get("parse") == []


async def test_everyone_is_pinged_only_when_asked_by_a_sender_who_may(desk: AnnounceDesk) -> None:
    await desk.announce(message="Big news", ping_everyone=True)
    [post] = desk.posts()
    assert post.content == "@everyone\nBig news" and post.pings.everyone
    async with desk.discord.expect_errors(UserFacingError):
        refused = await desk.announce(by=desk.moderator, message="Big news", ping_everyone=True)
    assert refused.ephemeral and "Mention Everyone" in refused.text
    assert len(desk.posts()) == 1


async def test_a_role_ping_is_refused_to_a_sender_who_may_not_mention_it(desk: AnnounceDesk) -> None:
    async with desk.discord.expect_errors(UserFacingError):
        refused = await desk.announce(by=desk.moderator, message="Crew meeting", ping_role=desk.crew)
    assert refused.ephemeral and f"can't ping {desk.crew.mention}" in refused.text
    assert desk.posts() == []


async def test_a_role_ping_is_made_for_a_sender_who_may(desk: AnnounceDesk) -> None:
    await desk.announce(message="Crew meeting", ping_role=desk.crew)  # the herald has Mention Everyone
    mentionable = desk.server.add_role("Players", mentionable=True)
    await desk.discord.settle()
    await desk.announce(by=desk.moderator, message="Game night", ping_role=mentionable)  # anyone may ping it
    crew_post, players_post = desk.posts()
    assert crew_post.pings.roles == [desk.crew.id] and not crew_post.pings.everyone
    assert players_post.pings.roles == [mentionable.id]


async def test_members_without_manage_messages_in_the_channel_are_refused(desk: AnnounceDesk) -> None:
    desk.server.set_overwrite(desk.news, desk.guild.moderator_role, deny=["manage_messages"])
    await desk.discord.settle()
    async with desk.discord.expect_errors(UserFacingError):
        refused = await desk.announce(by=desk.moderator, message="hi")
    assert refused.ephemeral and "Manage Messages" in refused.text and desk.news.mention in refused.text
    async with desk.discord.expect_errors(UserFacingError):
        refused = await desk.announce(by=desk.member, message="hi")
    assert "Manage Messages" in refused.text
    assert desk.posts() == []


async def test_the_bots_missing_permission_is_named(desk: AnnounceDesk) -> None:
    desk.server.set_overwrite(desk.news, desk.discord.world.bot_user, deny=["send_messages"])
    await desk.discord.settle()
    async with desk.discord.expect_errors(UserFacingError):
        refused = await desk.announce(message="hi")
    assert refused.ephemeral and "Send Messages" in refused.text
    assert desk.posts() == []


async def test_scheduled_is_posted_once_at_its_moment_after_a_restart(desk: AnnounceDesk) -> None:
    hearth = desk.hearth
    start = hearth.clock.now()
    result = await desk.announce(message="Maintenance tonight", when="in 2h", ping_everyone=True)
    assert "will be posted" in result.text and desk.posts() == []
    due = start + timedelta(hours=2)
    assert await _scheduled_jobs(desk) == 1
    await hearth.restart()
    await hearth.move_clock(due - timedelta(minutes=1))
    assert desk.posts() == []
    await hearth.move_clock(due)
    [post] = desk.posts()
    assert post.content == "@everyone\nMaintenance tonight" and post.pings.everyone
    await hearth.restart()
    await hearth.move_clock(due + timedelta(hours=1))
    assert len(desk.posts()) == 1
    assert await _scheduled_jobs(desk) == 0
    assert await desk.db.fetchval("SELECT count(*) FROM scheduled_announcements") == 0


async def test_a_ping_the_sender_lost_is_left_out_and_the_log_told(desk: AnnounceDesk) -> None:
    hearth = desk.hearth
    due = hearth.clock.now() + timedelta(hours=1)
    await desk.announce(message="Crew call", when="in 1h", ping_role=desk.crew, ping_everyone=True)
    desk.server.set_role_permissions(desk.herald_role, ["manage_messages"])  # no longer Mention Everyone
    await desk.discord.settle()
    await hearth.move_clock(due)
    [post] = desk.posts()
    assert post.content == "Crew call" and not post.pings
    [notice] = desk.log_texts()
    assert "without pinging @everyone, @Crew" in notice and f"<@{desk.herald.id}>" in notice


async def test_a_time_in_the_past_or_a_schedule_is_refused(desk: AnnounceDesk) -> None:
    async with desk.discord.expect_errors(BadInput):
        past = await desk.announce(message="x", when="2020-01-01 10:00")
    assert past.ephemeral and "in the past" in past.text
    async with desk.discord.expect_errors(BadInput):
        weekly = await desk.announce(message="x", when="every mon 10:00")
    assert "posted once" in weekly.text
    assert await _scheduled_jobs(desk) == 0


async def test_list_and_cancel(desk: AnnounceDesk) -> None:
    hearth = desk.hearth
    await desk.announce(message="First", when="in 1h")
    await desk.announce(message="Second", when="in 3h")
    first, second = await desk.db.fetch("SELECT id FROM scheduled_announcements ORDER BY due_at")
    listed = await desk.discord.slash("announce list", user=desk.herald, guild=desk.server)
    assert listed.ephemeral
    shown = listed.embeds[0]["description"]
    assert f"#{first['id']}" in shown and "First" in shown and shown.index("First") < shown.index("Second")
    choices = await desk.discord.autocomplete("announce cancel", "announcement", user=desk.herald,
                                              guild=desk.server, partial="Sec")
    assert [c["value"] for c in choices] == [second["id"]]
    assert await desk.discord.autocomplete("announce cancel", "announcement", user=desk.member,
                                           guild=desk.server) == []
    cancelled = await desk.discord.slash("announce cancel", user=desk.herald, guild=desk.server,
                                         announcement=second["id"])
    assert "cancelled" in cancelled.text
    assert await _scheduled_jobs(desk) == 1
    start = hearth.clock.now()
    await hearth.move_clock(start + timedelta(hours=1))
    await hearth.move_clock(start + timedelta(hours=3))
    assert [p.content for p in desk.posts()] == ["First"]
    async with desk.discord.expect_errors(BadInput):
        again = await desk.discord.slash("announce cancel", user=desk.herald, guild=desk.server,
                                         announcement=second["id"])
    assert "no scheduled announcement" in again.text


async def test_an_announcement_late_past_the_grace_is_skipped_and_forgotten(desk: AnnounceDesk) -> None:
    hearth = desk.hearth
    begin = hearth.clock.now()
    await desk.announce(message="Tonight only", when="in 1h")
    await hearth.restart()
    await hearth.move_clock(begin + timedelta(hours=5))  # the bot was "down" well past the 10-minute grace
    assert desk.posts() == []
    assert await _scheduled_jobs(desk) == 0
    assert await desk.db.fetchval("SELECT count(*) FROM scheduled_announcements") == 0
