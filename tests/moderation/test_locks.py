"""/lock, /unlock and /slowmode through the stand-in: the previous overwrites restored exactly (one channel, the
whole server, after a restart, after a second lock), slowmode set and cleared, and the refusals."""

from __future__ import annotations

import discord
import pytest

from cogs.moderation import locks_repo
from tests.hearth_harness import Hearth
from tests.kit.channel_tools import ChannelToolsDesk, channel_tools_desk

LOCKED = discord.Permissions(send_messages=True, send_messages_in_threads=True, add_reactions=True).value


@pytest.fixture
async def desk(hearth: Hearth) -> ChannelToolsDesk:
    desk = await channel_tools_desk(hearth)
    server, general = desk.server, desk.g.general
    regulars = server.add_role("Regulars")
    server.set_overwrite(general, regulars, allow=["send_messages", "embed_links"], deny=["attach_files"])
    server.set_overwrite(general, desk.g.moderator_role, allow=["view_channel"])
    server.set_overwrite(general, desk.member, allow=["add_reactions"])
    await desk.d.settle()
    return desk


async def test_lock_denies_and_unlock_restores_exactly(desk: ChannelToolsDesk) -> None:
    general, server = desk.g.general, desk.server
    before = desk.overwrites(general)
    result = await desk.d.slash("lock", user=desk.lead, reason="raid")
    assert "Locked" in result.text
    locked = desk.overwrites(general)
    regulars = server.role("Regulars").id
    assert locked[server.id] == (0, 0, LOCKED)  # @everyone had no overwrite
    assert locked[regulars][1] & LOCKED == 0 and locked[regulars][2] & LOCKED == LOCKED
    assert locked[regulars][1] & discord.Permissions(embed_links=True).value  # other bits kept
    assert locked[desk.g.moderator_role.id] == before[desk.g.moderator_role.id]  # allowed nothing locked
    assert locked[desk.member.id] == before[desk.member.id]  # member overwrites are left alone
    with pytest.raises(PermissionError):
        await desk.d.say(general, desk.g.admin, "can I talk?")
    await desk.d.slash("unlock", user=desk.lead)
    assert desk.overwrites(general) == before
    assert await locks_repo.get(desk.db, server.id, general.id) is None
    titles = [e["title"] for e in desk.log_embeds()]
    assert titles == ["🔒 Channel locked", "🔓 Channel unlocked"]


async def test_a_second_lock_keeps_the_first_saved_state(desk: ChannelToolsDesk) -> None:
    general, server = desk.g.general, desk.server
    before = desk.overwrites(general)
    await desk.d.slash("lock", user=desk.lead)
    saved = await locks_repo.get(desk.db, server.id, general.id)
    again = await desk.d.slash("lock", user=desk.lead)
    assert "already locked" in again.text
    server.set_overwrite(general, "everyone", allow=["send_messages"])  # someone reopens it by hand
    await desk.d.settle()
    await desk.d.slash("lock", user=desk.lead)
    assert desk.overwrites(general)[server.id][2] & LOCKED == LOCKED
    assert (await locks_repo.get(desk.db, server.id, general.id)).previous == saved.previous
    await desk.d.slash("unlock", user=desk.lead)
    assert desk.overwrites(general) == before  # @everyone's overwrite, absent before, is gone again


async def test_a_restart_keeps_the_saved_state(desk: ChannelToolsDesk) -> None:
    before = desk.overwrites(desk.g.general)
    await desk.d.slash("lock", user=desk.lead)
    await desk.hearth.restart()
    await desk.d.slash("unlock", user=desk.lead)
    assert desk.overwrites(desk.g.general) == before


async def test_server_wide_lock_and_unlock(desk: ChannelToolsDesk) -> None:
    server = desk.server
    other = server.add_text_channel("other")
    hidden = server.add_text_channel("hidden", overwrites={server.bot_role: {"deny": ["view_channel"]}})
    await desk.d.settle()
    channels = [desk.g.general, other, desk.logs, hidden]
    before = {c.id: desk.overwrites(c) for c in channels}
    result = await desk.d.slash("lock", user=desk.lead, server=True, reason="raid")
    for channel in (desk.g.general, other, desk.logs):
        assert desk.overwrites(channel)[server.id][2] & LOCKED == LOCKED, channel.name
    assert desk.overwrites(hidden) == before[hidden.id]  # the bot cannot manage it: untouched
    assert "Locked" in result.text and hidden.name not in result.text
    assert len(await locks_repo.locked(desk.db, server.id)) == 3
    await desk.d.slash("unlock", user=desk.lead, server=True)
    assert {c.id: desk.overwrites(c) for c in channels} == before
    assert await locks_repo.locked(desk.db, server.id) == []


async def test_slowmode_set_and_cleared(desk: ChannelToolsDesk) -> None:
    general = desk.g.general
    result = await desk.d.slash("slowmode", user=desk.lead, duration="1h 30m")
    assert general.rate_limit_per_user == 5400 and "1 h 30 min" in result.text
    await desk.d.slash("slowmode", user=desk.lead, duration="6h", options={"channel": desk.logs})
    assert desk.logs.rate_limit_per_user == 21600
    await desk.d.slash("slowmode", user=desk.lead, duration="off")
    assert general.rate_limit_per_user == 0
    too_long = await desk.refused("slowmode", user=desk.lead, duration="7h")
    assert "up to 6 hours" in too_long.text and desk.logs.rate_limit_per_user == 21600
    assert [f["value"] for e in desk.log_embeds() for f in e["fields"] if f["name"] == "Delay"] == [
        "1 h 30 min", "6 h", "off"]


async def test_a_member_without_manage_channels_is_refused(desk: ChannelToolsDesk) -> None:
    before = desk.overwrites(desk.g.general)
    lock = await desk.refused("lock", user=desk.g.moderator, check_permissions=False)
    assert "You need **Manage Channels**, **Manage Roles** in" in lock.text
    slow = await desk.refused("slowmode", user=desk.g.moderator, duration="5m", check_permissions=False)
    assert "You need **Manage Channels** in" in slow.text
    server = await desk.refused("lock", user=desk.g.moderator, server=True, check_permissions=False)
    assert "in this server" in server.text
    assert desk.overwrites(desk.g.general) == before and desk.g.general.rate_limit_per_user == 0


async def test_the_bot_says_what_it_lacks(desk: ChannelToolsDesk) -> None:
    before = desk.overwrites(desk.g.general)
    desk.server.set_overwrite(desk.g.general, desk.server.bot_role, deny=["manage_roles"])
    await desk.d.settle()
    result = await desk.refused("lock", user=desk.lead)
    assert "I'm missing **Manage Roles** in" in result.text
    assert await locks_repo.get(desk.db, desk.server.id, desk.g.general.id) is None
    assert {k: v for k, v in desk.overwrites(desk.g.general).items() if k != desk.server.bot_role.id} == before


async def test_unlocking_a_channel_that_is_not_locked(desk: ChannelToolsDesk) -> None:
    result = await desk.refused("unlock", user=desk.lead)
    assert "is not locked by /lock" in result.text
