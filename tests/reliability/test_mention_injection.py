"""Mention injection: user text (and AI text) echoed by the bot never pings @everyone, @here or a role — nor a
user the bot did not mean to ping — unless a person allowed to do so configured it on purpose.

Every test writes `@everyone @here <@&role> <@user>` wherever a member (or the model) can put text, drives the
feature, then reads who Discord would have notified for every message the bot created: the stand-in resolves
`pings` from each message's content and `allowed_mentions` as Discord does (tests/standin/messaging.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import discord
import pytest

from tests.hearth_harness import Hearth
from tests.llm_standin import LLMRequest, LLMStandIn
from tests.standin.models import Member, Message, Pings, Role
from utils.errors import UserFacingError


def hostile_text(role: Role, victim: Member) -> str:
    """Everything that could ping, in one line."""
    return f"@everyone @here <@&{role.id}> <@{victim.id}> <@!{victim.id}> look"


def bot_messages_since(hearth: Hearth, before: Iterable[int]) -> list[Message]:
    """Messages the bot created (anywhere, DMs and ephemeral ones included) that were not in ``before``."""
    known = set(before)
    bot_id = hearth.discord.world.bot_user.id
    return [m for mid, m in hearth.discord.world.messages.items() if mid not in known and m.author.id == bot_id]


def unwanted_pings(messages: list[Message], allowed_users: Iterable[int] = ()) -> list[str]:
    """Messages that notified @everyone/@here, a role, or a user outside ``allowed_users``."""
    allowed = set(allowed_users)
    out = []
    for m in messages:
        pings = m.pings or Pings()
        extra = [u for u in pings.users if u not in allowed]
        if pings.everyone or pings.roles or extra:
            out.append(f"{m.content[:120]!r}: everyone={pings.everyone} roles={pings.roles} users={extra} "
                       f"(allowed_mentions={m.allowed_mentions})")
    return out


@pytest.fixture
async def loud(hearth: Hearth) -> Role:
    """A mentionable role: anyone's plain text could ping it unless allowed_mentions forbids roles."""
    role = hearth.guild.guild.add_role("Announcements", [], mentionable=True)
    await hearth.discord.settle()
    return role


def _carrying(messages: list[Message], needle: str) -> list[Message]:
    """Messages showing ``needle`` in their content or embeds (the echo happened)."""
    return [m for m in messages if needle in m.content + json.dumps(m.embeds, ensure_ascii=False)]


async def test_the_standin_resolves_pings_like_discord(hearth: Hearth, loud: Role) -> None:
    """The measuring stick: the same text pings everything with AllowedMentions.all() and nothing with none()."""
    g = hearth.guild
    text = hostile_text(loud, g.owner)
    channel = hearth.bot.get_channel(g.general.id)
    loud_msg = await channel.send(text, allowed_mentions=discord.AllowedMentions.all())
    quiet_msg = await channel.send(text)  # the bot's default: AllowedMentions.none()
    embed_msg = await channel.send(embed=discord.Embed(description=text),
                                   allowed_mentions=discord.AllowedMentions.all())
    await hearth.discord.settle()
    world = hearth.discord.world.messages
    assert world[loud_msg.id].pings == Pings(everyone=True, roles=[loud.id], users=[g.owner.id])
    assert not world[quiet_msg.id].pings and world[quiet_msg.id].allowed_mentions["parse"] == []
    assert not world[embed_msg.id].pings  # embeds never ping
    # Without Mention Everyone in the channel, @everyone and unmentionable roles do not ping even when allowed.
    g.guild.set_overwrite(g.general, g.guild.bot_role, deny=["mention_everyone"])
    await hearth.discord.settle()
    plain = await channel.send(f"@everyone <@&{g.moderator_role.id}> <@&{loud.id}>",
                               allowed_mentions=discord.AllowedMentions.all())
    await hearth.discord.settle()
    assert world[plain.id].pings == Pings(everyone=False, roles=[loud.id], users=[])


async def test_custom_command_responses_and_arguments(hearth: Hearth, loud: Role) -> None:
    """A response and the arguments typed into it ping no more than both the response's author and the member
    using it may: here neither may mention everyone, so no @everyone/@here and no unmentionable role — only users
    and mentionable roles, as any member could ping themselves."""
    hearth.discord.ignore_errors(UserFacingError)
    d, g = hearth.discord, hearth.guild
    g.guild.set_overwrite(g.general, "everyone", deny=["mention_everyone"])
    g.guild.set_overwrite(g.general, g.guild.bot_role, allow=["mention_everyone"])  # the bot itself still may
    await d.settle()
    text = f"{hostile_text(loud, g.owner)} <@&{g.moderator_role.id}>"
    added = await d.slash("config custom_commands add", user=g.admin, name="echo", trigger_type="starts_with",
                          trigger="!echo", response=f"{text} {{user.mention}} said: {{args}}", reply_to_user=True)
    assert added.text.startswith("✅"), added.text
    before = list(d.world.messages)
    await d.say(g.general, g.member, f"!echo {text}")
    sent = bot_messages_since(hearth, before)
    [post] = _carrying(sent, "said: @everyone")
    assert post.pings.everyone is False and post.pings.roles == [loud.id]  # never the unmentionable staff role
    assert sorted(post.pings.users) == sorted([g.owner.id, g.member.id])


async def test_reminders_ping_all_only_when_their_author_may(hearth: Hearth, loud: Role) -> None:
    """A member who may manage events but not mention everyone: text and title never ping @everyone or roles that
    are not mentionable.
    The owner (who may mention everyone) creating the same reminder: it pings, as intended."""
    hearth.discord.ignore_errors(UserFacingError)
    d, g = hearth.discord, hearth.guild
    guild = g.guild
    organiser_role = guild.add_role("Organisers", ["manage_events"])
    organiser = guild.add_member("olivia", roles=[organiser_role])
    guild.set_overwrite(g.general, "everyone", deny=["mention_everyone"])
    guild.set_overwrite(g.general, guild.bot_role, allow=["mention_everyone"])  # the bot itself still may
    await d.settle()
    hearth.clock.set(datetime(2026, 6, 1, 8, 0, tzinfo=UTC))
    text = hostile_text(loud, g.moderator)
    for creator in (organiser, g.owner):
        made = await d.slash("reminder add", user=creator, options={
            "name": f"{creator.user.username} <@&{loud.id}> @everyone", "channel": g.general,
            "when": "2026-06-01 10:00", "message": text})
        assert made.text.startswith("✅"), made.text
    before = list(d.world.messages)
    for minute in range(0, 61, 5):  # the early reminder, then the start, each on time
        await hearth.move_clock(datetime(2026, 6, 1, 9, 0, tzinfo=UTC) + timedelta(minutes=minute))
    posts = [m for m in bot_messages_since(hearth, before) if m.channel_id == g.general.id and m.embeds]
    by_organiser = [m for m in posts if "olivia" in m.embeds[0]["title"]]
    by_owner = [m for m in posts if m not in by_organiser]
    assert by_organiser and by_owner, [m.embeds[0]["title"] for m in posts]
    # Users and mentionable roles may be pinged by a reminder, as by anyone; @everyone and other roles not.
    assert all(not m.pings.everyone and m.pings.roles == [loud.id] and m.pings.users == [g.moderator.id]
               for m in by_organiser if m.content), [m.pings for m in by_organiser]
    assert not any(m.pings for m in by_organiser if not m.content)
    # The intended case: the owner may mention everyone, so the owner's reminder does ping.
    assert all(m.pings.everyone and m.pings.roles == [loud.id] for m in by_owner if m.content), \
        [m.pings for m in by_owner]
    assert any(m.content for m in by_owner)


async def _ticket_desk(hearth: Hearth):
    d, g = hearth.discord, hearth.guild
    staff_role = g.guild.add_role("Support", [])
    staff = g.guild.add_member("sam", roles=[staff_role])
    tickets = g.guild.add_category("Tickets")
    logs = g.guild.add_text_channel("ticket-logs")
    await d.settle()
    setup = await d.slash("ticket setup", user=g.admin, options={"category": tickets, "staff_role": staff_role,
                                                                 "log_channel": logs})
    assert setup.text.startswith("✅"), setup.text
    return staff, staff_role, logs


async def _open(hearth: Hearth, description: str):
    d, g = hearth.discord, hearth.guild
    opened = await d.slash("ticket open", user=g.member, description=description)
    assert "is open: <#" in opened.text, opened.text
    row = await hearth.db.fetchrow("SELECT id, channel_id FROM support_tickets ORDER BY id DESC LIMIT 1")
    return row["id"], d.world.channels[row["channel_id"]]


async def _close(hearth: Hearth, channel, staff: Member, reason: str) -> None:
    asked = await hearth.discord.slash("ticket close", user=staff, channel=channel, reason=reason)
    await hearth.discord.click(asked, "Close ticket", user=staff)


async def test_ticket_texts_never_ping(hearth: Hearth, loud: Role) -> None:
    """Topic, rename, notes, close reason, transcript: the opener may be pinged by the bot's own notices (that
    is intended), nobody else, never @everyone or a role."""
    hearth.discord.ignore_errors(UserFacingError)
    d, g = hearth.discord, hearth.guild
    staff, staff_role, _logs = await _ticket_desk(hearth)
    text = hostile_text(loud, g.owner) + f" <@&{staff_role.id}>"
    before = list(d.world.messages)
    ticket_id, channel = await _open(hearth, text)
    await d.say(channel, g.member, text)
    renamed = await d.slash("ticket rename", user=staff, channel=channel, options={"name": text})
    noted = await d.slash("ticket note", user=staff, channel=channel, text=text)
    notes = await d.slash("ticket notes", user=staff, channel=channel)
    await _close(hearth, channel, staff, text)
    assert renamed.responded and noted.responded and "look" in notes.text
    sent = bot_messages_since(hearth, before)
    assert len(_carrying(sent, "@everyone")) >= 3, [m.content[:80] for m in sent]
    assert any(a.filename.endswith(".txt") for m in sent for a in m.attachments)  # the transcript went out
    assert unwanted_pings(sent, allowed_users=[g.member.id]) == []
    assert (await hearth.db.fetchval("SELECT status FROM support_tickets WHERE id = $1", ticket_id)) == "closed"


async def test_ai_output_never_pings(hearth: Hearth, loud: Role, llm: LLMStandIn) -> None:
    """The model answers with mentions: ticket summary, suggested reply, growth check-in shared publicly."""
    hearth.discord.ignore_errors(UserFacingError)
    await hearth.connect_llm(llm)
    d, g = hearth.discord, hearth.guild
    text = hostile_text(loud, g.owner)

    def answer(request: LLMRequest) -> str:
        if "similarity_key" in request.prompt_text or "summary" in request.prompt_text.lower():
            return json.dumps({"summary": text, "similarity_key": "mentions"})
        return text

    llm.respond_with(answer)
    staff, _role, _logs = await _ticket_desk(hearth)
    before = list(d.world.messages)
    _ticket_id, channel = await _open(hearth, "My game crashes when I join voice")
    suggested = await d.slash("ticket suggest", user=staff, channel=channel)
    await _close(hearth, channel, staff, "fixed")
    checkin = await d.slash("growthcheckin", user=g.member, channel=g.general)
    assert checkin.modal is not None, checkin.text
    reply = await d.submit_modal(checkin, {"goal": text, "obstacle": text, "feeling": "ok"})
    await d.click(reply, "Share publicly", user=g.member)
    sent = bot_messages_since(hearth, before)
    assert "look" in suggested.text and llm.completions
    summary = await hearth.db.fetchval("SELECT summary FROM ticket_summaries")
    assert summary is not None and "@everyone" in summary
    shared = [m for m in sent if m.channel_id == g.general.id and "Growth check-in" in m.content]
    assert shared and "@everyone" in shared[0].content
    assert unwanted_pings(sent, allowed_users=[g.member.id]) == []


async def test_onboarding_answers_never_ping_staff(hearth: Hearth, loud: Role) -> None:
    hearth.discord.ignore_errors(UserFacingError)
    d, g = hearth.discord, hearth.guild
    staff_channel = g.guild.add_text_channel("staff")
    await d.settle()
    store = hearth.bot.guild_settings
    await store.set(g.guild.id, "onboarding", "staff_channel", staff_channel.id, changed_by=1)
    await store.set(g.guild.id, "onboarding", "mode", "questions", changed_by=1)
    added = await d.slash("config onboarding question_add", user=g.admin, text="What brings you here?",
                          options={"type": "text"})
    assert "Added question" in added.text, added.text
    before = list(d.world.messages)
    newcomer = await d.member_join(g.guild, "frank")
    intro = d.dms_to(newcomer)[-1]
    await d.click(intro, "Start", user=newcomer)
    opened = await d.click(intro, "Answer", user=newcomer)
    await d.submit_modal(opened, {"answer": hostile_text(loud, g.owner)}, user=newcomer)
    await d.select(intro, ["events_only"], user=newcomer)
    other = await d.select(intro, ["other"], user=newcomer)  # "Other…" asks for the language in a text box
    await d.submit_modal(other, {"answer": hostile_text(loud, g.owner)}, user=newcomer)
    summary = [m for m in bot_messages_since(hearth, before) if m.channel_id == staff_channel.id]
    assert summary and "@everyone" in json.dumps(summary[-1].embeds) + summary[-1].content
    assert unwanted_pings(bot_messages_since(hearth, before), allowed_users=[newcomer.id]) == []


async def test_automod_log_never_pings(hearth: Hearth, loud: Role) -> None:
    hearth.discord.ignore_errors(UserFacingError)
    d, g = hearth.discord, hearth.guild
    logs = g.guild.add_text_channel("mod-log")
    await d.settle()
    await hearth.bot.guild_settings.set(g.guild.id, "system", "log_channel", logs.id, changed_by=1)
    added = await d.slash("config automod add", user=g.admin, options={"name": "Words", "type": "content",
                                                                        "words": "badword"})
    assert "added" in added.text, added.text
    before = list(d.world.messages)
    await d.say(g.general, g.member, f"badword {hostile_text(loud, g.owner)}")
    sent = bot_messages_since(hearth, before)
    logged = [m for m in sent if m.channel_id == logs.id]
    assert logged and "@everyone" in json.dumps(logged[-1].embeds) + logged[-1].content
    assert unwanted_pings(sent, allowed_users=[g.member.id]) == []


async def test_faq_answers_never_ping(hearth: Hearth, loud: Role) -> None:
    hearth.discord.ignore_errors(UserFacingError)
    d, g = hearth.discord, hearth.guild
    text = hostile_text(loud, g.owner)
    added = await d.slash("faq add", user=g.admin, title=f"Password reset {text}", answer=f"Use the page. {text}",
                          keywords="password")
    assert added.text.startswith("✅"), added.text
    await _ticket_desk(hearth)
    before = list(d.world.messages)
    found = await d.slash("faq search", user=g.member, query="password")
    offered = await d.slash("ticket open", user=g.member, description="I forgot my password and cannot log in")
    sent = bot_messages_since(hearth, before)
    assert "Use the page" in found.text and "Use the page" in offered.text
    assert unwanted_pings(sent) == []
