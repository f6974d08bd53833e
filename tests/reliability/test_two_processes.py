"""Two bot processes of one bot, each holding one shard of two (SHARD_COUNT=2, SHARD_IDS=0 / 1), on one database.

One stand-in world with guilds on shard 0 and on shard 1 (guild ids with `(id >> 22) % 2` = 0 or 1). The stand-in
routes every guild's events and interactions to the session holding its shard, as Discord does. Checked:
- each process receives (and answers) only its own guilds' interactions;
- every timers job runs exactly once, in the process holding the guild's shard, including jobs scheduled by the
  other process, and a guild-0 housekeeping job (shard 0);
- a settings change and an automod rule change made in one process reach the other process's cache;
- one Stripe event delivered to both processes' HTTP APIs at once has one effect, and both processes' premium
  caches see the new status.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
import pytest_asyncio

from cogs.premium.api import premium_of
from core.db import HearthPool
from core.hearth_bot import HearthBot
from core.timers import Job
from tests.hearth_harness import bot_factory
from tests.standin import StandIn
from tests.standin.models import Channel, Member
from tests.standin.state import GuildState
from tests.stripe_standin import StripeStandIn, WebhookSender
from utils.clock import ManualClock

SHARDS = 2
GUILDS_PER_SHARD = 3
BULK_REMINDERS = 9  # per guild (+1 by command = the free limit of 10), saved through process 0 whatever the shard
COGS = ["config", "reminders", "automod", "premium", "health"]
WEBHOOK_SECRET = "whsec_two_processes_0123456789"
SECRET_KEY = "sk_test_two_processes"
PRICES = {"monthly": "price_monthly_test", "yearly": "price_yearly_test", "lifetime": "price_lifetime_test"}
TERMS = {"terms_url": "https://hearth.example/terms", "privacy_url": "https://hearth.example/privacy"}
START = datetime(2026, 1, 5, 9, tzinfo=UTC)
NOON = datetime(2026, 1, 5, 12, tzinfo=UTC)  # when every "every day 12:00" reminder is first due (UTC guilds)
HOUSEKEEPING = "two_process_housekeeping"


@dataclass
class Place:
    """A guild, the shard it is on, and the people and channel the tests use."""

    guild: GuildState
    shard: int
    admin: Member
    member: Member
    general: Channel


@dataclass
class TwoProcesses:
    """The world: one stand-in, one database, one clock, two bot processes (index = the shard each holds)."""

    discord: StandIn
    db: HearthPool
    clock: ManualClock
    stripe: StripeStandIn
    bots: list[HearthBot]
    webhooks: list[WebhookSender]
    places: list[Place]
    interactions: list[tuple[int, int]] = field(default_factory=list)  # (process, guild id) of each received

    def on_shard(self, shard: int) -> list[Place]:
        return [place for place in self.places if place.shard == shard]

    def process_of_token(self) -> dict[str | None, int]:
        """Bot token → the process (shard) whose bot sent a request with it."""
        return {link.token: self.bots.index(link.bot) for link in self.discord.links}

    def reminder_posts(self, place: Place) -> list[Any]:
        """Reminder messages in the guild's #general (embeds titled ⏰ …)."""
        return [m for m in self.discord.messages_in(place.general) if m.embeds and m.embeds[0]["title"][:1] == "⏰"]

    def posters(self, place: Place) -> Counter[int]:
        """Which process posted how many messages in the guild's #general (from the REST requests' token)."""
        processes = self.process_of_token()
        path = f"/channels/{place.general.id}/messages"
        return Counter(processes[r.token] for r in self.discord.requests("POST") if r.path == path and r.status == 200)


def heard(bot: HearthBot, channel: str) -> asyncio.Event:
    """An Event set once `bot`'s LISTEN connection delivered a notification on `channel` (after the bot's own
    callback handled it): the test awaits the delivery itself instead of sleeping."""
    listener = bot.notify_listener
    callback, on_reconnect = listener._subscriptions[channel]
    event = asyncio.Event()

    def delivered(payload: str) -> Any:
        result = callback(payload)
        event.set()
        return result

    listener._subscriptions[channel] = (delivered, on_reconnect)
    return event


@pytest_asyncio.fixture(loop_scope="session")
async def two(standin: StandIn, database_url: str, clean_db: HearthPool, stripe_api: StripeStandIn,
              monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[TwoProcesses]:
    """Guilds on both shards, then process 0 (shard 0 of 2) and process 1 (shard 1 of 2) connected."""
    monkeypatch.setenv("STRIPE_API_BASE", stripe_api.base_url)
    clock = ManualClock(START)
    stripe_api.clock = clock.now
    places = []
    for shard in range(SHARDS):
        for n in range(GUILDS_PER_SHARD):
            guild = standin.add_guild(f"Shard {shard} guild {n}", shard=(shard, SHARDS))
            assert (guild.id >> 22) % SHARDS == shard
            places.append(Place(guild, shard, guild.add_member("admin", permissions=["manage_guild", "manage_events"]),
                                guild.add_member("bob"), guild.add_text_channel("general")))
    make = bot_factory(database_url, clock)
    bots: list[HearthBot] = []
    world = TwoProcesses(standin, clean_db, clock, stripe_api, bots, [], places)
    for shard in range(SHARDS):
        bot = make(cogs=COGS, shard_count=SHARDS, shard_ids=[shard], sync_commands=shard == 0,
                   stripe_secret_key=SECRET_KEY, stripe_webhook_secret=WEBHOOK_SECRET,
                   **{f"stripe_price_{tier}": price for tier, price in PRICES.items()},
                   api_enabled=True, api_host="127.0.0.1", api_port=0)

        async def on_interaction(interaction: Any, process: int = shard) -> None:
            world.interactions.append((process, interaction.guild_id))

        bot.add_listener(on_interaction)
        bots.append(await standin.connect(bot))
        world.webhooks.append(WebhookSender(f"http://127.0.0.1:{bot.api.port}", WEBHOOK_SECRET))
    standin.busy_checks.append(lambda: "database operations in flight" if any(b.db.in_flight() for b in bots)
                               else None)
    standin.busy_checks.append(lambda: "Stripe call in flight" if stripe_api.in_flight else None)
    try:
        yield world
    finally:
        for sender in world.webhooks:
            await sender.close()
        for bot in bots:
            await standin.disconnect(bot)


async def test_each_process_holds_its_shard_and_answers_only_its_guilds(two: TwoProcesses) -> None:
    for process, bot in enumerate(two.bots):
        assert (bot.shard_count, bot.shard_ids, sorted(bot.shards)) == (SHARDS, [process], [process])
        assert bot.timers.shards == (SHARDS, [process])
        assert {g.id for g in bot.guilds} == {p.guild.id for p in two.on_shard(process)}
    sessions = sorted(tuple(s.shard) for s in two.discord.gateway.live_sessions)
    assert sessions == [(0, SHARDS), (1, SHARDS)]
    for place in two.places:
        result = await two.discord.slash("reminder list", user=place.admin, guild=place.guild)
        assert result.ephemeral and "No reminders yet" in result.text
    # Each interaction reached only the process holding the guild's shard (and was answered there).
    assert sorted(two.interactions) == sorted((place.shard, place.guild.id) for place in two.places)
    health = [await sender.client.get("/api/health") for sender in two.webhooks]
    assert [(h.json()["shard_count"], [s["id"] for s in h.json()["shards"]]) for h in health] == [
        (SHARDS, [0]), (SHARDS, [1])]
    assert all(s["connected"] for h in health for s in h.json()["shards"])


async def test_every_job_runs_once_in_the_process_holding_its_guild(two: TwoProcesses) -> None:
    # 1. Reminders of every guild saved through process 0: jobs of shard-1 guilds are scheduled by the process
    #    that will not run them. Process 1 is asleep with no job and learns of them only by the timers NOTIFY.
    assert two.bots[1].timers.next_due is None
    reminders = two.bots[0].get_cog("Reminders")
    for place in two.places:
        for n in range(BULK_REMINDERS):
            await reminders._save(place.guild.id, {
                "name": f"bulk {n}", "channel_id": place.general.id, "days": [str(d) for d in range(7)],
                "time": time(12), "call_time": time(12)}, None)
    woken = lambda: None if two.bots[1].timers.next_due == NOON else "process 1 has not heard of its jobs"  # noqa: E731
    two.discord.busy_checks.append(woken)
    await two.discord.settle()
    two.discord.busy_checks.remove(woken)
    # 2. One more reminder per guild through the slash command: answered by the guild's own process.
    for place in two.places:
        result = await two.discord.slash("reminder add", user=place.admin, guild=place.guild, name="by command",
                                         options={"channel": place.general}, when="every day 12:00")
        assert result.ephemeral and "every day at 12:00" in result.text, result.text
    assert Counter(process for process, _ in two.interactions) == Counter({0: GUILDS_PER_SHARD, 1: GUILDS_PER_SHARD})
    # 3. A guild-0 housekeeping job (the pattern of the daily clean-ups), registered and scheduled by both.
    ran: list[tuple[int, str]] = []
    for process, bot in enumerate(two.bots):
        async def housekeeping(job: Job, process: int = process) -> None:
            ran.append((process, job.key))
        bot.timers.register(HOUSEKEEPING, housekeeping)
        await bot.timers.schedule(0, HOUSEKEEPING, "daily", NOON)
    jobs_before = await two.db.fetchval("SELECT count(*) FROM timers WHERE kind IN ('reminder', $1)", HOUSEKEEPING)
    per_guild = BULK_REMINDERS + 1
    assert jobs_before == len(two.places) * per_guild + 1

    two.clock.set(NOON)  # both dispatchers sleep until noon: the clock wakes them
    for bot in two.bots:
        await bot.timers.idle()
    await two.discord.settle()

    for place in two.places:
        posts = two.reminder_posts(place)
        assert len(posts) == per_guild, place.guild.name  # every reminder once, none twice
        assert sorted(p.embeds[0]["title"] for p in posts) == sorted(
            ["⏰ by command", *(f"⏰ bulk {n}" for n in range(BULK_REMINDERS))])
        assert two.posters(place) == Counter({place.shard: per_guild})  # all by the guild's own process
    assert ran == [(0, "daily")]  # guild 0 → shard 0 → process 0, once
    rows = await two.db.fetch("SELECT r.guild_id, r.last_sent_at, t.due_at, t.lease_until, t.attempts "
                              "FROM reminders r JOIN timers t ON t.kind = 'reminder' AND t.key = r.id || ':repeat'")
    assert len(rows) == len(two.places) * per_guild
    assert {(r["last_sent_at"], r["due_at"], r["lease_until"], r["attempts"]) for r in rows} == {
        (NOON, NOON + timedelta(days=1), None, 0)}  # sent at noon, moved to tomorrow, no retry, no lease left
    assert await two.db.fetchval("SELECT count(*) FROM timers WHERE kind = $1", HOUSEKEEPING) == 0

    # 4. The health history clean-up (a real guild-0 job, first run when process 0 became ready) runs once a day.
    calls: Counter[int] = Counter()
    for process, bot in enumerate(two.bots):
        retention = bot.get_cog("Health").retention
        original = retention.prune

        async def counted(original: Callable[[], Any] = original, process: int = process) -> Any:
            calls[process] += 1
            return await original()
        retention.prune = counted
    two.clock.set(START + timedelta(days=1))
    for bot in two.bots:
        bot.timers.rearm()
        await bot.timers.idle()
    await two.discord.settle()
    assert calls == Counter({0: 1})
    assert await two.db.fetchval("SELECT due_at FROM timers WHERE kind = 'health_history_cleanup'") == (
        START + timedelta(days=2))
    print(f"\n[two processes] jobs run: {sum(len(two.reminder_posts(p)) for p in two.places)} reminders "
          f"(process 0: {sum(two.posters(p)[0] for p in two.places)}, process 1: "
          f"{sum(two.posters(p)[1] for p in two.places)}), housekeeping {ran}, health clean-up {dict(calls)}")


async def test_cache_invalidation_reaches_the_other_process(two: TwoProcesses) -> None:
    # A settings change made in process 0 (a /config command in a shard-0 guild) reaches process 1's cache.
    a = two.on_shard(0)[0]
    assert await two.bots[1].guild_settings.get(a.guild.id, "system", "timezone") == "UTC"  # cached in process 1
    changes: list[tuple[int, list[Any]]] = []

    async def on_hearth_settings_changed(guild_id: int, keys: list[Any]) -> None:
        changes.append((guild_id, keys))

    two.bots[1].add_listener(on_hearth_settings_changed)
    settings_heard = heard(two.bots[1], "hearth_settings")
    result = await two.discord.slash("config set", user=a.admin, guild=a.guild, scope="system", key="timezone",
                                     value="Asia/Tokyo")
    assert result.ephemeral and "Asia/Tokyo" in result.text, result.text
    assert two.interactions[-1] == (0, a.guild.id)
    await asyncio.wait_for(settings_heard.wait(), timeout=5)
    assert await two.bots[1].guild_settings.get(a.guild.id, "system", "timezone") == "Asia/Tokyo"
    await two.discord.settle()
    assert changes == [(a.guild.id, [("system", "timezone")])]

    # An automod rule added in process 1 (shard-1 guild) reaches process 0's rule cache.
    b = two.on_shard(1)[0]
    cache = two.bots[0].get_cog("Automod").cache
    assert (await cache.get(b.guild.id)).rules == []  # cached in process 0
    automod_heard = heard(two.bots[0], "hearth_automod")
    result = await two.discord.slash("config automod add", user=b.admin, guild=b.guild,
                                     options={"name": "No spam links", "type": "content", "words": "free nitro"})
    assert "added" in result.text, result.text
    assert two.interactions[-1] == (1, b.guild.id)
    await asyncio.wait_for(automod_heard.wait(), timeout=5)
    assert cache.peek(b.guild.id) is None  # dropped by the notification
    assert [rule.name for rule in (await cache.get(b.guild.id)).rules] == ["No spam links"]


async def test_one_stripe_event_delivered_to_both_processes_has_one_effect(two: TwoProcesses) -> None:
    place = two.on_shard(1)[0]  # the guild is on shard 1: process 0 may apply the event for it
    buyer = place.member
    for key, value in TERMS.items():
        await two.bots[1].guild_settings.set(place.guild.id, "premium", key, value, changed_by=None)
    shown = await two.discord.slash("premium plans", user=buyer, guild=place.guild)
    shown = await two.discord.click(shown, "I accept", user=buyer)
    answer = await two.discord.click(shown, "Buy monthly", user=buyer)
    assert "checkout.stripe.com" in answer.text, answer.text
    assert {process for process, _ in two.interactions} == {1}  # all three interactions went to process 1
    session_id = next(s["id"] for s in two.stripe.sessions.values() if s["url"] in answer.text)
    event = two.stripe.event("checkout.session.completed", two.stripe.complete_checkout(session_id))
    for bot in two.bots:  # both processes have "no premium" cached for a minute
        assert await premium_of(bot).tier(buyer.id, place.guild.id) is None
    premium_heard = [heard(bot, "hearth_premium") for bot in two.bots]

    responses = await asyncio.gather(*(sender.send(event) for sender in two.webhooks))

    assert [r.status_code for r in responses] == [200, 200]
    assert sorted(r.json()["duplicate"] for r in responses) == [False, True]  # one applied it, one saw it done
    for waiter in premium_heard:
        await asyncio.wait_for(waiter.wait(), timeout=5)
    for bot in two.bots:
        assert await premium_of(bot).tier(buyer.id, place.guild.id) == "monthly"
    await two.discord.settle()
    assert await two.db.fetchval("SELECT count(*) FROM stripe_events WHERE event_id = $1", event["id"]) == 1
    rows = await two.db.fetch("SELECT guild_id, tier, status FROM premium_subs WHERE user_id = $1", buyer.id)
    assert [tuple(r) for r in rows] == [(place.guild.id, "monthly", "active")]
    assert await two.db.fetchval("SELECT count(*) FROM timers WHERE kind LIKE 'premium_%'") == 1
    assert sum("is active" in m.content for m in two.discord.dms_to(buyer)) == 1
    # The expiry job is for a shard-1 guild: process 1's dispatcher knows of it, whichever process applied it.
    expiry = await two.db.fetchval("SELECT due_at FROM timers WHERE kind LIKE 'premium_%'")
    assert two.bots[1].timers.next_due == expiry
    assert two.bots[0].timers.next_due != expiry
