"""/status (Manage Server): the health report's figures in Discord, with the timers queue; /about for everyone."""

from __future__ import annotations

import re
from datetime import timedelta

from core.hearth_bot import VERSION
from tests.hearth_harness import Hearth
from tests.kit.announcements import AnnounceDesk

OTHER_GUILD = 4242 << 22


def _fields(embed: dict) -> dict[str, str]:
    return {field["name"]: field["value"] for field in embed["fields"]}


async def _seed_idle_jobs(hearth: Hearth, guild_id: int) -> None:
    """Jobs of a kind nobody handles (so they stay queued): one due for this guild, one due and two ahead for
    another guild."""
    now = hearth.clock.now()
    rows = [(guild_id, "k1", now - timedelta(minutes=5)), (OTHER_GUILD, "k2", now - timedelta(minutes=1)),
            (OTHER_GUILD, "k3", now + timedelta(days=1)), (OTHER_GUILD, "k4", now + timedelta(days=2))]
    await hearth.db.executemany(
        "INSERT INTO timers (guild_id, kind, key, due_at, payload) VALUES ($1, 'status_test_idle', $2, $3, '{}')",
        rows)


async def test_status_shows_every_figure(desk: AnnounceDesk) -> None:
    hearth = desk.hearth
    await desk.announce(message="Later", when="in 3h")  # one job ahead for this guild
    await _seed_idle_jobs(hearth, desk.server.id)
    result = await desk.discord.slash("status", user=desk.guild.admin, guild=desk.server)
    [message] = result.messages
    assert message.ephemeral
    fields = _fields(message.embeds[0])
    assert fields["Version"] == VERSION
    assert re.fullmatch(r"(\d+[dhms] ?)+", fields["Uptime"])
    assert re.fullmatch(r"Shard 0: connected, (\d+ ms|no heartbeat yet)", fields["Gateway latency"])
    assert re.fullmatch(r"up, round trip \d+\.\d ms", fields["Database"])
    assert fields["AI (LLM)"] == "not configured (no API key)"
    assert fields["Stripe"] == "not configured"
    ahead = await hearth.db.fetchval("SELECT count(*) FROM timers WHERE due_at > $1", hearth.clock.now())
    assert ahead >= 3  # the two seeded, the announcement, and the housekeeping jobs of every server
    assert fields["Queued jobs"] == f"This server: 1 due, 1 scheduled\nAll servers: 2 due, {ahead} scheduled"


async def test_status_is_for_admins(desk: AnnounceDesk) -> None:
    refused = await desk.discord.slash("status", user=desk.moderator, guild=desk.server, check_permissions=False)
    assert refused.ephemeral and "Manage Server" in refused.text and not refused.embeds


async def test_about_for_a_member(desk: AnnounceDesk) -> None:
    result = await desk.discord.slash("about", user=desk.member, guild=desk.server)
    assert result.ephemeral
    fields = _fields(result.embeds[0])
    assert fields["Version"] == VERSION
    assert "docs/README" in fields["Documentation"]
    assert "/export_my_data" in fields["Privacy"] and "/delete_my_data" in fields["Privacy"]
    await desk.hearth.restart(docs_url="https://hearth.example/docs")
    linked = await desk.discord.slash("about", user=desk.member, guild=desk.server)
    assert _fields(linked.embeds[0])["Documentation"] == "https://hearth.example/docs"
