"""A setting changed in one bot process reaches another one through PostgreSQL LISTEN/NOTIFY."""

from __future__ import annotations

import asyncio

from tests.hearth_harness import Hearth


async def test_a_change_in_one_process_is_seen_by_another(hearth: Hearth) -> None:
    g = hearth.guild
    other = await hearth.discord.connect(hearth.make_bot(cogs=["config"]))
    try:
        assert await other.guild_settings.get(g.guild.id, "system", "timezone") == "UTC"  # now cached there
        heard = asyncio.Event()
        changes: list = []

        async def on_hearth_settings_changed(guild_id: int, keys: list) -> None:
            changes.append((guild_id, keys))
            heard.set()

        other.add_listener(on_hearth_settings_changed)
        # (Both bots see the same guild here, so the change is made in the first one's code path directly:
        # a slash command would reach both.)
        await hearth.bot.guild_settings.set(g.guild.id, "system", "timezone", "Asia/Tokyo", changed_by=g.admin.id)
        await asyncio.wait_for(heard.wait(), timeout=5)  # the notification's delivery, not a fixed wait
        assert changes == [(g.guild.id, [("system", "timezone")])]
        assert await other.guild_settings.get(g.guild.id, "system", "timezone") == "Asia/Tokyo"
    finally:
        await hearth.discord.disconnect(other)
