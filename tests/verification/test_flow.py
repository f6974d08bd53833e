"""The verification flow end to end: panel, private channel, AI check of the screenshot, auto-verification,
manual review (approve, reject with a reason), the AI being down, one open verification at a time, the rate
limit, premium gating, sanitising, time limits, restarts, guild isolation and GDPR."""

from __future__ import annotations

import base64
from datetime import date, timedelta

import discord

from cogs.premium.api import premium_of
from cogs.verification.assessment import Assessment, decide, sanitise
from core.gdpr import erase_everything, export_everything
from tests.hearth_harness import Hearth
from tests.kit.channels import can_send, can_view, has_role, overwrite
from tests.kit.premium import seed_premium
from tests.kit.verification import PNG, VerificationDesk, review_message, row, start, upload, verification_desk
from tests.llm_standin import LLMStandIn
from utils.errors import UserFacingError

MEMBER_ALLOW = discord.Permissions(view_channel=True, send_messages=True, attach_files=True,
                                   read_message_history=True, embed_links=True)


def answer(can_verify: bool = True, needs_review: bool = False, reason: str = "A completed card payment receipt.",
           payment_date: str | None = "2026-01-01") -> dict:
    return {"can_verify": can_verify, "needs_manual_review": needs_review, "reason": reason,
            "payment_date": payment_date}


async def test_auto_verified(desk: VerificationDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    verification, channel = await start(desk)
    assert verification["status"] == "pending" and verification["guild_id"] == g.guild.id
    assert verification["created_at"] == hearth.clock.now()
    # A private channel in the category: hidden from @everyone, open to the member, the reviewers and the bot.
    assert channel.parent_id == desk.category.id and channel.name.startswith(f"verify-{verification['id']}-")
    assert overwrite(channel, g.guild.id) == (discord.Permissions.none(), discord.Permissions(view_channel=True))
    assert overwrite(channel, g.member.id) == (MEMBER_ALLOW, discord.Permissions.none())
    assert can_view(desk.server, g.member, channel) and can_view(desk.server, desk.reviewer, channel)
    assert not can_view(desk.server, g.moderator, channel)
    welcome = hearth.discord.messages_in(channel)[0]
    assert welcome.content == f"<@{g.member.id}>, welcome!" and "screenshot of your payment" in welcome.embeds[0][
        "description"]

    desk.llm.reply_json(answer())
    await upload(desk, channel)

    # The model got the screenshot itself, as a base64 data URL in an image_url part, with today's date.
    request = desk.llm.completions[-1]
    parts = request.messages[1]["content"]
    assert isinstance(parts, list)
    assert parts[1]["type"] == "image_url"
    assert parts[1]["image_url"]["url"] == "data:image/png;base64," + base64.b64encode(PNG).decode()
    assert "cdn" not in str(request.body) and "/attachments/" not in str(request.body)
    assert "Today's date: 2026-01-05." in parts[0]["text"]
    assert request.response_format == {"type": "json_object"}

    done = await row(desk, verification["id"])
    assert done["status"] == "verified" and done["ai_can_verify"] is True and done["ai_needs_manual_review"] is False
    assert done["payment_date"] == date(2026, 1, 1) and done["ai_reason"] == "A completed card payment receipt."
    assert done["resolved_at"] == hearth.clock.now() and done["resolved_by_user_id"] is None
    assert has_role(desk.server, g.member, desk.verified_role)
    assert channel.id not in hearth.discord.world.channels  # closed, screenshot with it
    assert "You're verified on" in hearth.discord.dms_to(g.member)[-1].content
    assert f"<@{g.member.id}> was verified automatically" in hearth.discord.last_message(desk.logs).content

    # Verified members are told so instead of getting another channel.
    with_role = await hearth.discord.click(desk.panel, "Verify", user=g.member)
    assert with_role.text == "You're already verified (you have **@Verified**)."


async def test_old_payment_goes_to_manual_review_and_is_approved(desk: VerificationDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    verification, channel = await start(desk)
    # 40 days before the clock's 2026-01-05: older than the default 35.
    desk.llm.reply_json(answer(payment_date="2025-11-26"))
    await upload(desk, channel)

    pending = await row(desk, verification["id"])
    assert pending["status"] == "manual_review" and pending["resolved_at"] is None
    assert pending["payment_date"] == date(2025, 11, 26)
    assert not has_role(desk.server, g.member, desk.verified_role)
    in_channel = review_message(desk, channel)
    assert f"<@&{desk.reviewer_role.id}>" in in_channel.content
    assert "The payment is 40 days old (the limit is 35)." in str(in_channel.embeds)
    assert "reviewer will look at your screenshot" in "\n".join(m.content for m in hearth.discord.messages_in(channel))
    in_log = review_message(desk, desk.logs)

    # Only reviewers may decide.
    refused = await hearth.discord.click(in_log, "Approve", user=g.moderator)
    assert refused.ephemeral and refused.text.startswith("Only reviewers can do that")
    assert (await row(desk, verification["id"]))["status"] == "manual_review"

    approved = await hearth.discord.click(in_log, "Approve", user=desk.reviewer)
    assert approved.ephemeral and approved.text == f"✅ Approved: <@{g.member.id}> now has <@&{desk.verified_role.id}>."
    done = await row(desk, verification["id"])
    assert done["status"] == "verified" and done["resolved_by_user_id"] == desk.reviewer.id
    assert done["resolved_at"] == hearth.clock.now()
    assert has_role(desk.server, g.member, desk.verified_role)
    assert channel.id not in hearth.discord.world.channels
    assert hearth.discord.world.messages[in_log.id].components == []  # buttons gone from the log message


async def test_reject_with_reason(desk: VerificationDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    verification, channel = await start(desk)
    desk.llm.reply_json(answer(can_verify=False, needs_review=True,
                               reason="Looks like a checkout page; card 4111 1111 1111 1111, jo@example.com"))
    await upload(desk, channel)
    pending = await row(desk, verification["id"])
    assert pending["status"] == "manual_review" and pending["ai_can_verify"] is False
    # What we keep of the model's words holds no card number and no e-mail address.
    assert pending["ai_reason"] == ("Looks like a checkout page; card [card number removed], [e-mail removed]")
    assert "4111" not in str(review_message(desk, desk.logs).embeds)

    opened = await hearth.discord.click(review_message(desk, channel), "Reject", user=desk.reviewer)
    assert opened.modal is not None and opened.modal["title"] == f"Reject verification #{verification['id']}"
    rejected = await hearth.discord.submit_modal(opened, {"reason": "This is a checkout page, not a receipt."})
    assert rejected.text.startswith(f"✖️ Rejected verification #{verification['id']} of <@{g.member.id}>.")
    done = await row(desk, verification["id"])
    assert done["status"] == "closed_manual" and done["rejection_reason"] == "This is a checkout page, not a receipt."
    assert done["resolved_by_user_id"] == desk.reviewer.id and done["resolved_at"] == hearth.clock.now()
    assert not has_role(desk.server, g.member, desk.verified_role)
    # The member reads the reason (channel and DM) but can no longer write; the channel closes an hour later.
    assert "This is a checkout page, not a receipt." in hearth.discord.last_message(channel).content
    assert "This is a checkout page, not a receipt." in hearth.discord.dms_to(g.member)[-1].content
    assert can_view(desk.server, g.member, channel) and not can_send(desk.server, g.member, channel)
    late = await hearth.discord.click(review_message(desk, channel), "Approve", user=desk.reviewer)
    assert late.text == f"Verification #{verification['id']} is already closed."
    assert not has_role(desk.server, g.member, desk.verified_role)
    await hearth.move_clock(hearth.clock.now() + timedelta(minutes=61))
    assert channel.id not in hearth.discord.world.channels
    assert (await row(desk, verification["id"]))["status"] == "closed_manual"


async def test_llm_down_means_manual_review(desk: VerificationDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    verification, channel = await start(desk)
    desk.llm.fail(500, times=3)  # the first try and the client's two retries
    await upload(desk, channel)
    assert len(desk.llm.completions) == 3
    pending = await row(desk, verification["id"])
    assert pending["status"] == "error" and pending["resolved_at"] is None
    assert pending["ai_can_verify"] is None and pending["payment_date"] is None
    assert pending["ai_reason"] == "The AI check failed (the AI service did not answer), so a reviewer decides."
    assert not has_role(desk.server, g.member, desk.verified_role)
    assert "The AI check failed" in str(review_message(desk, desk.logs).embeds)
    # Another upload while it waits for a reviewer is not sent to the model again.
    await upload(desk, channel)
    assert "Your verification is with the reviewers" in hearth.discord.last_message(channel).content
    assert len(desk.llm.completions) == 3
    # A reviewer settles it.
    approved = await hearth.discord.click(review_message(desk, channel), "Approve", user=desk.reviewer)
    assert approved.text.startswith("✅ Approved")
    assert has_role(desk.server, g.member, desk.verified_role)
    assert channel.id not in hearth.discord.world.channels


async def test_second_open_verification_refused_and_rate_limited(desk: VerificationDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    verification, channel = await start(desk)
    second = await hearth.discord.click(desk.panel, "Verify", user=g.member)
    assert second.ephemeral
    assert second.text == f"You already have an open verification: <#{channel.id}>. Finish that one first."
    assert await hearth.db.fetchval("SELECT count(*) FROM verification_tickets WHERE user_id = $1", g.member.id) == 1

    # Someone deletes the channel: the verification closes, but the rate limit still holds for 10 minutes.
    await hearth.bot.get_channel(channel.id).delete()
    await hearth.discord.settle()
    closed = await row(desk, verification["id"])
    assert closed["status"] == "closed_manual" and closed["rejection_reason"] == "The verification channel was deleted."
    limited = await hearth.discord.click(desk.panel, "Verify", user=g.member)
    assert limited.text.startswith("You started a verification recently. You can start a new one <t:")
    hearth.clock.advance(minutes=10)
    again, _ = await start(desk)
    assert again["id"] != verification["id"]


async def test_screenshot_not_an_image_and_upload_timeout(desk: VerificationDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    verification, channel = await start(desk)
    await upload(desk, channel, data=b"hello", name="notes.txt", content_type="text/plain")
    assert "That isn't an image I can check" in hearth.discord.last_message(channel).content
    assert desk.llm.completions == []
    # Others' images in the channel (a reviewer's) are not checked.
    await upload(desk, channel, member=desk.reviewer)
    assert desk.llm.completions == []
    # Nothing uploaded within a day: closed, channel deleted, member told.
    await hearth.move_clock(hearth.clock.now() + timedelta(hours=24, seconds=1))
    closed = await row(desk, verification["id"])
    assert closed["status"] == "closed_manual" and closed["rejection_reason"] == "No screenshot was uploaded in time."
    assert closed["resolved_by_user_id"] is None
    assert channel.id not in hearth.discord.world.channels
    assert "no screenshot arrived in time" in hearth.discord.dms_to(g.member)[-1].content


async def test_review_buttons_work_after_a_restart(desk: VerificationDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    _, channel = await start(desk)
    desk.llm.reply_json(answer(can_verify=False, needs_review=True, reason="Blurry."))
    await upload(desk, channel)
    await hearth.restart(openai_api_key="sk-test", openai_base_url=desk.llm.base_url)
    approved = await hearth.discord.click(review_message(desk, desk.logs), "Approve", user=desk.reviewer)
    assert approved.text.startswith("✅ Approved")
    assert has_role(desk.server, g.member, desk.verified_role)
    # ... and the panel too.
    await hearth.db.execute("DELETE FROM verification_tickets")
    started = await hearth.discord.click(desk.panel, "Verify", user=desk.reviewer)
    assert "Your verification channel is open" in started.text


async def test_reviewer_cannot_review_own_verification(desk: VerificationDesk) -> None:
    hearth = desk.hearth
    verification, channel = await start(desk, desk.reviewer)
    desk.llm.reply_json(answer(can_verify=False, needs_review=True))
    await upload(desk, channel, member=desk.reviewer)
    refused = await hearth.discord.click(review_message(desk, channel), "Approve", user=desk.reviewer)
    assert refused.text == "You can't review your own verification."
    assert (await row(desk, verification["id"]))["status"] == "manual_review"


async def test_premium_gated(hearth: Hearth, llm: LLMStandIn) -> None:
    desk = await verification_desk(hearth, llm, premium=False)
    g = hearth.guild
    async with hearth.discord.expect_errors(UserFacingError):
        refused = await hearth.discord.slash("config verification panel", user=g.admin, guild=g.guild,
                                             options={"channel": g.general})
    assert refused.text.startswith("Verification is a premium feature")
    assert not any(m.buttons() for m in hearth.discord.messages_in(g.general))
    # A panel from when the server had premium refuses new verifications once it lapsed.
    await seed_premium(hearth, g.owner.id, g.guild.id, "yearly")
    await hearth.discord.slash("config verification panel", user=g.admin, guild=g.guild, options={"channel": g.general})
    panel = next(m for m in reversed(hearth.discord.messages_in(g.general)) if m.buttons())
    await hearth.db.execute("UPDATE premium_subs SET status = 'canceled'")
    premium_of(hearth.bot).invalidate()
    refused = await hearth.discord.click(panel, "Verify", user=g.member)
    assert refused.text.startswith("Verification is a premium feature")
    assert await hearth.db.fetchval("SELECT count(*) FROM verification_tickets") == 0
    assert desk.panel is None


async def test_admin_commands_need_manage_server(desk: VerificationDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    # Hidden from members by /config's default permissions; refused at run time too (a check failure).
    refused = await hearth.discord.slash("config verification open", user=g.moderator, guild=g.guild,
                                         check_permissions=False)
    assert refused.text == "You need the **Manage Server** permission to use this command."
    verification, _ = await start(desk)
    listed = await hearth.discord.slash("config verification open", user=g.admin, guild=g.guild)
    assert f"**#{verification['id']}** <@{g.member.id}> · waiting for a screenshot" in listed.text


async def test_guild_isolation(desk: VerificationDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    verification, _ = await start(desk)
    # A row of another guild with the same member and channel id does not count as open here, and vice versa.
    await hearth.db.execute("UPDATE verification_tickets SET guild_id = 42 WHERE id = $1", verification["id"])
    other, _ = await start(desk)
    assert other["guild_id"] == g.guild.id and other["id"] != verification["id"]
    listed = await hearth.discord.slash("config verification open", user=g.admin, guild=g.guild)
    assert f"#{verification['id']}**" not in listed.text and f"#{other['id']}**" in listed.text


async def test_gdpr_export_and_erase(desk: VerificationDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    verification, channel = await start(desk)
    desk.llm.reply_json(answer(can_verify=False, needs_review=True))
    await upload(desk, channel)
    await hearth.discord.click(review_message(desk, desk.logs), "Approve", user=desk.reviewer)
    _, second_channel = await start(desk, g.moderator)

    exported, missing = await export_everything(hearth.bot, hearth.db, g.member.id)
    assert not missing
    rows = exported["verification"]["verification_tickets"]
    assert [r["id"] for r in rows] == [verification["id"]] and rows[0]["status"] == "verified"
    as_reviewer, _ = await export_everything(hearth.bot, hearth.db, desk.reviewer.id)
    # The reviewer's decision is another member's verification: its id and their role in it, nothing else.
    assert as_reviewer["verification"]["verification_tickets"] == [
        {"id": verification["id"], "role": "resolved_by_user_id"}]

    erasure = await erase_everything(hearth.bot, hearth.db, g.member.id)
    assert erasure.not_erased == [] and erasure.report.deleted["verification_tickets"] == 1
    assert await row(desk, verification["id"]) is None
    erasure = await erase_everything(hearth.bot, hearth.db, desk.reviewer.id)
    assert erasure.report.anonymised["verification_tickets"] == 0  # the row they reviewed is gone already
    # Erasing a member with an open verification deletes its channel (it holds their screenshot).
    erasure = await erase_everything(hearth.bot, hearth.db, g.moderator.id)
    await hearth.discord.settle()
    assert erasure.report.deleted["verification_tickets"] == 1
    assert second_channel.id not in hearth.discord.world.channels
    assert await hearth.db.fetchval("SELECT count(*) FROM timers WHERE kind = 'verification_cleanup'") == 0


async def test_gdpr_erasure_deletes_a_rejected_channel_waiting_to_close(desk: VerificationDesk) -> None:
    hearth = desk.hearth
    verification, channel = await start(desk)
    desk.llm.reply_json(answer(can_verify=False, needs_review=True))
    await upload(desk, channel)
    opened = await hearth.discord.click(review_message(desk, channel), "Reject", user=desk.reviewer)
    await hearth.discord.submit_modal(opened, {"reason": "Wrong product."})
    assert channel.id in hearth.discord.world.channels  # readable for an hour …
    erasure = await erase_everything(hearth.bot, hearth.db, desk.member.id)
    await hearth.discord.settle()
    assert erasure.not_erased == [] and erasure.report.deleted["verification_tickets"] == 1
    assert channel.id not in hearth.discord.world.channels  # … unless the member asks for erasure
    assert await row(desk, verification["id"]) is None
    assert await hearth.db.fetchval("SELECT count(*) FROM timers WHERE kind = 'verification_cleanup'") == 0


async def test_gdpr_erasure_of_a_reviewer_keeps_the_member_row(desk: VerificationDesk) -> None:
    hearth = desk.hearth
    verification, channel = await start(desk)
    desk.llm.reply_json(answer(can_verify=False, needs_review=True))
    await upload(desk, channel)
    await hearth.discord.click(review_message(desk, desk.logs), "Approve", user=desk.reviewer)
    erasure = await erase_everything(hearth.bot, hearth.db, desk.reviewer.id)
    assert erasure.not_erased == [] and erasure.report.anonymised["verification_tickets"] == 1
    kept = await row(desk, verification["id"])
    assert kept["status"] == "verified" and kept["resolved_by_user_id"] is None


def test_sanitise_and_decide() -> None:
    assert sanitise("card 4111-1111-1111-1111 and 4111111111111111") == (
        "card [card number removed] and [card number removed]")
    assert sanitise("IBAN NL91 ABNA 0417 1643 00 to a@b.co") == "IBAN [account number removed] to [e-mail removed]"
    assert sanitise("order 123456 on 2026-01-01") == "order 123456 on 2026-01-01"  # short numbers and dates stay
    assert "@everyone" not in sanitise("ping @everyone")
    assert len(sanitise("x" * 1000)) == 300
    today = date(2026, 1, 5)
    sure = Assessment(True, False, "ok", date(2026, 1, 1))
    assert decide(sure, today, 35).verified
    assert not decide(Assessment(True, False, "ok", None), today, 35).verified
    assert not decide(Assessment(True, None, "ok", date(2026, 1, 1)), today, 35).verified
    assert decide(Assessment(True, False, "ok", date(2025, 12, 1)), today, 35).verified  # 35 days: still fine
    assert not decide(Assessment(True, False, "ok", date(2025, 11, 30)), today, 35).verified
    assert not decide(Assessment(True, False, "ok", date(2026, 1, 8)), today, 35).verified  # future
    assert Assessment.from_answer({"can_verify": "true", "needs_manual_review": "no", "reason": None,
                                   "payment_date": "2026-01-01T10:00:00"}) == Assessment(
        True, False, "No reason given.", date(2026, 1, 1))


async def test_verified_role_the_admin_may_not_give_is_refused_at_setup_and_when_given(desk: VerificationDesk) -> None:
    """Role safety (issue 14): an admin with only Manage Server can't make verification hand out an Administrator
    role, neither through setup (refused as a whole) nor through a value stored before the check existed."""
    hearth, g = desk.hearth, desk.hearth.guild
    owners = g.guild.add_role("Owners", ["administrator"])
    await hearth.discord.settle()
    await hearth.bot.guild_settings.set(g.guild.id, "system", "log_channel", desk.logs.id, changed_by=g.owner.id)
    async with hearth.discord.expect_errors(UserFacingError):
        refused = await hearth.discord.slash("config verification setup", user=g.admin, guild=g.guild,
                                             options={"verified_role": owners, "max_payment_age_days": 90})
    assert refused.text.startswith("Nothing was changed: this value was refused.")
    assert "You need the **Manage Roles** permission to make me give @Owners." in refused.text
    stored = {r["key"]: r["value"] for r in await hearth.db.fetch(
        "SELECT key, value FROM bot_settings WHERE scope = 'verification'")}
    assert stored["verified_role"] == desk.verified_role.id and "max_payment_age_days" not in stored

    # Stored by that admin anyway (as the old setup allowed): the AI verifies, the role is still not given.
    await hearth.bot.guild_settings.set(g.guild.id, "verification", "verified_role", owners.id, changed_by=g.admin.id)
    verification, channel = await start(desk)
    desk.llm.reply_json(answer())
    await upload(desk, channel)
    assert not has_role(desk.server, g.member, owners)
    assert (await row(desk, verification["id"]))["status"] == "manual_review"
    approved = await hearth.discord.click(review_message(desk, desk.logs), "Approve", user=desk.reviewer)
    assert f"<@{g.admin.id}>, who set it, doesn't have the **Manage Roles** permission" in approved.text
    assert not has_role(desk.server, g.member, owners)
    assert (await row(desk, verification["id"]))["status"] == "manual_review"
    reports = [m.content for m in hearth.discord.messages_in(desk.logs) if m.content.startswith("⛔")]
    assert len(reports) == 1 and "configured in `verification.verified_role`" in reports[0]
