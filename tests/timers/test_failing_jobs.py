"""A job that keeps failing is never silently lost (issue 14, item 7).

Before: after 5 failed attempts every job was deleted, so a Discord or Stripe outage of a quarter of an hour at
the wrong moment ended the weekly awards for good, or left a paid-up subscription active for ever. Now each
kind declares its policy: a recurring job moves to its next occurrence, a job that must happen keeps retrying
with a back-off capped at an hour, and a job whose loss is acceptable says so (`give_up=True`). Either way the
guild's log channel is told once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.timers import MAX_ATTEMPTS, Job, TimerService
from tests.engagement.helpers import cog as engagement
from tests.engagement.helpers import setting
from tests.hearth_harness import Hearth
from tests.kit.premium import PremiumWorld
from tests.premium.conftest import premium, stripe_env  # noqa: F401 - fixtures
from tests.standin.models import Channel
from utils.clock import ManualClock

MONDAY = datetime(2026, 6, 8, 9, tzinfo=UTC)  # the first weekly awards (09:00, the guild's time zone stays UTC)
BACKOFF = (1, 2, 4, 8)  # minutes between the first five attempts
KEEPS_FAILING = "A scheduled job keeps failing"


async def _log_channel(hearth: Hearth) -> Channel:
    logs = hearth.guild.guild.add_text_channel("logs")
    await hearth.discord.settle()
    await hearth.bot.guild_settings.set(hearth.guild.guild.id, "system", "log_channel", logs.id, changed_by=1)
    return logs


async def _chat(hearth: Hearth, moment: datetime, text: str) -> None:
    hearth.clock.set(moment)
    await hearth.discord.say(hearth.guild.general, hearth.guild.member, text)
    await engagement(hearth).flush()


def _attempt_times(first: datetime) -> list[datetime]:
    """When the five attempts of a job first due at `first` run."""
    times = [first]
    for minutes in BACKOFF:
        times.append(times[-1] + timedelta(minutes=minutes))
    return times


async def test_weekly_awards_failing_every_attempt_move_to_next_week_and_the_admins_are_told_once(
        hearth: Hearth) -> None:
    g, d = hearth.guild, hearth.discord
    hearth.clock.set(datetime(2026, 6, 1, 10, tzinfo=UTC))
    logs = await _log_channel(hearth)
    awards = g.guild.add_text_channel("awards")
    await d.settle()
    await setting(hearth, "awards_channel", awards.id)
    await _chat(hearth, datetime(2026, 6, 3, 12, tzinfo=UTC), "first week")
    # Discord fails every post to the awards channel (discord.py's own retries included) on Monday morning.
    outage = d.fail("POST", f"/channels/{awards.id}/messages", 500, times=None)
    for moment in _attempt_times(MONDAY):
        await hearth.move_clock(moment)
    assert [(m.content, m.embeds) for m in d.messages_in(awards)] == []
    job = await hearth.db.fetchrow("SELECT due_at, attempts, lease_until FROM timers WHERE kind = 'engagement_awards'")
    assert tuple(job) == (MONDAY + timedelta(weeks=1), 0, None)  # not deleted: next Monday, attempts afresh
    [notice] = [m.content for m in d.messages_in(logs)]
    assert KEEPS_FAILING in notice and "the weekly awards" in notice and "5 attempts" in notice
    assert f"<t:{int((MONDAY + timedelta(weeks=1)).timestamp())}:f>" in notice  # and when it runs next

    outage.times = outage.hits  # Discord is back
    await _chat(hearth, datetime(2026, 6, 10, 12, tzinfo=UTC), "second week")
    await hearth.move_clock(MONDAY + timedelta(weeks=1))
    [post] = d.messages_in(awards)
    assert post.embeds[0]["title"] == "🏆 Weekly awards · 08 Jun – 14 Jun 2026"
    assert len(d.messages_in(logs)) == 1  # told once


async def test_premium_expiry_with_stripe_down_keeps_retrying_until_it_applies(premium: PremiumWorld) -> None:  # noqa: F811
    hearth, member = premium.hearth, premium.guild.member
    logs = await _log_channel(hearth)
    await premium.buy(member)
    [row] = await premium.rows(member.id)
    expires_at = row["expires_at"]
    premium.stripe.fail("GET", "/v1/subscriptions/", 500, times=None)  # Stripe is down for hours
    moment, waits = expires_at, []
    for attempt in range(1, 9):
        await hearth.move_clock(moment)
        [row] = await premium.rows(member.id)
        assert row["status"] == "active"  # not expired without asking Stripe whether it renewed
        job = await hearth.db.fetchrow("SELECT due_at, attempts FROM timers WHERE kind = 'premium_expiry'")
        assert job is not None, f"the expiry job was deleted after attempt {attempt}"
        assert job["attempts"] == attempt
        waits.append(job["due_at"] - moment)
        moment = job["due_at"]
    assert waits == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60, 60)]  # doubling, capped at an hour
    [notice] = [m.content for m in premium.discord.messages_in(logs)]  # once, not on every retry
    assert KEEPS_FAILING in notice and f"subscription #{row['id']}" in notice and "keep trying" in notice

    premium.stripe._failures.clear()  # Stripe is back
    await hearth.move_clock(moment)
    [row] = await premium.rows(member.id)
    assert row["status"] == "expired"
    assert await premium.jobs(row["id"]) == {}
    assert "has ended" in premium.dm_texts(member)[-1]
    assert len(premium.discord.messages_in(logs)) == 1


class Failing:
    """A handler that always fails."""

    def __init__(self) -> None:
        self.attempts: list[int] = []

    async def __call__(self, job: Job) -> None:
        self.attempts.append(job.attempts)
        raise RuntimeError("the service is down")


async def _run_attempts(timers: TimerService, clock: ManualClock) -> None:
    """Run the five attempts of the jobs due now."""
    for moment in _attempt_times(clock.now()):
        clock.set(moment)
        await timers.run_due()


async def test_each_policy_after_the_last_attempt(clean_db) -> None:
    clock = ManualClock(MONDAY)
    notices: list[tuple[int, str]] = []

    async def report(guild_id: int, text: str) -> None:
        notices.append((guild_id, text))

    timers = TimerService(clean_db, clock, report_failure=report)
    failing = Failing()

    async def tomorrow(job: Job) -> datetime:
        return MONDAY + timedelta(days=1)

    async def series_ended(job: Job) -> None:
        return None

    timers.register("test_recurring", failing, next_occurrence=tomorrow)
    timers.register("test_last_of_series", failing, next_occurrence=series_ended)
    timers.register("test_optional", failing, give_up=True)  # its loss is acceptable: said here, explicitly
    for guild_id, kind in enumerate(("test_recurring", "test_last_of_series", "test_optional"), start=1):
        await timers.schedule(guild_id, kind, "k", MONDAY)
    await _run_attempts(timers, clock)
    assert failing.attempts == [n for n in range(1, MAX_ATTEMPTS + 1) for _ in range(3)]
    rows = await clean_db.fetch("SELECT kind, due_at, attempts FROM timers")
    assert [tuple(r) for r in rows] == [("test_recurring", MONDAY + timedelta(days=1), 0)]
    assert sorted(guild_id for guild_id, _ in notices) == [1, 2, 3]
    texts = dict(notices)
    assert "runs again at its next occurrence" in texts[1]
    assert "no next occurrence" in texts[2]
    assert "It was dropped." in texts[3]
    assert all("RuntimeError" in text and "service is down" not in text for text in texts.values())
