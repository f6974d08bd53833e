"""/embed: the builder modal (checked: colour, image address, Discord's limits) and editing an embed the bot
posted (only its own messages, for members with Manage Messages there)."""

from __future__ import annotations

import discord

from tests.kit.announcements import AnnounceDesk
from tests.standin.interactions import InteractionResult
from utils.errors import BadInput, UserFacingError

FORM = {"title": "Game night", "description": "Join us on Saturday.", "colour": "#5865F2",
        "image": "https://example.com/banner.png",
        "fields": "When | Saturday 20:00\nWhere | #voice\nfooter: See you there"}


async def _open(desk: AnnounceDesk, by=None) -> InteractionResult:
    return await desk.discord.slash("embed create", user=by or desk.herald, guild=desk.server,
                                    channel=desk.guild.general, options={"channel": desk.news})


def _values(modal: dict) -> dict[str, str]:
    found: dict[str, str] = {}

    def walk(components: list[dict]) -> None:
        for comp in components:
            if comp.get("type") == 4:
                found[comp["custom_id"]] = comp.get("value") or ""
            walk(comp.get("components") or ([comp["component"]] if "component" in comp else []))

    walk(modal["components"])
    return found


async def test_the_builder_posts_the_embed_it_describes(desk: AnnounceDesk) -> None:
    opened = await _open(desk)
    assert opened.modal is not None
    done = await desk.discord.submit_modal(opened, FORM)
    assert done.ephemeral and "Posted in" in done.text
    [post] = desk.posts()
    [embed] = post.embeds
    assert embed["title"] == "Game night" and embed["description"] == "Join us on Saturday."
    assert embed["color"] == 0x5865F2 and embed["image"]["url"] == "https://example.com/banner.png"
    assert [(f["name"], f["value"]) for f in embed["fields"]] == [("When", "Saturday 20:00"), ("Where", "#voice")]
    assert embed["footer"]["text"] == "See you there"
    assert not post.pings


async def test_a_bad_colour_or_address_is_refused_with_how_to_write_it(desk: AnnounceDesk) -> None:
    bad_colour = await desk.discord.submit_modal(await _open(desk), {**FORM, "colour": "blue"})
    assert bad_colour.ephemeral and "not a colour" in bad_colour.text and "#5865F2" in bad_colour.text
    bad_url = await desk.discord.submit_modal(await _open(desk), {**FORM, "image": "javascript:alert(1)"})
    assert bad_url.ephemeral and "https://" in bad_url.text
    bad_field = await desk.discord.submit_modal(await _open(desk), {**FORM, "fields": "no bar here"})
    assert "Line 1" in bad_field.text and "name | value" in bad_field.text
    too_many = "\n".join(f"F{i} | v" for i in range(4))
    assert "up to 3 fields" in (await desk.discord.submit_modal(await _open(desk), {**FORM, "fields": too_many})).text
    empty = await desk.discord.submit_modal(await _open(desk), {k: "" for k in FORM})
    assert "empty" in empty.text
    assert desk.posts() == []


async def test_a_member_without_manage_messages_there_cannot_open_it(desk: AnnounceDesk) -> None:
    async with desk.discord.expect_errors(UserFacingError):
        refused = await _open(desk, by=desk.member)
    assert refused.modal is None and "Manage Messages" in refused.text


async def test_edit_reopens_the_form_prefilled_and_changes_the_embed(desk: AnnounceDesk) -> None:
    await desk.discord.submit_modal(await _open(desk), FORM)
    [post] = desk.posts()
    opened = await desk.discord.slash("embed edit", user=desk.moderator, guild=desk.server,
                                      message_link=desk.link(post))
    assert opened.modal is not None
    assert _values(opened.modal) == FORM | {"colour": "#5865F2"}
    done = await desk.discord.submit_modal(opened, {"title": "Game night (moved)", "colour": "#ff0000"})
    assert "updated" in done.text
    [edited] = desk.posts()
    assert edited.id == post.id and edited.embeds[0]["title"] == "Game night (moved)"
    assert edited.embeds[0]["color"] == 0xFF0000 and edited.embeds[0]["footer"]["text"] == "See you there"


async def test_edit_refuses_a_message_the_bot_did_not_post(desk: AnnounceDesk) -> None:
    other_bot = desk.server.add_member("otherbot", bot=True)
    await desk.discord.settle()
    theirs = await desk.discord.say(desk.news, other_bot, "", embeds=[{"title": "Not Hearth's"}])
    async with desk.discord.expect_errors(UserFacingError):
        refused = await desk.discord.slash("embed edit", user=desk.herald, guild=desk.server,
                                           message_link=desk.link(theirs))
    assert refused.modal is None and "only edit my own messages" in refused.text
    async with desk.discord.expect_errors(BadInput):
        elsewhere = await desk.discord.slash("embed edit", user=desk.herald, guild=desk.server,
                                             message_link="https://discord.com/channels/1/2/3")
    assert "not on this server" in elsewhere.text


async def test_edit_needs_manage_messages_in_the_message_channel(desk: AnnounceDesk) -> None:
    await desk.discord.submit_modal(await _open(desk), FORM)
    [post] = desk.posts()
    async with desk.discord.expect_errors(UserFacingError):
        refused = await desk.discord.slash("embed edit", user=desk.member, guild=desk.server,
                                           message_link=desk.link(post))
    assert refused.modal is None and "Manage Messages" in refused.text


async def test_the_bots_missing_embed_links_is_named(desk: AnnounceDesk) -> None:
    desk.server.set_overwrite(desk.news, desk.discord.world.bot_user, deny=["embed_links"])
    await desk.discord.settle()
    async with desk.discord.expect_errors(UserFacingError):
        refused = await _open(desk)
    assert refused.modal is None and "Embed Links" in refused.text and desk.news.mention in refused.text


async def test_edit_refuses_another_features_embed_and_forgets_a_deleted_one(desk: AnnounceDesk) -> None:
    # A case log entry or a panel is the bot's own message with an embed, but not /embed's to rewrite.
    channel = desk.hearth.bot.get_channel(desk.news.id)
    await channel.send(embed=discord.Embed(title="Case 4 · ban"))
    [case_entry] = desk.posts()
    async with desk.discord.expect_errors(UserFacingError):
        refused = await desk.discord.slash("embed edit", user=desk.moderator, guild=desk.server,
                                           message_link=desk.link(case_entry))
    assert refused.modal is None and "posted with `/embed create`" in refused.text
    assert desk.posts()[0].embeds[0]["title"] == "Case 4 · ban"

    await desk.discord.submit_modal(await _open(desk), FORM)
    made = desk.posts()[-1]
    recorded = await desk.hearth.db.fetchrow("SELECT guild_id, channel_id, created_by FROM posted_embeds "
                                             "WHERE message_id = $1", made.id)
    assert dict(recorded) == {"guild_id": desk.server.id, "channel_id": desk.news.id, "created_by": desk.herald.id}
    await desk.discord.delete_message(made)  # deleted in Discord: the next edit forgets it
    async with desk.discord.expect_errors(BadInput):
        gone = await desk.discord.slash("embed edit", user=desk.moderator, guild=desk.server,
                                        message_link=desk.link(made))
    assert "no longer exists" in gone.text
    assert await desk.hearth.db.fetchval("SELECT count(*) FROM posted_embeds") == 0
