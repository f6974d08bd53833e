"""Uses of tags: counted in memory, written in one statement per flush (the shared use-count buffer), one
database round trip per post (reading the tag), nothing lost over a restart."""

from __future__ import annotations

from datetime import timedelta

from tests.kit.tags import TagDesk


def trips(tags: TagDesk) -> dict[str, int]:
    """Connections handed out per pool so far (≈ database round trips)."""
    return {owner: pool.acquisitions for owner, pool in tags.hearth.bot.db.pools.items()}


async def test_a_post_costs_one_read_and_uses_are_written_in_a_batch(tags: TagDesk) -> None:
    await tags.create("ping", "pong")
    await tags.create("other", "text")
    await tags.post("ping")  # warm-up: the settings and member caches are filled once
    before = trips(tags)
    for name in ("ping", "PING", "other", "ping"):
        await tags.post(name)
    after = trips(tags)
    changed = {owner: after[owner] - before.get(owner, 0) for owner in after if after[owner] != before.get(owner, 0)}
    assert changed == {"tags": 4}  # four reads of the tag, nothing else: no write per use
    assert [r["uses"] for r in await tags.db.fetch("SELECT uses FROM tags ORDER BY id")] == [0, 0]
    assert await tags.cog.uses.flush(tags.cog.pool) == 2  # two counters, one statement
    assert [r["uses"] for r in await tags.db.fetch("SELECT uses FROM tags ORDER BY id")] == [4, 1]
    assert await tags.cog.uses.flush(tags.cog.pool) == 0


async def test_the_flush_loop_writes_on_the_bots_clock(tags: TagDesk) -> None:
    await tags.create("ping", "pong")
    await tags.post("ping")
    await tags.hearth.move_clock(tags.hearth.clock.now().replace(microsecond=0) + timedelta(seconds=11))
    await tags.d.settle()
    assert await tags.db.fetchval("SELECT uses FROM tags") == 1


async def test_a_restart_keeps_the_counts(tags: TagDesk) -> None:
    await tags.create("ping", "pong")
    for _ in range(3):
        await tags.post("ping")
    await tags.hearth.restart()  # unloading the cog writes what is buffered
    assert await tags.db.fetchval("SELECT uses FROM tags") == 3
    await tags.post("ping")
    info = await tags.run("info", name="ping")
    assert {f["name"]: f["value"] for f in info.embeds[0]["fields"]}["Uses"] == "4"


async def test_uses_of_a_deleted_tag_are_dropped_quietly(tags: TagDesk) -> None:
    await tags.create("gone", "soon")
    await tags.create("kept", "here")
    await tags.post("gone")
    await tags.post("kept")
    await tags.run("delete", name="gone")
    assert await tags.cog.uses.flush(tags.cog.pool) == 2
    assert await tags.db.fetchval("SELECT uses FROM tags") == 1

