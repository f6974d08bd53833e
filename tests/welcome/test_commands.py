"""`/welcome setup|card|test` for admins (Manage Server), and `/config set scope:welcome …`: previews are private and
ping nobody; members without Manage Server are refused; a bad template is answered and nothing is stored."""

from __future__ import annotations

from cogs.welcome.card import CARD_SIZE
from tests.kit.welcome import WelcomeDesk, image_of
from utils.errors import UserFacingError


async def _stored(desk: WelcomeDesk) -> dict[str, object]:
    rows = await desk.db.fetch("SELECT key, value FROM bot_settings WHERE guild_id = $1 AND scope = 'welcome'",
                               desk.server.id)
    return {row["key"]: row["value"] for row in rows}


async def test_the_preview_is_private_pings_nobody_and_carries_the_card(desk: WelcomeDesk) -> None:
    await desk.set("card", True)
    await desk.set("welcome_message", "Welcome {member.mention} ({member.name}) to {server}, #{count}! @everyone")
    alice = desk.admin()
    result = await desk.d.slash("welcome test", user=alice)
    assert result.ephemeral
    message = result.message
    assert message.content == (f"Welcome <@{alice.id}> (alice) to {desk.server.name}, "
                                f"#{desk.server.member_count}! @everyone")
    [followup] = desk.d.requests("POST", "/webhooks/{webhook_id}/{webhook_token}")
    assert followup.json["allowed_mentions"] == {"parse": []}  # ephemeral, and no pings asked for anyway
    assert image_of(message.attachments[0].data).size == CARD_SIZE
    notes = result.embeds[0]["description"]
    assert f"posted in <#{desk.welcome.id}>" in notes and "card is **on**" in notes
    assert desk.posted() == []  # nothing public


async def test_the_preview_of_a_farewell_tells_it_is_off(desk: WelcomeDesk) -> None:
    result = await desk.d.slash("welcome test", user=desk.admin(), kind="farewell")
    assert result.ephemeral and result.message.content == f"alice left {desk.server.name}. We are " \
                                                          f"{desk.server.member_count} members now."
    assert "**off**" in result.embeds[0]["description"] and result.message.attachments == []


async def test_the_preview_reports_missing_permissions(desk: WelcomeDesk) -> None:
    await desk.set("card", True)
    desk.server.set_overwrite(desk.welcome, desk.server.bot_role, deny=["attach_files"])
    await desk.d.settle()
    notes = (await desk.d.slash("welcome test", user=desk.admin())).embeds[0]["description"]
    assert "missing **Attach Files**" in notes
    desk.server.set_overwrite(desk.welcome, desk.server.bot_role, deny=["send_messages"])
    await desk.d.settle()
    notes = (await desk.d.slash("welcome test", user=desk.admin())).embeds[0]["description"]
    assert "missing **Send Messages**" in notes and "Attach Files" not in notes


async def test_setup_changes_several_settings_at_once(desk: WelcomeDesk) -> None:
    goodbyes = desk.server.add_text_channel("goodbyes")
    await desk.d.settle()
    result = await desk.d.slash("welcome setup", user=desk.admin(), kind="farewell", send_to="both",
                                options={"channel": goodbyes}, message="Bye {member.name}!")
    assert result.ephemeral and result.text.startswith("✅"), result.text
    stored = await _stored(desk)
    assert stored["farewell_to"] == "both" and stored["farewell_channel"] == goodbyes.id
    assert stored["farewell_message"] == "Bye {member.name}!"
    history = await desk.db.fetchval("SELECT count(*) FROM settings_history WHERE guild_id = $1 AND scope = "
                                     "'welcome' AND key LIKE 'farewell_%' AND changed_by = $2", desk.server.id,
                                     desk.admin().id)
    assert history == 3
    carol = await desk.join("carol")
    await desk.d.member_leave(desk.server, carol)
    assert [m.content for m in desk.d.messages_in(goodbyes)] == ["Bye carol!"]


async def test_card_on_and_off(desk: WelcomeDesk) -> None:
    result = await desk.d.slash("welcome card", user=desk.admin(), enabled=True)
    assert result.ephemeral and "card is on" in result.text
    assert (await _stored(desk))["card"] is True
    await desk.join("carol")
    assert len(desk.posted()[-1].attachments) == 1
    await desk.d.slash("welcome card", user=desk.admin(), enabled=False)
    await desk.join("dave")
    assert desk.posted()[-1].attachments == []


async def test_a_bad_template_is_answered_and_nothing_is_stored(desk: WelcomeDesk) -> None:
    desk.d.ignore_errors(UserFacingError)
    before = await _stored(desk)
    unknown = await desk.d.slash("welcome setup", user=desk.admin(), kind="welcome", send_to="dm",
                                 message="Hi {user}!")
    assert unknown.ephemeral and "Unknown variable {user}" in unknown.text and "{member.mention}" in unknown.text
    brace = await desk.d.slash("config set", user=desk.admin(), scope="welcome", key="ban_message",
                               value="Banned: {member.name")
    assert brace.ephemeral and "stray brace" in brace.text
    choice = await desk.d.slash("config set", user=desk.admin(), scope="welcome", key="welcome_to",
                                value="everywhere")
    assert choice.ephemeral and "channel, dm, both, off" in choice.text
    empty = await desk.d.slash("welcome setup", user=desk.admin(), kind="ban")
    assert empty.ephemeral and "at least one" in empty.text
    assert await _stored(desk) == before  # send_to:dm was refused with the template: all or nothing


async def test_config_set_takes_a_template(desk: WelcomeDesk) -> None:
    result = await desk.d.slash("config set", user=desk.admin(), scope="welcome", key="welcome_message",
                                value="{{literally}} {member.name} joined")
    assert result.text.startswith("✅"), result.text
    await desk.join("carol")
    assert desk.posted()[-1].content == "{literally} carol joined"


async def test_members_without_manage_server_are_refused(desk: WelcomeDesk) -> None:
    desk.d.ignore_errors(UserFacingError)
    before = await _stored(desk)
    bob = desk.member
    for command, options in (("welcome test", {}), ("welcome card", {"enabled": True}),
                             ("welcome setup", {"kind": "welcome", "send_to": "off"})):
        result = await desk.d.slash(command, user=bob, check_permissions=False, **options)
        assert result.ephemeral and "Manage Server" in result.text, (command, result.text)
        assert result.message.attachments == []
    assert await _stored(desk) == before
