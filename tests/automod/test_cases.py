"""Automod's actions are cases in moderation's one case log: the rule as the moderator, the message as evidence;
an approved appeal's reversal is a case closing the action's case. Without the moderation cog, no case."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from cogs.moderation import repo as moderation_repo
from cogs.moderation.cases import Case
from tests.kit.automod import Automod


async def _rule(automod: Automod, type_: str, *, severity: int = 2, escalation: list[Any] | None = None,
                **options: Any) -> None:
    await automod.setting("automod", "escalation", escalation or [])
    action = await automod.action(type_, severity=severity, **options)
    await automod.rule("Bad word", "content", words="badword", action=action)


async def _cases(automod: Automod) -> list[Case]:
    rows = await automod.db.fetch("SELECT number FROM moderation_cases WHERE guild_id = $1 ORDER BY number",
                                  automod.server.id)
    return [Case.of(await moderation_repo.get_case(automod.db, automod.server.id, row["number"])) for row in rows]


def _fields(embed: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: f["value"] for f in embed["fields"]}


async def test_a_timeout_is_a_case_with_the_rule_and_the_evidence(automod: Automod) -> None:
    d, g = automod.d, automod.g
    await _rule(automod, "timeout", severity=3, duration="1h")
    message = await d.say(g.general, g.member, "you badword", attachments=[("proof.png", b"png")])
    [case] = await _cases(automod)
    assert (case.type, case.target_id, case.moderator_id, case.automod_rule) == ("timeout", g.member.id, None,
                                                                                 "Bad word")
    assert case.duration_seconds == 3600 and case.points == 3 and case.reason == "a blocked word or phrase"
    assert case.evidence["content"] == "you badword" and case.evidence["message_id"] == message.id
    assert case.evidence["attachments"] and case.evidence["attachments"][0].endswith("proof.png")
    [embed] = automod.case_embeds()
    fields = _fields(embed)
    assert embed["title"] == "Case #1 · Timeout" and fields["Moderator"] == "Automod (Bad word)"
    assert "you badword" in fields["Evidence"] and fields["Duration"] == "1h"
    assert _fields(automod.log_embeds()[0])["Case"] == "#1"  # automod's own entry names the case
    assert (await automod.db.fetchval("SELECT context FROM automod_logs"))["case"] == 1


async def test_delete_and_warn_mute_and_ban_are_cases_a_plain_delete_is_not(automod: Automod) -> None:
    d, g = automod.d, automod.g
    await automod.setting("automod", "escalation", [])
    muted = g.guild.add_role("Muted", [])
    carol = g.guild.add_member("carol")
    dave = g.guild.add_member("dave")
    await d.settle()
    await automod.setting("automod", "mute_role", muted.id)
    for type_, word in (("delete", "w-delete"), ("warn", "w-warn"), ("mute", "w-mute"), ("ban", "w-ban")):
        action = await automod.action(type_, severity=1)
        await automod.rule(type_, "content", words=word, action=action)
    await d.say(g.general, g.member, "w-delete")
    await d.say(g.general, g.member, "w-warn")
    await d.say(g.general, carol, "w-mute")
    await d.say(g.general, dave, "w-ban")
    cases = await _cases(automod)
    assert [(c.type, c.target_id, c.automod_rule) for c in cases] == [
        ("warn", g.member.id, "warn"), ("mute", carol.id, "mute"), ("ban", dave.id, "ban")]
    assert cases[0].evidence["content"] == "w-warn" and muted.id in g.guild.member(carol.id).roles
    assert [e["title"] for e in automod.case_embeds()] == ["Case #1 · Warning", "Case #2 · Mute (role)",
                                                           "Case #3 · Ban"]


async def test_an_escalated_action_is_recorded_as_the_escalated_case(automod: Automod) -> None:
    d, g = automod.d, automod.g
    await _rule(automod, "warn", severity=2, escalation=[{"points": 3, "action": "timeout", "duration": 600}])
    await d.say(g.general, g.member, "badword")
    await d.say(g.general, g.member, "badword")
    cases = await _cases(automod)
    assert [c.type for c in cases] == ["warn", "timeout"]
    assert "escalated: 4.0 points (threshold 3)" in cases[1].reason and cases[1].duration_seconds == 600


async def test_a_failed_action_is_no_case(automod: Automod) -> None:
    d, g = automod.d, automod.g
    g.guild.set_role_permissions(g.guild.bot_role, ["view_channel", "send_messages", "embed_links",
                                                    "manage_messages", "view_audit_log"])
    await d.settle()
    await _rule(automod, "timeout", severity=3)
    await d.say(g.general, g.member, "badword")
    assert await _cases(automod) == []
    assert "(failed)" in await automod.db.fetchval("SELECT action_taken FROM automod_logs")


async def test_after_a_failed_timeout_an_outside_timeout_is_still_recorded(automod: Automod) -> None:
    d, g = automod.d, automod.g
    g.guild.set_role_permissions(g.guild.bot_role, ["view_channel", "send_messages", "embed_links",
                                                    "manage_messages", "view_audit_log"])
    await d.settle()
    await _rule(automod, "timeout", severity=3)
    await d.say(g.general, g.member, "badword")  # Discord refuses automod's timeout: no event is coming
    g.guild.timeout(g.member, timedelta(hours=1), by=g.moderator, reason="by hand")  # within the minute
    await d.settle()
    [case] = await _cases(automod)
    assert (case.type, case.moderator_id) == ("timeout", g.moderator.id)


async def _appeal_and_approve(automod: Automod) -> None:
    d, g = automod.d, automod.g
    await d.say(g.general, g.member, "badword")
    [dm] = d.dms_to(g.member)
    opened = await d.click(dm, "Appeal", user=g.member.user)
    await d.submit_modal(opened, {"reason": "I was quoting"}, user=g.member.user)
    [appeal] = [m for m in d.messages_in(automod.logs) if m.embeds and m.embeds[0]["title"].startswith("📨")]
    await d.click(appeal, "Approve", user=g.owner)


async def test_an_approved_appeal_records_the_reversal_closing_the_case(automod: Automod) -> None:
    g = automod.g
    await _rule(automod, "timeout", severity=3)
    await _appeal_and_approve(automod)
    timeout, lifted = await _cases(automod)
    assert (lifted.type, lifted.linked_case, lifted.moderator_id) == ("untimeout", timeout.number, g.owner.id)
    assert "Appeal approved: I was quoting" == lifted.reason
    assert _fields(automod.case_embeds()[-1])["Closes"] == f"case #{timeout.number}"
    assert g.guild.member(g.member.id).communication_disabled_until is None


async def test_an_approved_ban_appeal_records_one_unban(automod: Automod) -> None:
    g = automod.g
    await _rule(automod, "ban", severity=5)
    await _appeal_and_approve(automod)
    assert g.member.id not in g.guild.bans
    ban, unban = await _cases(automod)
    assert (ban.type, unban.type, unban.linked_case) == ("ban", "unban", ban.number)


async def test_removing_an_automod_warning_case_takes_its_points_back(automod: Automod) -> None:
    d, g = automod.d, automod.g
    await _rule(automod, "warn", severity=2)
    await d.say(g.general, g.member, "badword")
    removed = await d.slash("warnings remove", user=g.moderator, number=1)
    assert "no longer count towards escalation" in removed.text
    total = await automod.db.fetchval("SELECT total_points FROM automod_user_history")
    assert total == 0
    log = await automod.db.fetchrow("SELECT id FROM automod_logs")
    marked = await d.click(automod.log_messages()[0], "False positive", user=g.moderator)  # nothing taken twice
    assert "false positive" in marked.message.content
    assert await automod.db.fetchval("SELECT total_points FROM automod_user_history") == 0 and log


async def test_without_moderation_automod_acts_and_records_no_case(automod: Automod) -> None:
    d, g = automod.d, automod.g
    await automod.hearth.bot.remove_cog("Moderation")
    await _rule(automod, "timeout", severity=3)
    await d.say(g.general, g.member, "badword")
    assert g.guild.member(g.member.id).communication_disabled_until is not None
    assert await automod.db.fetchval("SELECT count(*) FROM moderation_cases") == 0
    assert "case" not in await automod.db.fetchval("SELECT context FROM automod_logs")
