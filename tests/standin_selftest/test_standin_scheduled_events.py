"""Guild scheduled events through the real discord.py client: create/edit/start/end/cancel/delete, Discord's
validation (50035 naming the field), status transitions, permissions (50013), gateway events, audit entries,
"Interested" users, recurrence rules, GUILD_CREATE after a restart."""

from __future__ import annotations

import datetime as dt
from typing import Any

import discord
import pytest
from discord.http import Route

from tests.standin import StandIn
from tests.standin.plugin import DefaultGuild

from .selftest_bot import SelfTestBot

pytestmark = pytest.mark.asyncio(loop_scope="session")
ONE = "/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}"


def listen(bot: SelfTestBot, *names: str) -> list[tuple[str, Any]]:
    seen: list[tuple[str, Any]] = []
    for name in names:
        async def hook(*args: Any, _name: str = name) -> None:
            seen.append((_name, args))
        bot.add_listener(hook, f"on_{name}")
    return seen


def soon(hours: float = 24) -> dt.datetime:
    return discord.utils.utcnow().replace(microsecond=0) + dt.timedelta(hours=hours)


async def test_external_event_lifecycle(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    seen = listen(bot, "scheduled_event_create", "scheduled_event_update", "scheduled_event_user_add",
                  "scheduled_event_user_remove")
    guild = bot.get_guild(default_guild.guild.id)
    assert guild is not None
    start = soon()
    event = await guild.create_scheduled_event(name="Game night", start_time=start, end_time=start + dt.timedelta(
        hours=2), location="Town hall, room 2", description="Bring snacks", reason="weekly",
        entity_type=discord.EntityType.external)
    await standin.settle()
    assert event.status is discord.EventStatus.scheduled and event.location == "Town hall, room 2"
    assert event.start_time == start and event.creator_id == bot.user.id
    stored = default_guild.guild.scheduled_event("Game night")
    assert stored.id == event.id and stored.entity_type == 3 and stored.end == start + dt.timedelta(hours=2)
    assert [name for name, _ in seen] == ["scheduled_event_create"]
    assert guild.get_scheduled_event(event.id) is not None
    entry = default_guild.guild.audit_log[-1]
    assert (entry["action_type"], entry["target_id"], entry["reason"]) == (100, str(event.id), "weekly")
    assert {"key": "location", "new_value": "Town hall, room 2"} in entry["changes"]

    # a member clicks "Interested" in Discord's client
    default_guild.guild.mark_interested(stored, default_guild.member)
    await standin.settle()
    assert seen[-1][0] == "scheduled_event_user_add" and seen[-1][1][1].id == default_guild.member.user.id
    [listed] = await guild.fetch_scheduled_events(with_counts=True)
    assert listed.user_count == 1
    assert [u.id async for u in listed.users()] == [default_guild.member.user.id]
    default_guild.guild.unmark_interested(stored, default_guild.member)
    await standin.settle()
    assert seen[-1][0] == "scheduled_event_user_remove"
    assert (await guild.fetch_scheduled_event(event.id, with_counts=True)).user_count == 0

    edited = await event.edit(name="Board game night", location="Library")
    assert (edited.name, edited.location, stored.name) == ("Board game night", "Library", "Board game night")
    started = await edited.start()
    assert started.status is discord.EventStatus.active
    ended = await started.end()
    await standin.settle()
    assert ended.status is discord.EventStatus.completed and stored.status == 3
    assert [e["action_type"] for e in default_guild.guild.audit_log[-3:]] == [101, 101, 101]
    assert {"key": "status", "old_value": 2, "new_value": 3} in default_guild.guild.audit_log[-1]["changes"]
    assert [e["status"] for e in standin.events("GUILD_SCHEDULED_EVENT_UPDATE")] == [1, 2, 3]
    befores = [args[0].status for name, args in seen if name == "scheduled_event_update"]
    assert befores == [discord.EventStatus.scheduled, discord.EventStatus.scheduled, discord.EventStatus.active]

    # a finished event is out of the list and cannot change any more
    assert await guild.fetch_scheduled_events() == []
    assert (await guild.fetch_scheduled_event(event.id)).status is discord.EventStatus.completed
    with pytest.raises(discord.HTTPException) as err:
        await bot.http.edit_scheduled_event(guild.id, event.id, name="again")
    assert (err.value.status, err.value.code) == (400, 180000)


async def test_voice_event_cancel_delete_and_transitions(standin: StandIn, default_guild: DefaultGuild,
                                                         bot: SelfTestBot) -> None:
    seen = listen(bot, "scheduled_event_delete")
    voice = default_guild.guild.add_voice_channel("Lounge")
    await standin.settle()
    guild = bot.get_guild(default_guild.guild.id)
    assert guild is not None
    channel = guild.get_channel(voice.id)
    assert isinstance(channel, discord.VoiceChannel)
    event = await guild.create_scheduled_event(name="Chat", start_time=soon(), channel=channel)
    assert event.entity_type is discord.EntityType.voice and event.channel_id == voice.id and event.location is None

    with pytest.raises(discord.HTTPException) as err:  # scheduled -> completed skips "active"
        await bot.http.edit_scheduled_event(guild.id, event.id, status=3)
    assert err.value.code == 50035 and "In status:" in err.value.text
    cancelled = await event.cancel(reason="nobody")
    assert cancelled.status is discord.EventStatus.cancelled
    with pytest.raises(discord.HTTPException) as err:  # canceled is final
        await bot.http.edit_scheduled_event(guild.id, event.id, status=2)
    assert err.value.code == 180000

    other = await guild.create_scheduled_event(name="Other", start_time=soon(), channel=channel)
    await other.delete(reason="typo")
    await standin.settle()
    assert other.id not in default_guild.guild.scheduled_events
    assert [args[0].id for _, args in seen] == [other.id]
    assert default_guild.guild.audit_log[-1]["action_type"] == 102
    assert standin.events("GUILD_SCHEDULED_EVENT_DELETE")[-1]["name"] == "Other"
    with pytest.raises(discord.NotFound) as err:
        await guild.fetch_scheduled_event(other.id)
    assert err.value.code == 10070


async def test_validation_errors_name_the_field(standin: StandIn, default_guild: DefaultGuild,
                                               bot: SelfTestBot) -> None:
    gid = default_guild.guild.id
    voice = default_guild.guild.add_voice_channel("Voice")
    start = soon().isoformat()
    end = soon(26).isoformat()
    external = {"name": "E", "privacy_level": 2, "entity_type": 3, "scheduled_start_time": start}
    cases: list[tuple[dict[str, Any], str]] = [
        ({**external, "scheduled_end_time": end}, "entity_metadata.location"),  # external needs a location
        ({**external, "entity_metadata": {"location": "Park"}}, "scheduled_end_time"),  # ... and an end
        ({**external, "entity_type": 2}, "channel_id"),  # voice needs a channel
        ({**external, "entity_type": 2, "channel_id": default_guild.general.id}, "channel_id"),  # a voice one
        ({**external, "entity_type": 1, "channel_id": voice.id}, "channel_id"),  # stage needs a stage channel
        ({**external, "privacy_level": 1, "scheduled_end_time": end, "entity_metadata": {"location": "P"}},
         "privacy_level"),
        ({**external, "name": "", "scheduled_end_time": end, "entity_metadata": {"location": "P"}}, "name"),
        ({**external, "scheduled_start_time": soon(-1).isoformat(), "scheduled_end_time": end,
          "entity_metadata": {"location": "P"}}, "scheduled_start_time"),  # in the past
        ({**external, "scheduled_end_time": soon(1).isoformat(), "entity_metadata": {"location": "P"}},
         "scheduled_end_time"),  # ends before it starts
    ]
    for body, key in cases:
        with pytest.raises(discord.HTTPException) as err:
            await bot.http.create_guild_scheduled_event(gid, **body)
        assert (err.value.status, err.value.code) == (400, 50035), body
        assert f"In {key}:" in err.value.text, (key, err.value.text)
    assert default_guild.guild.scheduled_events == {}
    # discord.py leaves entity_type out when it is inferred from ``location``: Discord requires it
    guild = bot.get_guild(gid)
    assert guild is not None
    with pytest.raises(discord.HTTPException) as err:
        await guild.create_scheduled_event(name="E", start_time=soon(), end_time=soon(26), location="P")
    assert err.value.code == 50035 and "In entity_type:" in err.value.text
    stage = default_guild.guild.add_stage_channel("Stage")
    data = await bot.http.create_guild_scheduled_event(gid, **{**external, "entity_type": 1, "channel_id": stage.id})
    assert data["entity_type"] == 1 and data["channel_id"] == str(stage.id)

    # "now" follows the project's test clock when it says so
    standin.world.now = lambda: dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    data = await bot.http.create_guild_scheduled_event(gid, **{
        **external, "scheduled_start_time": "2020-02-01T18:00:00+00:00",
        "scheduled_end_time": "2020-02-01T20:00:00+00:00", "entity_metadata": {"location": "P"}})
    assert data["scheduled_start_time"] == "2020-02-01T18:00:00+00:00"


async def test_permissions(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    g = default_guild.guild
    guild = bot.get_guild(g.id)
    assert guild is not None
    by_owner = g.add_scheduled_event("Owner's", by=g.owner, start=soon(), end=soon(25), location="Park")
    await standin.settle()
    mine = await guild.create_scheduled_event(name="Mine", start_time=soon(), end_time=soon(25), location="Here",
                                              entity_type=discord.EntityType.external)
    no_manage = discord.Permissions.all()
    no_manage.administrator = no_manage.manage_events = False
    g.set_role_permissions(g.bot_role, no_manage)
    await standin.settle()
    theirs = guild.get_scheduled_event(by_owner.id)
    assert theirs is not None
    with pytest.raises(discord.Forbidden) as err:  # someone else's event needs Manage Events
        await theirs.edit(name="Mine now")
    assert err.value.code == 50013
    assert (await mine.edit(name="Still mine")).name == "Still mine"  # Create Events is enough for its own
    no_create = discord.Permissions.all()
    no_create.administrator = no_create.create_events = False
    g.set_role_permissions(g.bot_role, no_create)
    await standin.settle()
    with pytest.raises(discord.Forbidden):
        await guild.create_scheduled_event(name="X", start_time=soon(), end_time=soon(25), location="There",
                                           entity_type=discord.EntityType.external)
    await theirs.delete()  # Manage Events
    assert set(g.scheduled_events) == {mine.id}
    # people in Discord's client: bob has neither permission
    with pytest.raises(PermissionError):
        g.add_scheduled_event("Bob's", by=default_guild.member, start=soon(), end=soon(25), location="Park")
    with pytest.raises(PermissionError):
        g.edit_scheduled_event(g.scheduled_events[mine.id], by=default_guild.member, status=4)
    g.edit_scheduled_event(g.scheduled_events[mine.id], by=g.owner, status=4)
    await standin.settle()
    assert guild.get_scheduled_event(mine.id).status is discord.EventStatus.cancelled  # type: ignore[union-attr]


async def test_recurrence_rule_is_validated_and_echoed(standin: StandIn, default_guild: DefaultGuild,
                                                       bot: SelfTestBot) -> None:
    guild = bot.get_guild(default_guild.guild.id)
    assert guild is not None
    start = soon()
    event = await guild.create_scheduled_event(name="Weekly", start_time=start, end_time=start + dt.timedelta(
        hours=1), location="Hall", entity_type=discord.EntityType.external)
    route = Route("PATCH", ONE, guild_id=guild.id, guild_scheduled_event_id=event.id)
    rule = {"start": start.isoformat(), "frequency": 2, "interval": 1, "by_weekday": [start.weekday()]}
    data = await bot.http.request(route, json={"recurrence_rule": rule})
    assert data["recurrence_rule"] == {**rule, "end": None, "by_n_weekday": None, "by_month": None,
                                       "by_month_day": None, "by_year_day": None, "count": None}
    assert default_guild.guild.audit_log[-1]["changes"][0]["key"] == "recurrence_rule"
    for bad in ({**rule, "by_weekday": [1, 3]}, {**rule, "interval": 3}, {**rule, "frequency": 1},
                {"frequency": 2, "by_weekday": [1]}):
        with pytest.raises(discord.HTTPException) as err:
            await bot.http.request(route, json={"recurrence_rule": bad})
        assert err.value.code == 50035 and "In recurrence_rule" in err.value.text
    monthly = {"start": start.isoformat(), "frequency": 1, "by_n_weekday": [{"n": 2, "day": 1}]}
    assert (await bot.http.request(route, json={"recurrence_rule": monthly}))["recurrence_rule"]["frequency"] == 1
    assert (await bot.http.request(route, json={"recurrence_rule": None}))["recurrence_rule"] is None


async def test_guild_create_carries_events(standin: StandIn, default_guild: DefaultGuild) -> None:
    g = default_guild.guild
    live = g.add_scheduled_event("Live", by=g.owner, start=soon(), end=soon(25), location="Park")
    done = g.add_scheduled_event("Done", by=g.owner, start=soon(), end=soon(25), location="Park")
    g.edit_scheduled_event(done, by=g.owner, status=4)
    bot = await standin.connect(SelfTestBot(sync=False))
    guild = bot.get_guild(g.id)
    assert guild is not None and [e.id for e in guild.scheduled_events] == [live.id]
    await standin.disconnect(bot)
