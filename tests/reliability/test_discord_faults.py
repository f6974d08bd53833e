"""Discord answers 403, 429 and 500 on the routes each cog posts to in the background.

403: the admins are told once (core/channel_access), posting to that channel stops (no request at all) until
something that could fix it happens, then resumes. 429 with retry_after and a transient 500: delivered exactly
once (discord.py retries). 500 until discord.py gives up: a timer job is retried later and posts once; a command
answers with the clear "Discord is having trouble" message instead of an internal error.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import discord
import discord.http
import pytest

from core.channel_access import BLOCK_EXPIRY
from tests.engagement.helpers import cog as engagement
from tests.hearth_harness import Hearth
from tests.kit.automod import Automod
from tests.kit.tickets import TicketDesk, open_ticket, ticket_desk
from tests.kit.verification import start, upload, verification_desk
from tests.llm_standin import LLMStandIn
from tests.standin.models import Channel
from utils.errors import DISCORD_UNAVAILABLE

DAY1 = datetime(2026, 6, 1, 12, tzinfo=UTC)  # a Monday; the guild's time zone stays UTC
NOTICE = "I won't try to post in"  # the admins' notice (core/channel_access)
SEND = ["send_messages"]




def _posts(hearth: Hearth, channel: Channel) -> int:
    """POST requests the bot made to the channel's messages route (whatever Discord answered)."""
    return len(hearth.discord.requests("POST", f"/channels/{channel.id}/messages"))


def _mine(hearth: Hearth, channel: Channel) -> list[Any]:
    return [m for m in hearth.discord.messages_in(channel) if m.author.id == hearth.bot.user.id]


def _fingerprint(message: Any) -> str:
    return repr((message.content, message.embeds))


def _notices(hearth: Hearth, channel: Channel) -> list[str]:
    return [m.content for m in hearth.discord.messages_in(channel) if NOTICE in m.content]


async def _logs(hearth: Hearth) -> Channel:
    """A log channel (system.log_channel) the bot can always post in."""
    logs = hearth.guild.guild.add_text_channel("logs")
    await hearth.discord.settle()
    await hearth.bot.guild_settings.set(hearth.guild.guild.id, "system", "log_channel", logs.id, changed_by=1)
    return logs


async def _daily_reminders(hearth: Hearth, channel: Channel, times: list[str]) -> None:
    for n, at in enumerate(times):
        result = await hearth.discord.slash("reminder add", user=hearth.guild.owner, guild=hearth.guild.guild,
                                            options={"channel": channel}, name=f"Daily {n}", when=f"every day {at}")
        assert result.text.startswith("✅"), result.text


def _reminder_posts(hearth: Hearth, channel: Channel) -> list[Any]:
    return [m for m in hearth.discord.messages_in(channel) if m.embeds and m.embeds[0]["title"].startswith("⏰")]


# --- 403 on the reminders' channel: one notice, then silence, then posting again once fixed -----------------------

def _send_overwrite(hearth: Hearth, channel: Channel, allowed: bool, *, event: bool = True) -> None:
    """Allow or deny Send Messages to the bot's role in the channel, keeping the overwrite's other bits."""
    g, bit = hearth.guild.guild, discord.Permissions(send_messages=True).value
    # A ticket channel has an overwrite for the bot member itself, which wins over its role's.
    target: Any = g.me if g.me.user.id in channel.overwrites else g.bot_role
    current = channel.overwrites.get(g.me.user.id if target is g.me else g.bot_role.id)
    allow, deny = (current.allow, current.deny) if current else (0, 0)
    allow, deny = (allow | bit, deny & ~bit) if allowed else (allow & ~bit, deny | bit)
    if event:
        g.set_overwrite(channel, target, allow=allow, deny=deny)  # CHANNEL_UPDATE
    else:
        g._overwrite(channel, target, allow, deny)


def _fix_overwrite(hearth: Hearth, channel: Channel) -> None:
    _send_overwrite(hearth, channel, True)


def _fix_bot_role_permissions(hearth: Hearth, channel: Channel) -> None:
    g = hearth.guild.guild
    g.set_role_permissions(g.bot_role, g.bot_role.permissions | discord.Permissions(send_messages=True).value)


def _fix_bot_member_roles(hearth: Hearth, channel: Channel) -> None:
    g, world = hearth.guild.guild, hearth.discord.world
    poster = g.role("Poster")  # allowed to send in the channel since the start
    g.me.roles.append(poster.id)
    world.emit("GUILD_MEMBER_UPDATE", {**world.member_payload(g.me), "guild_id": str(g.id)}, g.id)


def _fix_silently(hearth: Hearth, channel: Channel) -> None:
    """Fixed in a way the bot gets no event for (as if the event was missed)."""
    _send_overwrite(hearth, channel, True, event=False)


def _stop_refusing(hearth: Hearth, channel: Channel) -> None:
    rule = hearth.refusal  # type: ignore[attr-defined]
    rule.times = rule.hits


async def _refuse_unexplained(hearth: Hearth, channel: Channel) -> None:
    """Discord answers 403 although the bot's permission cache says it may post (nothing it can watch)."""
    hearth.refusal = hearth.discord.fail(  # type: ignore[attr-defined]
        "POST", f"/channels/{channel.id}/messages", 403, times=None, json={"message": "Missing Permissions",
                                                                           "code": 50013})


async def _block_by_overwrite(hearth: Hearth, channel: Channel) -> None:
    _send_overwrite(hearth, channel, False)


async def _block_by_role(hearth: Hearth, channel: Channel) -> None:
    """Send Messages is no longer a server-wide permission of the bot (the log channel keeps an allow overwrite)."""
    g = hearth.guild.guild
    for role in (g.everyone, g.bot_role):
        g.set_role_permissions(role, role.permissions & ~discord.Permissions(send_messages=True).value)


@dataclass
class Fix:
    name: str
    block: Callable[[Hearth, Channel], Awaitable[None]]
    fix: Callable[[Hearth, Channel], None]
    config_change: bool = False  # an admin changes a channel setting with /config after the fix
    wait_expiry: bool = False  # nothing tells the bot: the block expires


FIXES = [
    Fix("channel overwrite changed", _block_by_overwrite, _fix_overwrite),
    Fix("bot role permissions changed", _block_by_role, _fix_bot_role_permissions),
    Fix("bot given a role", _block_by_overwrite, _fix_bot_member_roles),
    Fix("channel setting changed with /config", _block_by_overwrite, _fix_silently, config_change=True),
    Fix("refusal the cache cannot explain, block expired", _refuse_unexplained, _stop_refusing, wait_expiry=True),
]


@pytest.mark.parametrize("fix", FIXES, ids=[f.name for f in FIXES])
async def test_reminders_403_one_notice_then_paused_until_permissions_change(hearth: Hearth, fix: Fix) -> None:
    g, d = hearth.guild, hearth.discord
    hearth.clock.set(DAY1 - timedelta(hours=3))
    logs = g.guild.add_text_channel("logs", overwrites={g.guild.bot_role: {"allow": SEND}})
    poster = g.guild.add_role("Poster", [])
    g.guild.set_overwrite(g.general, poster, allow=SEND)
    await d.settle()
    await hearth.bot.guild_settings.set(g.guild.id, "system", "log_channel", logs.id, changed_by=1)
    # Five reminders a day, one hour apart, in #general; then the bot loses Send Messages there.
    await _daily_reminders(hearth, g.general, ["12:00", "13:00", "14:00", "15:00", "16:00"])
    await fix.block(hearth, g.general)
    await d.settle()
    for hour in range(5):
        await hearth.move_clock(DAY1 + timedelta(hours=hour))
    assert _reminder_posts(hearth, g.general) == []
    assert _posts(hearth, g.general) == 1  # the first one met the 403; the four others made no request
    [notice] = _notices(hearth, logs)
    assert "reminder #" in notice and f"<#{g.general.id}>" in notice and "**Send Messages**" in notice
    assert hearth.bot.channel_access.skipped == 4
    # Each occurrence was handled (not retried against Discord): every reminder waits for tomorrow.
    due = await hearth.db.fetch("SELECT due_at, attempts FROM timers WHERE kind = 'reminder' ORDER BY due_at")
    assert [(r["due_at"], r["attempts"]) for r in due] == [(DAY1 + timedelta(days=1, hours=h), 0) for h in range(5)]
    assert await hearth.db.fetchval("SELECT count(*) FROM reminders WHERE last_sent_at IS NOT NULL") == 5

    fix.fix(hearth, g.general)
    await d.settle()
    if fix.config_change:
        result = await d.slash("config set", user=g.admin, guild=g.guild, scope="system", key="log_channel",
                               value=f"<#{logs.id}>")
        assert result.text == (f"`system.log_channel` is already <#{logs.id}>: nothing changed. I'll try posting "
                               "in this server's paused channels again."), result.text
    tomorrow = DAY1 + timedelta(days=1)
    if fix.wait_expiry:
        assert BLOCK_EXPIRY < timedelta(days=1)  # the safety net fires before the next day's reminders
    for hour in range(5):
        await hearth.move_clock(tomorrow + timedelta(hours=hour))
    assert len(_reminder_posts(hearth, g.general)) == 5  # every reminder of day 2 was posted, once
    assert _posts(hearth, g.general) == 6
    assert len(_notices(hearth, logs)) == 1
    assert not [dm for dm in d.dms_to(g.owner)]  # the log channel worked: the owner was not bothered


@pytest.mark.parametrize(("block", "probes"), [(_block_by_overwrite, 0), (_refuse_unexplained, 2)],
                         ids=["permission visible in the cache", "refusal the cache cannot explain"])
async def test_still_blocked_days_later(hearth: Hearth, block, probes: int) -> None:
    g, d = hearth.guild, hearth.discord
    hearth.clock.set(DAY1 - timedelta(hours=3))
    logs = await _logs(hearth)
    await _daily_reminders(hearth, g.general, ["12:00", "13:00", "14:00"])
    await block(hearth, g.general)
    await d.settle()
    for day in range(3):
        for hour in range(3):
            await hearth.move_clock(DAY1 + timedelta(days=day, hours=hour))
    # 9 reminders due over three days. When the bot's permission cache shows the permission still missing, the
    # 6 h expiry renews the block without a request; otherwise one probe a day. Never a second notice.
    assert _posts(hearth, g.general) == 1 + probes
    assert len(_notices(hearth, logs)) == 1
    assert _reminder_posts(hearth, g.general) == []
    assert hearth.bot.channel_access.skipped == 8 - probes


async def test_blocked_log_channel_tells_the_owner_once_by_dm(hearth: Hearth) -> None:
    g, d = hearth.guild, hearth.discord
    hearth.clock.set(DAY1 - timedelta(hours=3))
    await hearth.bot.guild_settings.set(g.guild.id, "system", "log_channel", g.general.id, changed_by=1)
    await _daily_reminders(hearth, g.general, ["12:00", "13:00"])
    await _block_by_overwrite(hearth, g.general)
    await d.settle()
    for hour in range(2):
        await hearth.move_clock(DAY1 + timedelta(hours=hour))
    [dm] = d.dms_to(g.owner)
    assert NOTICE in dm.content and "**Send Messages**" in dm.content and g.guild.name in dm.content
    assert _posts(hearth, g.general) == 1  # neither the second reminder nor the notice tried #general again
    _fix_overwrite(hearth, g.general)
    await d.settle()
    await hearth.move_clock(DAY1 + timedelta(days=1))
    assert len(_reminder_posts(hearth, g.general)) == 1
    assert len(d.dms_to(g.owner)) == 1


async def test_owner_with_closed_dms_only_gets_a_log_warning(hearth: Hearth, caplog) -> None:
    g, d = hearth.guild, hearth.discord
    hearth.clock.set(DAY1 - timedelta(hours=3))
    await hearth.bot.guild_settings.set(g.guild.id, "system", "log_channel", g.general.id, changed_by=1)
    g.owner.user.dms_open = False
    await _daily_reminders(hearth, g.general, ["12:00"])
    await _block_by_overwrite(hearth, g.general)
    await d.settle()
    await hearth.move_clock(DAY1)
    assert d.dms_to(g.owner) == []
    assert any("could not tell the owner" in r.getMessage() for r in caplog.records)
    assert _posts(hearth, g.general) == 1


# --- 403 on the other cogs' background routes ----------------------------------------------------------------------

@dataclass
class Route:
    """One background route of a cog: how to prepare it and make it post once more."""

    name: str
    prepare: Callable[[Hearth, Channel], Awaitable[Channel]]  # returns the channel it posts to
    trigger: Callable[[Hearth, Channel, int], Awaitable[None]]  # the n-th post


async def _prepare_automod(hearth: Hearth, logs: Channel) -> Channel:
    automod = Automod(hearth, hearth.guild.guild.add_text_channel("mod-log"))
    await hearth.discord.settle()
    await hearth.bot.guild_settings.set(hearth.guild.guild.id, "automod", "log_channel", automod.logs.id,
                                        changed_by=1)
    await hearth.bot.guild_settings.set(hearth.guild.guild.id, "automod", "escalation", [], changed_by=1)
    await automod.rule("Bad word", "content", words="badword", action=await automod.action("warn"))
    return automod.logs


async def _trigger_automod(hearth: Hearth, target: Channel, n: int) -> None:
    await hearth.discord.say(hearth.guild.general, hearth.guild.member, f"badword {n}")


async def _prepare_awards(hearth: Hearth, logs: Channel) -> Channel:
    awards = hearth.guild.guild.add_text_channel("awards")
    await hearth.discord.settle()
    await hearth.bot.guild_settings.set(hearth.guild.guild.id, "engagement", "awards_channel", awards.id,
                                        changed_by=1)
    return awards


async def _trigger_awards(hearth: Hearth, target: Channel, n: int) -> None:
    """A week of chat, then its Monday 09:00 awards."""
    monday = datetime(2026, 6, 1, 9, tzinfo=UTC) + timedelta(weeks=n)
    await hearth.move_clock(monday + timedelta(days=2))
    await hearth.discord.say(hearth.guild.general, hearth.guild.member, f"week {n}")
    await engagement(hearth).flush()
    await hearth.move_clock(monday + timedelta(weeks=1))


async def _prepare_tickets(hearth: Hearth, logs: Channel) -> Channel:
    desk = await ticket_desk(hearth)
    hearth.desk = desk  # type: ignore[attr-defined]
    return desk.logs


async def _trigger_ticket_transcript(hearth: Hearth, target: Channel, n: int) -> None:
    desk: TicketDesk = hearth.desk  # type: ignore[attr-defined]
    _, channel = await open_ticket(desk, description=f"Problem number {n} with the game")
    asked = await hearth.discord.slash("ticket close", user=desk.staff, guild=hearth.guild.guild, channel=channel)
    done = await hearth.discord.click(asked, "Close ticket", user=desk.staff)
    assert "is closed" in done.followups[-1].content, done.followups[-1].content


async def _prepare_ticket_warning(hearth: Hearth, logs: Channel) -> Channel:
    desk = await ticket_desk(hearth)
    _, channel = await open_ticket(desk)
    result = await hearth.discord.slash("ticket wait", user=desk.staff, guild=hearth.guild.guild, channel=channel)
    assert "waiting for the member" in result.text, result.text
    hearth.desk = desk  # type: ignore[attr-defined]
    return channel


async def _trigger_ticket_warning(hearth: Hearth, target: Channel, n: int) -> None:
    """The member replies (restarting the clock), then stays silent for a day: the inactivity warning is due."""
    if n:
        await hearth.discord.say(target, hearth.guild.member, f"reply {n}")
    await hearth.move_clock(hearth.clock.now() + timedelta(hours=24))


async def _prepare_welcome(hearth: Hearth, logs: Channel) -> Channel:
    welcome = hearth.guild.guild.add_text_channel("welcome")
    await hearth.discord.settle()
    for key, value in (("mode", "rules_questions"), ("welcome_channel", welcome.id)):
        await hearth.bot.guild_settings.set(hearth.guild.guild.id, "onboarding", key, value, changed_by=1)
    result = await hearth.discord.slash("config onboarding rule_add", user=hearth.guild.admin,
                                        options={"title": "Be kind", "description": "Be kind."})
    assert "Added rule" in result.text, result.text
    return welcome


async def _trigger_welcome(hearth: Hearth, target: Channel, n: int) -> None:
    """A newcomer whose DMs are closed: the prompt goes to the welcome channel."""
    user = hearth.discord.add_user(f"newcomer{n}")
    user.dms_open = False
    await hearth.discord.member_join(hearth.guild.guild, user)


async def _prepare_challenge(hearth: Hearth, logs: Channel) -> Channel:
    arena = hearth.guild.guild.add_text_channel("arena")
    await hearth.discord.settle()
    return arena


async def _trigger_challenge_end(hearth: Hearth, target: Channel, n: int) -> None:
    result = await hearth.discord.slash("challenge start", user=hearth.guild.admin, guild=hearth.guild.guild,
                                        options={"channel": target}, mode="leaderboard", title=f"Round {n}",
                                        duration="1h")
    assert "started in" in result.text, result.text
    await hearth.discord.say(target, hearth.guild.member, "entry")
    await hearth.move_clock(hearth.clock.now() + timedelta(hours=1))


async def _prepare_watcher(hearth: Hearth, logs: Channel) -> Channel:
    g = hearth.guild.guild
    events, staff = g.add_text_channel("events"), g.add_text_channel("staff")
    hearth.event_bot = g.add_member("EventBot", bot=True)  # type: ignore[attr-defined]
    hearth.events = events  # type: ignore[attr-defined]
    await hearth.discord.settle()
    await hearth.bot.guild_settings.set(g.id, "reminders", "watch_channels", [events.id], changed_by=1)
    await hearth.bot.guild_settings.set(g.id, "reminders", "watch_prompt_channel", staff.id, changed_by=1)
    return staff


async def _trigger_watcher(hearth: Hearth, target: Channel, n: int) -> None:
    """Another bot announces an event in a watched channel: a proposal for staff."""
    when = int((DAY1 + timedelta(days=10 + n)).timestamp())
    embed = {"title": f"Game night {n}", "description": f"Starts <t:{when}:F>"}
    await hearth.discord.say(hearth.events, hearth.event_bot, "", embeds=[embed])  # type: ignore[attr-defined]


ROUTES = [
    Route("event proposal", _prepare_watcher, _trigger_watcher),
    Route("automod log", _prepare_automod, _trigger_automod),
    Route("weekly awards", _prepare_awards, _trigger_awards),
    Route("ticket transcript", _prepare_tickets, _trigger_ticket_transcript),
    Route("ticket inactivity warning", _prepare_ticket_warning, _trigger_ticket_warning),
    Route("onboarding welcome channel", _prepare_welcome, _trigger_welcome),
]


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
async def test_background_route_403_one_notice_paused_then_resumes(hearth: Hearth, route: Route) -> None:
    d = hearth.discord
    hearth.clock.set(DAY1)
    logs = await _logs(hearth)
    target = await route.prepare(hearth, logs)
    earlier = _posts(hearth, target)  # made while setting up
    await _block_by_overwrite(hearth, target)
    await d.settle()
    for n in range(3):
        await route.trigger(hearth, target, n)
    assert _posts(hearth, target) == earlier + 1  # three posts due, one request: the first 403 paused the channel
    [notice] = _notices(hearth, logs)
    assert f"<#{target.id}>" in notice and "**Send Messages**" in notice
    _fix_overwrite(hearth, target)
    await d.settle()
    mine_before = len(_mine(hearth, target))
    await route.trigger(hearth, target, 3)
    delivered = len(_mine(hearth, target)) - mine_before
    assert delivered >= 1 and _posts(hearth, target) == earlier + 1 + delivered  # resumed, every request delivered
    assert len(_notices(hearth, logs)) == 1


async def test_verification_review_requests_403_one_notice_paused_then_resume(hearth: Hearth,
                                                                              llm: LLMStandIn) -> None:
    """The review requests go to the verification log channel; the LLM is down, so each needs a reviewer."""
    d = hearth.discord
    hearth.clock.set(DAY1)
    logs = await _logs(hearth)
    desk = await verification_desk(hearth, llm)
    earlier = _posts(hearth, desk.logs)
    await _block_by_overwrite(hearth, desk.logs)
    await d.settle()

    async def review_request(n: int) -> None:
        member = hearth.guild.guild.add_member(f"verifier{n}")
        await d.settle()
        _, channel = await start(desk, member)
        llm.fail(500, times=3)
        await upload(desk, channel, member)

    for n in range(3):
        await review_request(n)
    assert _posts(hearth, desk.logs) == earlier + 1
    [notice] = _notices(hearth, logs)
    assert f"<#{desk.logs.id}>" in notice and "**Send Messages**" in notice
    _fix_overwrite(hearth, desk.logs)
    await d.settle()
    await review_request(3)
    assert _posts(hearth, desk.logs) == earlier + 2
    assert "The AI check failed" in str(d.last_message(desk.logs).embeds)
    assert len(_notices(hearth, logs)) == 1


# --- 429 and 500 on the same routes: delivered exactly once -------------------------------------------------------

TRANSIENT_ROUTES = [*ROUTES, Route("challenge end", _prepare_challenge, _trigger_challenge_end)]


@pytest.fixture
def retry_sleeps(hearth: Hearth, monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The delays discord.py asked to sleep before retrying (the stand-in caps the real sleep)."""
    asked: list[float] = []
    fast = discord.http.asyncio
    real = fast.sleep

    async def sleep(delay: float, result: Any = None) -> Any:
        asked.append(delay)
        return await real(delay, result)

    monkeypatch.setattr(fast, "sleep", sleep)
    return asked


@pytest.mark.parametrize("status", [429, 500])
@pytest.mark.parametrize("route", TRANSIENT_ROUTES, ids=[r.name for r in TRANSIENT_ROUTES])
async def test_background_route_transient_failure_is_delivered_once(hearth: Hearth, route: Route, status: int,
                                                                    retry_sleeps: list[float]) -> None:
    d = hearth.discord
    hearth.clock.set(DAY1)
    logs = await _logs(hearth)
    target = await route.prepare(hearth, logs)
    mine_before = _mine(hearth, target)
    posts_before = _posts(hearth, target)
    d.fail("POST", f"/channels/{target.id}/messages", status, times=1, retry_after=2.5)
    retry_sleeps.clear()
    await route.trigger(hearth, target, 1)
    new = _mine(hearth, target)[len(mine_before):]
    assert new, "nothing was delivered"
    # Exactly one request failed; every other one delivered one message, none twice.
    assert _posts(hearth, target) - posts_before == len(new) + 1
    assert len({_fingerprint(m) for m in new}) == len(new)
    if status == 429:
        assert 2.5 in retry_sleeps  # discord.py waited the retry_after Discord asked for
    assert _notices(hearth, logs) == []


async def test_reminder_after_500s_until_discord_py_gives_up_is_retried_and_posted_once(hearth: Hearth) -> None:
    g, d = hearth.guild, hearth.discord
    hearth.clock.set(DAY1 - timedelta(hours=3))
    await _daily_reminders(hearth, g.general, ["12:00"])
    d.fail("POST", f"/channels/{g.general.id}/messages", 500, times=5)  # every try of discord.py's first call
    await hearth.move_clock(DAY1)
    assert _reminder_posts(hearth, g.general) == [] and _posts(hearth, g.general) == 5
    job = await hearth.db.fetchrow("SELECT due_at, attempts FROM timers WHERE kind = 'reminder'")
    assert tuple(job) == (DAY1 + timedelta(minutes=1), 1)  # the timers service retries in a minute
    await hearth.move_clock(DAY1 + timedelta(minutes=1))
    [post] = _reminder_posts(hearth, g.general)
    assert post.embeds[0]["title"] == "⏰ Daily 0" and _posts(hearth, g.general) == 6
    await hearth.move_clock(DAY1 + timedelta(minutes=30))  # nothing else comes for that occurrence
    assert len(_reminder_posts(hearth, g.general)) == 1
    assert await hearth.db.fetchval("SELECT due_at FROM timers WHERE kind = 'reminder'") == DAY1 + timedelta(days=1)


TIMER_ROUTES = [r for r in ROUTES if r.name in ("weekly awards", "ticket inactivity warning")]


@pytest.mark.parametrize("route", TIMER_ROUTES, ids=[r.name for r in TIMER_ROUTES])
async def test_timer_route_after_500s_until_discord_py_gives_up_posts_once(hearth: Hearth, route: Route) -> None:
    d = hearth.discord
    hearth.clock.set(DAY1)
    target = await route.prepare(hearth, await _logs(hearth))
    mine_before, posts_before = len(_mine(hearth, target)), _posts(hearth, target)
    d.fail("POST", f"/channels/{target.id}/messages", 500, times=5)
    await route.trigger(hearth, target, 1)
    assert len(_mine(hearth, target)) == mine_before and _posts(hearth, target) == posts_before + 5
    await hearth.move_clock(hearth.clock.now() + timedelta(minutes=1))  # the timers service's first retry
    new = _mine(hearth, target)[mine_before:]
    assert len(new) == 1 and _posts(hearth, target) == posts_before + 6
    await hearth.move_clock(hearth.clock.now() + timedelta(minutes=30))
    assert len(_mine(hearth, target)) == mine_before + 1  # no second copy


async def test_weekly_reminder_survives_discord_failing_every_attempt(hearth: Hearth) -> None:
    g, d = hearth.guild, hearth.discord
    hearth.clock.set(DAY1 - timedelta(hours=3))
    await _daily_reminders(hearth, g.general, ["12:00"])
    d.fail("POST", f"/channels/{g.general.id}/messages", 500, times=25)  # 5 job attempts × 5 tries
    moment = DAY1
    for wait in (0, 1, 2, 4, 8):  # the timers service's back-off, in minutes
        moment += timedelta(minutes=wait)
        await hearth.move_clock(moment)
    assert _posts(hearth, g.general) == 25 and _reminder_posts(hearth, g.general) == []
    # Given up for today, not for good: the reminder moved to tomorrow and posts then.
    assert await hearth.db.fetchval("SELECT due_at FROM timers WHERE kind = 'reminder'") == DAY1 + timedelta(days=1)
    await hearth.move_clock(DAY1 + timedelta(days=1))
    assert len(_reminder_posts(hearth, g.general)) == 1


async def test_event_reminder_is_cleaned_up_when_discord_fails_every_attempt(hearth: Hearth) -> None:
    g, d = hearth.guild, hearth.discord
    hearth.clock.set(DAY1 - timedelta(hours=3))
    result = await d.slash("reminder add", user=g.owner, guild=g.guild, options={"channel": g.general},
                           name="Launch", when="2026-06-01 12:00")
    assert result.text.startswith("✅"), result.text
    d.fail("POST", f"/channels/{g.general.id}/messages", 500, times=None)
    for first_try in (DAY1 - timedelta(hours=1), DAY1):  # the early reminder, then the on-time one
        moment = first_try
        for wait in (0, 1, 2, 4, 8):
            moment += timedelta(minutes=wait)
            await hearth.move_clock(moment)
    assert _posts(hearth, g.general) == 50 and d.messages_in(g.general) == []  # 2 posts × 5 attempts × 5 tries
    # Nothing left behind: no job retrying for ever, no finished event lingering in /reminder list.
    assert await hearth.db.fetchval("SELECT count(*) FROM timers WHERE kind = 'reminder'") == 0
    assert await hearth.db.fetchval("SELECT count(*) FROM reminders") == 0


# --- a command whose own post keeps failing ----------------------------------------------------------------------

@pytest.mark.parametrize(("status", "times"), [(500, 1), (429, 1), (500, None)])
async def test_command_post_with_discord_failing(hearth: Hearth, status: int, times: int | None,
                                                 retry_sleeps: list[float]) -> None:
    g, d = hearth.guild, hearth.discord
    d.fail("POST", f"/channels/{g.general.id}/messages", status, times=times, retry_after=1.5)
    if times is None:
        async with d.expect_errors(discord.DiscordServerError):
            result = await d.slash("ticket panel", user=g.admin, guild=g.guild, options={"channel": g.general})
        assert result.ephemeral and result.text == DISCORD_UNAVAILABLE  # not "Something went wrong … reference"
        assert d.messages_in(g.general) == [] and _posts(hearth, g.general) == 5
        return
    result = await d.slash("ticket panel", user=g.admin, guild=g.guild, options={"channel": g.general})
    assert result.ephemeral and result.text.startswith(f"✅ Panel posted in <#{g.general.id}>.")
    assert len(d.messages_in(g.general)) == 1 and _posts(hearth, g.general) == 2
    if status == 429:
        assert 1.5 in retry_sleeps
