"""The gateway connection drops and the bot RESUMEs: nothing missed, nothing twice.

While the bot is disconnected a reminder falls due (it posts through REST, which does not need the gateway) and
members keep talking, some of them triggering custom commands. Discord replays on RESUME the events the bot
missed, and only those (sequence numbers above the one the bot sends in RESUME). After RESUMED: the reminder
was posted once, engagement counts equal the messages sent, each trigger got exactly one reply.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import discord
import pytest

from tests.engagement.helpers import cog as engagement
from tests.hearth_harness import Hearth
from tests.standin.gateway import Connection

DUE = datetime(2026, 6, 1, 12, tzinfo=UTC)


class HeldResume:
    """Holds the bot's RESUME at the stand-in until released: a disconnection of a chosen length."""

    def __init__(self, hearth: Hearth, monkeypatch: pytest.MonkeyPatch) -> None:
        self.gateway = hearth.discord.gateway
        self.real = self.gateway._resume
        self.held: list[tuple[Connection, dict[str, Any]]] = []
        self.arrived = asyncio.Event()
        self.resumed_from: list[int] = []
        monkeypatch.setattr(self.gateway, "_resume", self._hold)

    def _hold(self, conn: Connection, data: dict[str, Any]) -> None:
        self.held.append((conn, data))
        self.resumed_from.append(int(data.get("seq") or 0))
        self.arrived.set()

    def release(self) -> None:
        for conn, data in self.held:
            self.real(conn, data)
        self.held.clear()


@pytest.fixture
def seen(hearth: Hearth) -> Counter[int]:
    """How many times the bot received each MESSAGE_CREATE (by message id)."""
    counts: Counter[int] = Counter()

    async def on_message(message: discord.Message) -> None:
        counts[message.id] += 1

    hearth.bot.add_listener(on_message, "on_message")
    return counts


async def _custom_command(hearth: Hearth) -> None:
    result = await hearth.discord.slash("config custom_commands add", user=hearth.guild.admin,
                                        options={"name": "rules", "trigger_type": "exact", "trigger": "!rules",
                                                 "response": "Read the rules, {user}"})
    assert "rules" in result.text and not result.text.startswith("Something went wrong"), result.text


async def test_drop_and_resume_loses_nothing_and_doubles_nothing(hearth: Hearth, monkeypatch: pytest.MonkeyPatch,
                                                                 seen: Counter[int]) -> None:
    g, d = hearth.guild, hearth.discord
    hearth.clock.set(DUE - timedelta(hours=2))
    result = await d.slash("reminder add", user=g.owner, guild=g.guild, options={"channel": g.general},
                           name="Standup", when="every day 12:00")
    assert result.text.startswith("✅"), result.text
    await _custom_command(hearth)
    hearth.clock.set(DUE - timedelta(minutes=1))
    sent: Counter[int] = Counter()  # messages per member, to compare with the engagement tables
    before = []
    for n in range(5):  # acknowledged before the drop: must not be replayed
        before.append(await d.say(g.general, g.member, f"before the drop {n}"))
        sent[g.member.id] += 1
    await d.say(g.general, g.admin, "!rules")
    sent[g.admin.id] += 1

    session = next(s for s in d.gateway.live_sessions if s.token == d.links[-1].token)
    acknowledged = session.seq  # settled: the bot has read every event sent so far
    held = HeldResume(hearth, monkeypatch)
    await d.drop_gateway(wait=False)
    await asyncio.wait_for(held.arrived.wait(), 5)  # the bot reconnected and asked to RESUME: held there
    # Disconnected: the reminder falls due, members keep talking and triggering the custom command.
    hearth.clock.set(DUE)
    hearth.bot.timers.rearm()
    await hearth.bot.timers.idle()
    during = []
    for n in range(8):
        member = g.member if n % 2 else g.moderator
        during.append(await d.say(g.general, member, "!rules" if n % 3 == 0 else f"during the drop {n}",
                                  settle=False))
        sent[member.id] += 1
    assert all(seen[m.id] == 0 for m in during)  # the bot really did not get them yet
    held.release()
    await asyncio.wait_for(session.resumed.wait(), 5)
    await d.settle()

    # The stand-in replayed exactly what the bot missed: nothing it had acknowledged.
    assert held.resumed_from == [acknowledged]
    assert [seen[m.id] for m in before] == [1] * 5
    assert [seen[m.id] for m in during] == [1] * 8
    # The reminder that fell due while disconnected was posted once.
    reminders = [m for m in d.messages_in(g.general) if m.embeds and m.embeds[0]["title"] == "⏰ Standup"]
    assert len(reminders) == 1
    # One reply per trigger: 1 before, 3 during (n = 0, 3, 6).
    replies = [m for m in d.messages_in(g.general) if m.author.id == hearth.bot.user.id
               and m.content.startswith("Read the rules")]
    assert len(replies) == 4
    # Engagement counts equal the messages sent (after the flush), per member.
    await engagement(hearth).flush()
    rows = await hearth.db.fetch("SELECT user_id, sum(messages) AS n FROM engagement_daily_counts GROUP BY user_id")
    assert {r["user_id"]: r["n"] for r in rows} == dict(sent)
    # Custom command uses, written in batches: four.
    await hearth.bot.get_cog("CustomCommands").uses.flush(hearth.bot.get_cog("CustomCommands").pool)
    assert await hearth.db.fetchval("SELECT uses FROM custom_commands WHERE name = 'rules'") == 4
    # Later the reminder carries on as usual: the next one is tomorrow.
    assert await hearth.db.fetchval("SELECT due_at FROM timers WHERE kind = 'reminder'") == DUE + timedelta(days=1)


async def test_two_drops_in_a_row_replay_each_event_once(hearth: Hearth, seen: Counter[int]) -> None:
    g, d = hearth.guild, hearth.discord
    hearth.clock.set(DUE)
    messages = []
    for round_ in range(2):
        await d.drop_gateway(wait=False)
        for n in range(4):
            messages.append(await d.say(g.general, g.member, f"round {round_} message {n}", settle=False))
        session = next(s for s in d.gateway.live_sessions if s.token == d.links[-1].token)
        await asyncio.wait_for(session.resumed.wait(), 5)
        await d.settle()
    messages.append(await d.say(g.general, g.member, "after both drops"))
    assert [seen[m.id] for m in messages] == [1] * 9
    await engagement(hearth).flush()
    assert await hearth.db.fetchval("SELECT sum(messages) FROM engagement_daily_counts WHERE user_id = $1",
                                    g.member.id) == 9
