"""The trust boundary for roles (issue 14, items 1, 14 and 15), tried as an attacker or a careless admin would.

Whoever makes the bot give a role, import settings or reverse a moderation must be allowed to do that themselves:

- a role the bot gives passes role safety (`core/role_safety.py`) when it is set (`/config set`, `/config import`,
  `/config rollback`, setup commands) and again when it is given, against the member who set it;
- `/config import` checks every value exactly as `/config set` does and refuses the whole file;
- approving an automod appeal needs the permission its reversal needs.

Every test asserts on what Discord and the database hold afterwards: member roles, bans, messages, rows.
"""

from __future__ import annotations

import json

from tests.automod.conftest import automod  # noqa: F401 - fixture
from tests.hearth_harness import Hearth
from tests.kit.automod import Automod
from tests.kit.onboarding import Onboarding
from tests.onboarding.conftest import onboarding  # noqa: F401 - fixture
from utils.errors import BadInput


async def _log_channel(hearth: Hearth):
    logs = hearth.guild.guild.add_text_channel("bot-log")
    await hearth.discord.settle()
    await hearth.bot.guild_settings.set(hearth.guild.guild.id, "system", "log_channel", logs.id,
                                        changed_by=hearth.guild.owner.id)
    return logs


async def _stored(hearth: Hearth, scope: str, key: str):
    return await hearth.db.fetchval("SELECT value FROM bot_settings WHERE guild_id = $1 AND scope = $2 AND key = $3",
                                    hearth.guild.guild.id, scope, key)


async def _agreement(hearth: Hearth):
    """The data agreement with its I Agree button, posted by the admin in #general."""
    posted = await hearth.discord.slash("config gdpr post", user=hearth.guild.admin, guild=hearth.guild.guild)
    assert posted.text.startswith("✅ The agreement is posted")
    return hearth.discord.last_message(hearth.guild.general)


def _roles(hearth: Hearth, member) -> list[int]:
    return hearth.guild.guild.members[member.id].roles


# --- item 1: setting a role the bot gives ---------------------------------------------------------------------


async def test_manage_server_admin_cannot_set_an_administrator_role_for_the_bot_to_give(hearth: Hearth) -> None:
    """The reported attack: /config set gdpr.role @Owners (Administrator, below the bot) as an admin who has only
    Manage Server, then I Agree. Refused at set time; nothing stored."""
    d, g = hearth.discord, hearth.guild
    owners = g.guild.add_role("Owners", ["administrator"])
    await d.settle()
    async with d.expect_errors(BadInput):
        refused = await d.slash("config set", user=g.admin, guild=g.guild, scope="gdpr", key="role",
                                options={"role": owners})
    assert refused.ephemeral
    assert refused.text == "`gdpr.role`: You need the **Manage Roles** permission to make me give @Owners."
    assert await _stored(hearth, "gdpr", "role") is None
    agreement = await _agreement(hearth)
    await d.click(agreement, "I Agree", user=g.admin)
    assert owners.id not in _roles(hearth, g.admin)


async def test_manage_roles_without_administrator_cannot_hand_out_dangerous_or_higher_roles(hearth: Hearth) -> None:
    d, g = hearth.discord, hearth.guild
    owners = g.guild.add_role("Owners", ["administrator"])
    bans = g.guild.add_role("Bans", ["ban_members"])
    helpers = g.guild.add_role("Helpers", [])
    managers = g.guild.add_role("Managers", ["manage_guild", "manage_roles"])  # new roles go on top: above those
    above = g.guild.add_role("Above managers", [])
    manager = g.guild.add_member("meg", roles=[managers])
    await d.settle()
    for role, rule in ((owners, "dangerous permissions (Administrator)"), (bans, "dangerous permissions (Ban Members)"),
                       (g.moderator_role, "dangerous permissions (Kick Members, Timeout Members, Manage Messages)"),
                       (above, "is not below your highest role (@Managers)")):
        async with d.expect_errors(BadInput):
            refused = await d.slash("config set", user=manager, guild=g.guild, scope="engagement", key="og_role",
                                    options={"role": role})
        assert rule in refused.text, refused.text
    assert await _stored(hearth, "engagement", "og_role") is None
    accepted = await d.slash("config set", user=manager, guild=g.guild, scope="engagement", key="og_role",
                             options={"role": helpers})  # harmless and below theirs: fine
    assert accepted.text.startswith("✅") and await _stored(hearth, "engagement", "og_role") == helpers.id


async def test_everyone_and_managed_roles_are_refused_even_for_the_owner(hearth: Hearth) -> None:
    d, g = hearth.discord, hearth.guild
    for key, role in (("staff_role", g.guild.everyone), ("staff_role", g.guild.bot_role)):
        async with d.expect_errors(BadInput):
            refused = await d.slash("config set", user=g.owner, guild=g.guild, scope="system", key=key,
                                    options={"role": role})
        assert "can't be used here" in refused.text
    async with d.expect_errors(BadInput):
        refused = await d.slash("config set", user=g.owner, guild=g.guild, scope="gdpr", key="role",
                                options={"role": g.guild.everyone})
    assert "@everyone can't be used here" in refused.text
    assert await hearth.db.fetchval("SELECT count(*) FROM bot_settings") == 0


async def test_owner_sets_a_safe_role_and_i_agree_grants_it(hearth: Hearth) -> None:
    d, g = hearth.discord, hearth.guild
    agreed = g.guild.add_role("Agreed", [])
    await d.settle()
    result = await d.slash("config set", user=g.owner, guild=g.guild, scope="gdpr", key="role",
                           options={"role": agreed})
    assert result.text.startswith("✅ `gdpr.role`")
    assert await hearth.db.fetchval("SELECT updated_by FROM bot_settings WHERE key = 'role'") == g.owner.id
    agreement = await _agreement(hearth)
    pressed = await d.click(agreement, "I Agree", user=g.member)
    assert pressed.text == "✅ Thank you, your acceptance is recorded."
    assert agreed.id in _roles(hearth, g.member)


# --- item 1: giving a role that was set before (or has changed since) ----------------------------------------


async def test_planted_role_is_not_given_and_the_log_says_why_once(hearth: Hearth) -> None:
    """gdpr.role stored by an admin without Manage Roles (as the old /config set allowed): pressing I Agree gives
    nothing, the member is told, and the log channel names the rule once, however many members press."""
    d, g = hearth.discord, hearth.guild
    logs = await _log_channel(hearth)
    owners = g.guild.add_role("Owners", ["administrator"])
    await d.settle()
    await hearth.bot.guild_settings.set(g.guild.id, "gdpr", "role", owners.id, changed_by=g.admin.id)
    agreement = await _agreement(hearth)
    pressed = await d.click(agreement, "I Agree", user=g.admin)
    assert owners.id not in _roles(hearth, g.admin)
    assert "I can't give you the **Owners** role right now" in pressed.text
    assert await hearth.db.fetchval("SELECT count(*) FROM gdpr_acceptance WHERE user_id = $1", g.admin.id) == 1
    await d.click(agreement, "I Agree", user=g.member)
    assert owners.id not in _roles(hearth, g.member)
    reports = [m.content for m in d.messages_in(logs) if m.content.startswith("⛔")]
    assert reports == [f"⛔ I did not give <@&{owners.id}> (configured in `gdpr.role`): I won't give @Owners: "
                       f"<@{g.admin.id}>, who set it, doesn't have the **Manage Roles** permission.\n"
                       "Members who should get it are told that the admins know. (Reported once.)"]


async def test_role_that_became_dangerous_or_whose_setter_left_is_not_given(hearth: Hearth) -> None:
    d, g = hearth.discord, hearth.guild
    logs = await _log_channel(hearth)
    helpers = g.guild.add_role("Helpers", [])
    managers = g.guild.add_role("Managers", ["manage_guild", "manage_roles"])
    manager = g.guild.add_member("meg", roles=[managers])
    await d.settle()
    result = await d.slash("config set", user=manager, guild=g.guild, scope="gdpr", key="role",
                           options={"role": helpers})
    assert result.text.startswith("✅")
    agreement = await _agreement(hearth)
    await d.click(agreement, "I Agree", user=g.member)
    assert helpers.id in _roles(hearth, g.member)  # fine while harmless

    g.guild.set_role_permissions(helpers, ["ban_members"])  # someone edits the role afterwards
    await d.settle()
    await d.click(agreement, "I Agree", user=g.moderator)
    assert helpers.id not in _roles(hearth, g.moderator)
    assert "it carries dangerous permissions (Ban Members)" in d.messages_in(logs)[-1].content

    g.guild.set_role_permissions(helpers, [])
    await d.member_leave(g.guild, manager)  # the member who vouched for it is gone
    late = g.guild.add_member("lou")
    await d.settle()
    await d.click(agreement, "I Agree", user=late)
    assert helpers.id not in _roles(hearth, late)
    assert f"<@{manager.id}>, who set it, is no longer on the server" in d.messages_in(logs)[-1].content


async def test_og_claim_does_not_give_a_role_planted_by_an_admin(hearth: Hearth) -> None:
    d, g = hearth.discord, hearth.guild
    await _log_channel(hearth)
    mods = g.guild.add_role("Mods", ["kick_members"])
    await d.settle()
    await hearth.bot.guild_settings.set(g.guild.id, "engagement", "og_role", mods.id, changed_by=g.admin.id)
    await d.slash("og setup", user=g.admin, guild=g.guild, options={"channel": g.general})
    claim = d.last_message(g.general)
    claimed = await d.click(claim, "Claim OG", user=g.member)
    assert "You're OG #1" in claimed.text and "I can't give you the **Mods** role right now" in claimed.text
    assert mods.id not in _roles(hearth, g.member)
    assert await hearth.db.fetchval("SELECT count(*) FROM engagement_badges WHERE badge_key = 'og'") == 1


async def test_automod_mute_role_planted_by_an_admin_mutes_nobody(automod: Automod) -> None:  # noqa: F811
    d, g = automod.d, automod.g
    owners = g.guild.add_role("Owners", ["administrator"])
    await d.settle()
    await automod.hearth.bot.guild_settings.set(g.guild.id, "automod", "mute_role", owners.id, changed_by=g.admin.id)
    action = await automod.action("mute")
    await automod.rule("Bad word", "content", words="badword", action=action)
    await d.say(g.general, g.member, "badword")
    assert owners.id not in _roles(automod.hearth, g.member)  # the "mute" would have made them an admin
    fields = {f["name"]: f["value"] for f in automod.log_embeds()[-1]["fields"]}
    assert "not muted: I won't give @Owners" in fields["Notes"]
    assert await automod.hearth.db.fetchval("SELECT action_taken FROM automod_logs") == "mute (failed)"
    assert d.dms_to(g.member) == []  # not told they were muted
    # And the action's own role needs the same rights when it is set.
    async with d.expect_errors(BadInput):
        refused = await d.slash("config automod action_add", user=g.admin, options={"type": "mute", "role": owners})
    assert "Manage Roles" in refused.text
    assert await automod.hearth.db.fetchval("SELECT count(*) FROM automod_actions") == 1


async def test_onboarding_role_map_needs_the_right_to_give_the_role(onboarding: Onboarding) -> None:  # noqa: F811
    ob, d = onboarding, onboarding.d
    await ob.set("mode", "questions")
    await ob.set("personalisation", False)
    colour = await ob.question("Pick a colour", "select", options="Red, Blue")
    owners = ob.g.guild.add_role("Owners", ["administrator"])
    await d.settle()
    async with d.expect_errors(BadInput):
        refused = await ob.admin("role_map", question=colour, option="red", role=owners)
    assert refused.text == "You need the **Manage Roles** permission to make me give @Owners."
    options = await ob.hearth.db.fetchval("SELECT options FROM guild_onboarding_questions WHERE id = $1", colour)
    assert all("role_id" not in o for o in options)

    # A mapping from before role safety (no one recorded as its setter) is not given; the member is told.
    await ob.hearth.db.execute("UPDATE guild_onboarding_questions SET options = $2 WHERE id = $1", colour,
                               [{"label": "Red", "value": "red", "role_id": owners.id}, {"label": "Blue",
                                                                                         "value": "blue"}])
    m = await d.member_join(ob.g.guild, "ivy")
    intro = ob.dm(m)
    await d.click(intro, "Start", user=m)
    chosen = await d.select(intro, ["red"], user=m)
    assert owners.id not in ob.roles_of(m) and ob.done_role.id in ob.roles_of(m)
    assert "I can't give you the **Owners** role right now" in chosen.followups[0].content
    logs = ob.g.guild.channel("mod-log")
    assert any("nobody on the server is recorded as having set it" in msg.content for msg in d.messages_in(logs))

    # The owner maps it: now it is given, on the owner's behalf.
    await ob.admin("role_map", question=colour, option="red", role=owners, by=ob.g.owner)
    assert await ob.hearth.db.fetchval("SELECT role_map_by FROM guild_onboarding_questions WHERE id = $1",
                                       colour) == ob.g.owner.id
    await d.slash("config onboarding reset", user=ob.g.admin, options={"member": m})
    await ob.admin("panel")
    again = await d.click(d.last_message(ob.welcome), "Start", user=m)
    await d.select(again, ["red"], user=m)
    assert owners.id in ob.roles_of(m)


async def test_rollback_to_a_role_the_admin_may_not_give_is_refused(hearth: Hearth) -> None:
    d, g = hearth.discord, hearth.guild
    owners = g.guild.add_role("Owners", ["administrator"])
    await d.settle()
    await d.slash("config set", user=g.owner, guild=g.guild, scope="gdpr", key="role", options={"role": owners})
    await d.slash("config reset", user=g.owner, guild=g.guild, scope="gdpr", key="role")
    entry = await hearth.db.fetchval("SELECT min(id) FROM settings_history WHERE key = 'role'")
    async with d.expect_errors(BadInput):
        refused = await d.slash("config rollback", user=g.admin, guild=g.guild, entry=entry)
    assert f"Entry #{entry} can't be restored now" in refused.text and "Manage Roles" in refused.text
    assert await _stored(hearth, "gdpr", "role") is None


# --- item 14: /config import --------------------------------------------------------------------------------


def _export(guild_id: int, *settings: dict) -> bytes:
    return json.dumps({"format": "hearth-settings", "version": 1, "guild": {"id": guild_id, "name": "x"},
                       "exported_at": "", "settings": list(settings)}).encode()


async def test_crafted_export_making_everyone_the_reviewer_role_is_refused_whole(hearth: Hearth) -> None:
    """The reported attack: an export whose verification.reviewer_role is @everyone (the guild's own id) would make
    every member a reviewer. The whole file is refused, listing every problem; no row is written."""
    d, g = hearth.discord, hearth.guild
    owners = g.guild.add_role("Owners", ["administrator"])
    voice = g.guild.add_voice_channel("Lounge")
    await d.settle()
    crafted = _export(
        g.guild.id,
        {"scope": "system", "key": "timezone", "type": "timezone", "value": "Europe/Paris"},  # fine on its own
        {"scope": "verification", "key": "reviewer_role", "type": "role", "value": g.guild.id,
         "role_name": "@everyone"},
        {"scope": "gdpr", "key": "role", "type": "role", "value": owners.id, "role_name": "Owners"},
        {"scope": "system", "key": "log_channel", "type": "channel", "value": voice.id, "channel_name": "Lounge"},
        {"scope": "system", "key": "late_job_grace", "type": "duration", "value": "forever"},
        {"scope": "automod", "key": "escalation", "type": "json", "value": [{"points": -1, "action": "nuke"}]},
        {"scope": "premium", "key": "no_such_key", "type": "text", "value": "x"},
    )
    async with d.expect_errors(BadInput):
        refused = await d.slash("config import", user=g.admin, guild=g.guild, file=("settings.json", crafted))
    text = refused.text
    assert refused.ephemeral and text.startswith("The import was refused: nothing was changed. 6 problem(s)")
    assert "`verification.reviewer_role`: @everyone can't be used here" in text
    assert "`gdpr.role`: You need the **Manage Roles** permission to make me give @Owners." in text
    assert "`system.log_channel`: #Lounge is not a text channel" in text
    assert "`system.late_job_grace`: expected a duration, got 'forever'." in text
    assert "`automod.escalation`: " in text
    assert "`premium.no_such_key`: this bot has no such setting." in text
    assert await hearth.db.fetchval("SELECT count(*) FROM bot_settings") == 0
    assert await hearth.db.fetchval("SELECT count(*) FROM settings_history") == 0


async def test_import_is_checked_again_when_applied(hearth: Hearth) -> None:
    """The preview passed; before Apply the role gains Ban Members. Apply refuses and writes nothing."""
    d, g = hearth.discord, hearth.guild
    helpers = g.guild.add_role("Helpers", [])
    managers = g.guild.add_role("Managers", ["manage_guild", "manage_roles"])
    manager = g.guild.add_member("meg", roles=[managers])
    await d.settle()
    file = _export(g.guild.id, {"scope": "gdpr", "key": "role", "type": "role", "value": helpers.id},
                   {"scope": "system", "key": "timezone", "type": "timezone", "value": "Asia/Tokyo"})
    preview = await d.slash("config import", user=manager, guild=g.guild, file=("s.json", file))
    shown = preview.followups[0] if preview.followups else preview.message
    assert f"`gdpr.role`: *not set* → <@&{helpers.id}>" in shown.embeds[0]["description"]
    g.guild.set_role_permissions(helpers, ["ban_members"])
    await d.settle()
    await d.click(shown, "Apply", user=manager)
    current = d.world.messages[shown.id].content
    assert current.startswith("The import was refused: nothing was changed.")
    assert "dangerous permissions (Ban Members)" in current
    assert await hearth.db.fetchval("SELECT count(*) FROM bot_settings") == 0


# --- item 15: appeal approval ----------------------------------------------------------------------------------


async def _appeal(automod: Automod, reason: str = "not me"):  # noqa: F811
    d, g = automod.d, automod.g
    dm = next(m for m in d.dms_to(g.member) if m.buttons())
    opened = await d.click(dm, "Appeal", user=g.member.user)
    await d.submit_modal(opened, {"reason": reason}, user=g.member.user)
    return next(m for m in d.messages_in(automod.logs) if m.embeds and m.embeds[0]["title"].startswith("📨"))


async def test_moderator_without_ban_members_cannot_unban_through_an_appeal(automod: Automod) -> None:  # noqa: F811
    d, g, db = automod.d, automod.g, automod.hearth.db
    ban = await automod.action("ban", severity=5)
    await automod.rule("Worst", "content", words="worstword", action=ban)
    await d.say(g.general, g.member, "worstword")
    assert g.member.id in g.guild.bans
    appeal = await _appeal(automod)
    refused = await d.click(appeal, "Approve", user=g.moderator)  # Timeout Members, Kick, Manage Messages only
    assert refused.ephemeral and refused.text.startswith("Approving this appeal unbans the member, which needs "
                                                         "the **Ban Members** permission.")
    assert g.member.id in g.guild.bans
    row = await db.fetchrow("SELECT appeal_status, appeal_decided_by FROM automod_logs")
    assert tuple(row) == ("pending", None)
    assert d.world.messages[appeal.id].buttons()  # still open for someone who may decide it
    await d.click(appeal, "Approve", user=g.owner)
    assert g.member.id not in g.guild.bans
    assert await db.fetchval("SELECT appeal_status FROM automod_logs") == "approved"


async def test_mute_appeal_needs_manage_roles_and_role_safety(automod: Automod) -> None:  # noqa: F811
    d, g, db = automod.d, automod.g, automod.hearth.db
    low = g.guild.add_role("Low mods", ["manage_roles", "moderate_members"])
    clerk = g.guild.add_member("cleo", roles=[low])
    muted = g.guild.add_role("Muted", [])  # added later: above Low mods
    await d.settle()
    await d.slash("config set", user=g.owner, guild=g.guild, scope="automod", key="mute_role",
                  options={"role": muted})
    action = await automod.action("mute")
    await automod.rule("Bad word", "content", words="badword", action=action)
    await d.say(g.general, g.member, "badword")
    assert muted.id in _roles(automod.hearth, g.member)
    appeal = await _appeal(automod)
    refused = await d.click(appeal, "Approve", user=g.moderator)
    assert "takes the mute role off, which needs the **Manage Roles** permission" in refused.text
    assert muted.id in _roles(automod.hearth, g.member)
    assert await db.fetchval("SELECT appeal_status FROM automod_logs") == "pending"
    refused = await d.click(appeal, "Approve", user=clerk)  # Manage Roles, but Muted is above their highest role
    assert "@Muted is not below your highest role (@Low mods)" in refused.text
    assert muted.id in _roles(automod.hearth, g.member)
    await d.click(appeal, "Approve", user=g.owner)
    assert muted.id not in _roles(automod.hearth, g.member)
    assert await db.fetchval("SELECT appeal_status FROM automod_logs") == "approved"
