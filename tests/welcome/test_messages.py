"""Welcome, farewell and ban messages: their templates filled in, posted in their channel or sent by DM, pinging at
most the member who joined; a ban is told once (no farewell after it); no database round trip on a join."""

from __future__ import annotations

from tests.kit.welcome import WelcomeDesk
from tests.standin.models import Pings


async def test_a_welcome_is_posted_in_the_channel_and_pings_only_the_new_member(desk: WelcomeDesk) -> None:
    await desk.set("welcome_message", "Hi {member.mention} ({member.name}), welcome to {server}! #{count}")
    carol = await desk.join("carol")
    [message] = desk.posted()
    count = desk.server.member_count
    assert message.content == f"Hi <@{carol.id}> (carol), welcome to {desk.server.name}! #{count}"
    assert message.pings == Pings(users=[carol.id])
    assert message.allowed_mentions["parse"] == [] and [int(u) for u in message.allowed_mentions["users"]] == [carol.id]
    assert desk.d.dms_to(carol) == []  # channel only


async def test_a_welcome_by_dm_only(desk: WelcomeDesk) -> None:
    await desk.set("welcome_to", "dm")
    await desk.set("welcome_message", "Welcome to {server}, {member.name}!")
    carol = await desk.join("carol")
    assert desk.posted() == []
    [dm] = desk.d.dms_to(carol)
    assert dm.content == f"Welcome to {desk.server.name}, carol!"
    assert not dm.pings


async def test_a_welcome_both_in_the_channel_and_by_dm(desk: WelcomeDesk) -> None:
    await desk.set("welcome_to", "both")
    carol = await desk.join("carol")
    assert len(desk.posted()) == 1 and len(desk.d.dms_to(carol)) == 1
    assert desk.posted()[0].content == desk.d.dms_to(carol)[0].content


async def test_closed_dms_do_not_keep_the_channel_welcome(desk: WelcomeDesk) -> None:
    await desk.set("welcome_to", "both")
    dave = desk.d.add_user("dave")
    dave.dms_open = False
    await desk.join(dave)
    assert len(desk.posted()) == 1 and desk.d.dms_to(dave) == []


async def test_nothing_is_posted_when_off_or_without_a_channel(desk: WelcomeDesk) -> None:
    await desk.set("welcome_to", "off")
    await desk.join("carol")
    await desk.set("welcome_to", "channel")
    await desk.hearth.bot.guild_settings.reset(desk.server.id, "welcome", "welcome_channel", changed_by=None)
    await desk.join("dave")
    assert desk.posted() == [] and desk.notices() == []


async def test_bots_are_not_welcomed(desk: WelcomeDesk) -> None:
    await desk.join("helper-bot", bot=True)
    assert desk.posted() == []


async def test_a_farewell_in_its_own_channel_pings_nobody(desk: WelcomeDesk) -> None:
    goodbyes = desk.server.add_text_channel("goodbyes")
    await desk.d.settle()
    await desk.set("farewell_to", "channel")
    await desk.set("farewell_channel", goodbyes.id)
    await desk.set("farewell_message", "{member.mention} ({member.name}) left; {count} members now.")
    await desk.set("welcome_to", "off")
    carol = await desk.join("carol")
    await desk.d.member_leave(desk.server, carol)
    [message] = [m for m in desk.d.messages_in(goodbyes)]
    assert message.content == f"<@{carol.id}> (carol) left; {desk.server.member_count} members now."
    assert not message.pings


async def test_a_farewell_by_dm_and_in_the_welcome_channel(desk: WelcomeDesk) -> None:
    await desk.set("farewell_to", "both")
    await desk.set("welcome_to", "off")
    carol = await desk.join("carol")
    await desk.d.member_leave(desk.server, carol)
    [posted] = desk.posted()  # farewell_channel unset: the welcome channel
    [dm] = desk.d.dms_to(carol)
    assert posted.content == dm.content == f"carol left {desk.server.name}. We are {desk.server.member_count} " \
                                           "members now."


async def test_a_ban_is_announced_once_instead_of_a_farewell(desk: WelcomeDesk) -> None:
    await desk.set("welcome_to", "off")
    await desk.set("farewell_to", "channel")
    await desk.set("ban_to", "channel")
    await desk.set("ban_message", "{member.name} was banned; {count} members left.")
    carol = await desk.join("carol")
    before = desk.server.member_count
    desk.server.ban(carol, by=desk.g.owner, reason="spam")
    await desk.d.settle()
    assert [m.content for m in desk.posted()] == [f"carol was banned; {before - 1} members left."]
    assert not desk.posted()[0].pings


async def test_a_ban_without_a_ban_message_is_a_farewell(desk: WelcomeDesk) -> None:
    await desk.set("welcome_to", "off")
    await desk.set("farewell_to", "channel")
    carol = await desk.join("carol")
    desk.server.ban(carol, by=desk.g.owner)
    await desk.d.settle()
    assert [m.content for m in desk.posted()] == [f"carol left {desk.server.name}. We are "
                                                  f"{desk.server.member_count} members now."]


async def test_a_ban_message_by_dm(desk: WelcomeDesk) -> None:
    await desk.set("welcome_to", "off")
    await desk.set("ban_to", "dm")
    carol = await desk.join("carol")
    desk.server.ban(carol, by=desk.g.owner)
    await desk.d.settle()
    assert desk.posted() == []
    assert [m.content for m in desk.d.dms_to(carol)] == [f"🔨 carol was banned from {desk.server.name}."]


async def test_count_follows_the_members(desk: WelcomeDesk) -> None:
    await desk.set("welcome_message", "#{count}")
    start = desk.server.member_count
    for name in ("carol", "dave", "erin"):
        await desk.join(name)
    assert [m.content for m in desk.posted()] == [f"#{start + 1}", f"#{start + 2}", f"#{start + 3}"]


async def test_a_hostile_name_is_shown_as_written_and_pings_nobody(desk: WelcomeDesk) -> None:
    loud = desk.server.add_role("Announcements", [], mentionable=True)
    await desk.d.settle()
    await desk.set("farewell_to", "channel")
    # The admin's own template names a role and @everyone: it never pings them either.
    await desk.set("welcome_message", "{member.mention} {member.name} @here <@&" + str(loud.id) + ">")
    name = f"@everyone **bold** <@&{loud.id}> <@{desk.g.owner.id}>"
    mallory = await desk.join("mallory", nick=name)
    await desk.d.member_leave(desk.server, mallory)
    welcome, farewell = desk.posted()
    assert welcome.pings == Pings(users=[mallory.id])
    assert not farewell.pings
    for message in (welcome, farewell):
        assert "**bold**" not in message.content and "\\*\\*bold\\*\\*" in message.content
        assert "@everyone" not in message.content.replace("@\u200beveryone", "")


async def test_a_join_costs_no_database_round_trip(desk: WelcomeDesk) -> None:
    await desk.set("welcome_to", "both")
    await desk.join("warm-up")  # the guild's settings are read once, then cached
    settings_pool = desk.hearth.bot.guild_settings.pool
    settings_before = settings_pool.acquisitions
    for name in ("carol", "dave", "erin"):
        await desk.join(name)
    assert len(desk.posted()) == 4
    assert settings_pool.acquisitions == settings_before  # settings from the cache
    assert "welcome" not in desk.hearth.bot.db.pools  # and the cog has no pool of its own
