"""The roles feature's data: guild A never sees guild B's menus, reaction roles, autoroles or sticky roles; GDPR
exports and erases a leaver's kept roles and forgets an admin as the setter (after which role safety no longer
gives what they set up); a deleted role leaves every configuration and the posted menus."""

from __future__ import annotations

from core.gdpr import erase_everything, export_everything
from tests.kit.roles import RolesDesk


async def test_guilds_are_isolated(desk: RolesDesk) -> None:
    d = desk.d
    other = d.add_guild("Other")
    channel = other.add_text_channel("roles")
    theirs = other.add_role("Theirs")
    boss = other.add_member("boss", permissions=["manage_roles"])
    await d.settle()
    await d.slash("roles menu create", user=boss, guild=other, options={"name": "Games"})
    await d.slash("roles menu add", user=boss, guild=other, options={"menu": "Games", "role": theirs})
    await d.slash("roles autorole add", user=boss, guild=other, options={"role": theirs})
    await d.slash("roles sticky add", user=boss, guild=other, options={"role": theirs})
    post = await d.say(channel, boss, "react")
    await d.slash("roles reaction add", user=boss, guild=other, options={
        "message": f"https://discord.com/channels/{other.id}/{channel.id}/{post.id}", "emoji": "🎮", "role": theirs})
    listing = await desk.roles("menu list")
    assert "Games" not in listing.text
    assert "No reaction roles yet" in (await desk.roles("reaction list")).text
    assert "No autoroles yet" in (await desk.roles("autorole list")).text
    assert "No sticky roles yet" in (await desk.roles("sticky list")).text
    refused = await desk.refused("menu add", menu="Games", role=desk.gamer)
    assert refused.text.startswith("There is no role menu called **Games** on this server.")
    assert await desk.db.fetchval("SELECT count(*) FROM role_menu_options WHERE guild_id = $1", other.id) == 1
    newcomer = await d.member_join(desk.server, "pat")
    assert newcomer.roles == []
    elsewhere = await d.member_join(other, "pia")
    assert elsewhere.roles == [theirs.id]


async def test_gdpr_export_and_erasure(desk: RolesDesk) -> None:
    hearth = desk.hearth
    message = await desk.menu("Games", [desk.gamer])
    await desk.roles("sticky add", role=desk.gamer)
    await desk.d.click(message, "Gamer", user=desk.member)
    await desk.d.member_leave(desk.server, desk.member)
    data, missing = await export_everything(hearth.bot, hearth.db, desk.member.id)
    assert missing == [] and [row["role_ids"] for row in data["roles"]["role_sticky_members"]] == [[desk.gamer.id]]
    setter, _ = await export_everything(hearth.bot, hearth.db, desk.manager.id)
    assert [row["role_id"] for row in setter["roles"]["role_menu_options"]] == [desk.gamer.id]
    assert [row["role_id"] for row in setter["roles"]["role_sticky"]] == [desk.gamer.id]

    for user in (desk.member, desk.manager):
        erasure = await erase_everything(hearth.bot, hearth.db, user.id)
        assert erasure.committed and erasure.not_erased == []
    assert await desk.db.fetchval("SELECT count(*) FROM role_sticky_members") == 0
    assert await desk.db.fetchval("SELECT added_by FROM role_menu_options") is None
    assert await desk.db.fetchval("SELECT added_by FROM role_sticky") is None
    carol = await desk.d.member_join(desk.server, "carol")
    refused = await desk.d.click(message, "Gamer", user=carol)  # nobody is recorded as having set it up any more
    assert refused.text.startswith("I can't give you the **Gamer** role right now: it was set up by someone who may "
                                   "no longer hand it out.")


async def test_a_deleted_role_leaves_every_configuration(desk: RolesDesk) -> None:
    message = await desk.menu("Games", [desk.gamer, desk.artist])
    await desk.roles("autorole add", role=desk.gamer)
    await desk.roles("sticky add", role=desk.gamer)
    desk.server.delete_role(desk.gamer)
    await desk.d.settle()
    assert [b["label"] for b in message.buttons()] == ["Artist"]
    for table in ("role_menu_options", "role_autoroles", "role_sticky"):
        assert await desk.db.fetchval("SELECT count(*) FROM " + table + " WHERE role_id = $1", desk.gamer.id) == 0
