"""Actions on the stand-in's state: timeout, mute, ban, closed DMs; the role hierarchy, staff, exemptions, bots."""

from __future__ import annotations

from datetime import datetime

from tests.kit.automod import Automod


async def _bad_word_rule(automod: Automod, action_type: str, **action_options) -> int:
    await automod.hearth.bot.guild_settings.set(automod.g.guild.id, "automod", "escalation", [], changed_by=1)
    action = await automod.action(action_type, **action_options)
    return await automod.rule("Bad word", "content", words="badword", action=action)


async def test_timeout_uses_the_action_duration(automod: Automod) -> None:
    d, g = automod.d, automod.g
    await _bad_word_rule(automod, "timeout", severity=2, duration="15m")
    message = await d.say(g.general, g.member, "badword")
    assert d.world.messages[message.id].deleted
    until = datetime.fromisoformat(g.guild.member(g.member.id).communication_disabled_until)
    # Discord's own time, not the bot's clock: about 15 minutes from now (real time).
    assert 14 * 60 < (until - datetime.now(until.tzinfo)).total_seconds() <= 15 * 60
    assert "The timeout lasts 15m." in d.dms_to(g.member)[0].embeds[0]["description"]
    assert await automod.hearth.db.fetchval("SELECT action_taken FROM automod_logs") == "timeout 15m"


async def test_timeout_duration_from_config(automod: Automod) -> None:
    d, g = automod.d, automod.g
    await automod.hearth.bot.guild_settings.set(g.guild.id, "automod", "timeout_duration", 3600, changed_by=1)
    await _bad_word_rule(automod, "timeout")
    await d.say(g.general, g.member, "badword")
    assert await automod.hearth.db.fetchval("SELECT action_taken FROM automod_logs") == "timeout 1h"


async def test_mute_gives_the_role_and_ban_bans(automod: Automod) -> None:
    d, g = automod.d, automod.g
    muted = g.guild.add_role("Muted", [])
    carol = g.guild.add_member("carol")
    await d.settle()
    await automod.hearth.bot.guild_settings.set(g.guild.id, "automod", "mute_role", muted.id, changed_by=g.owner.id)
    await _bad_word_rule(automod, "mute")
    ban = await automod.action("ban", severity=5)
    await automod.rule("Worst word", "content", words="worstword", action=ban)
    await d.say(g.general, g.member, "badword")
    assert muted.id in g.guild.member(g.member.id).roles
    await d.say(g.general, carol, "worstword")
    assert carol.id in g.guild.bans and "Automod: Worst word" in g.guild.bans[carol.id]
    assert "You were banned" in d.dms_to(carol)[0].embeds[0]["description"]  # told before the ban


async def test_closed_dms_are_noted_in_the_log(automod: Automod) -> None:
    d, g = automod.d, automod.g
    g.member.user.dms_open = False
    await _bad_word_rule(automod, "warn")
    await d.say(g.general, g.member, "badword")
    fields = {f["name"]: f["value"] for f in automod.log_embeds()[0]["fields"]}
    assert "DMs closed" in fields["Notes"]
    context = await automod.hearth.db.fetchval("SELECT context FROM automod_logs")
    assert context["notes"] == ["DMs closed: the member was not told"]


async def test_members_at_or_above_the_bot_are_never_acted_on(automod: Automod) -> None:
    d, g = automod.d, automod.g
    high = g.guild.add_role("Veteran", [], above_bot=True)
    vet = g.guild.add_member("vet", roles=[high])
    await d.settle()
    await _bad_word_rule(automod, "ban", severity=5)
    message = await d.say(g.general, vet, "badword")
    assert not d.world.messages[message.id].deleted and vet.id not in g.guild.bans
    assert d.requests("PUT", "/guilds/{guild_id}/bans/{user_id}") == []
    embed = automod.log_embeds()[0]
    assert embed["title"] == "⛔ Automod rule fired; no action taken"
    assert "role hierarchy" in {f["name"]: f["value"] for f in embed["fields"]}["Notes"]
    assert await automod.hearth.db.fetchval("SELECT action_taken FROM automod_logs") == "refused"
    assert await automod.hearth.db.fetchval("SELECT count(*) FROM automod_user_history") == 0


async def test_staff_are_exempt(automod: Automod) -> None:
    d, g = automod.d, automod.g
    staff_role = g.guild.add_role("Staff", [])
    helper = g.guild.add_member("helper", roles=[staff_role])
    await d.settle()
    await automod.hearth.bot.guild_settings.set(g.guild.id, "system", "staff_role", staff_role.id, changed_by=1)
    await _bad_word_rule(automod, "delete")
    by_mod = await d.say(g.general, g.moderator, "badword")  # Timeout Members
    by_staff = await d.say(g.general, helper, "badword")  # the staff role
    assert not d.world.messages[by_mod.id].deleted and not d.world.messages[by_staff.id].deleted
    assert await automod.hearth.db.fetchval("SELECT count(*) FROM automod_logs") == 0


async def test_roles_and_channels_exempted_per_rule(automod: Automod) -> None:
    d, g = automod.d, automod.g
    trusted = g.guild.add_role("Trusted", [])
    carol = g.guild.add_member("carol", roles=[trusted])
    memes = g.guild.add_text_channel("memes")
    await d.settle()
    action = await automod.action("delete")
    await automod.rule("Bad word", "content", words="badword", action=action,
                       exempt_roles=trusted.mention, exempt_channels=memes.mention)
    in_memes = await d.say(memes, g.member, "badword")
    by_trusted = await d.say(g.general, carol, "badword")
    caught = await d.say(g.general, g.member, "badword")
    assert not d.world.messages[in_memes.id].deleted and not d.world.messages[by_trusted.id].deleted
    assert d.world.messages[caught.id].deleted


async def test_bots_are_ignored(automod: Automod) -> None:
    d, g = automod.d, automod.g
    other_bot = g.guild.add_member("OtherBot", bot=True)
    await d.settle()
    await _bad_word_rule(automod, "delete")
    message = await d.say(g.general, other_bot, "badword")
    assert not d.world.messages[message.id].deleted
