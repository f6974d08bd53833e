"""/growthcheckin end to end: slash → modal → AI reply (via the LLM stand-in) → stored → shared without pings."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from gpt.errors import AINotConfigured, QuotaExceeded
from gpt.prompts import GROWTH_SYSTEM_PROMPTS
from tests.hearth_harness import Hearth
from tests.kit.growth import growth_cog
from tests.kit.premium import seed_premium
from tests.llm_standin import LLMStandIn
from utils.cooldowns import OnCooldown
from utils.errors import BadInput, UserFacingError

FORM = {"goal": "Run 5 km three times a week", "obstacle": "I skip when it rains", "feeling": "a bit stuck"}


async def open_and_submit(hearth: Hearth, member: object, form: dict[str, str] = FORM, **options: str):
    opened = await hearth.discord.slash("growthcheckin", user=member, guild=hearth.guild.guild,
                                        channel=hearth.guild.general, **options)
    assert opened.modal is not None, opened.text
    return await hearth.discord.submit_modal(opened, form)


async def test_without_a_key_the_command_says_ai_is_not_configured(hearth: Hearth, llm: LLMStandIn) -> None:
    g = hearth.guild
    with hearth.discord.expect_errors(AINotConfigured):
        result = await hearth.discord.slash("growthcheckin", user=g.member, guild=g.guild)
    assert result.ephemeral and result.modal is None
    assert result.text.startswith("AI is not configured on this server")
    assert llm.requests == []
    assert await hearth.db.fetchval("SELECT count(*) FROM growth_checkins") == 0


async def test_checkin_replies_privately_stores_and_shares_without_pings(ai: Hearth, llm: LLMStandIn) -> None:
    g = ai.guild
    llm.reply("You already know rain is the trigger. Tomorrow, lay out a rain jacket. What would make rain fun?")
    form = {**FORM, "goal": "Run 5 km @everyone <@&1> with <@" + str(g.admin.id) + ">"}
    result = await open_and_submit(ai, g.member, form)
    assert result.ephemeral
    assert "🌱 **Your growth check-in**" in result.text
    assert "lay out a rain jacket" in result.text
    [request] = llm.completions
    assert request.model == "gpt-4o-mini" and request.temperature == 0.7
    assert request.messages[0]["content"] == GROWTH_SYSTEM_PROMPTS["gentle"]
    assert request.messages[-1] == {"role": "user", "content": (
        f"Goal: {form['goal']}\nWhat is in the way: I skip when it rains\nHow I feel: a bit stuck")}
    row = await ai.db.fetchrow("SELECT * FROM growth_checkins")
    assert (row["guild_id"], row["user_id"], row["goal"], row["obstacle"], row["feeling"], row["style"],
            row["shared"]) == (g.guild.id, g.member.id, form["goal"], "I skip when it rains", "a bit stuck",
                               "gentle", False)
    assert row["reply"].startswith("You already know rain is the trigger.")
    assert await ai.db.fetchval("SELECT call_count FROM gpt_usage WHERE user_id = $1", g.member.id) == 1

    before = len(ai.discord.messages_in(g.general))
    shared = await ai.discord.click(result, "Share publicly", user=g.member)
    posts = ai.discord.messages_in(g.general)[before:]
    assert len(posts) == 1
    assert posts[0].content.startswith(f"🌱 **Growth check-in from <@{g.member.id}>**")
    assert "lay out a rain jacket" in posts[0].content
    sent = [r for r in ai.discord.requests("POST") if r.json and r.json.get("content") == posts[0].content]
    assert sent and sent[-1].json["allowed_mentions"]["parse"] == []
    assert not sent[-1].json["allowed_mentions"].get("users") and not sent[-1].json["allowed_mentions"].get("roles")
    assert await ai.db.fetchval("SELECT shared FROM growth_checkins") is True
    buttons = shared.message.buttons()
    assert [(b["label"], b.get("disabled")) for b in buttons] == [("Shared", True)]


async def test_share_button_works_after_a_restart(ai: Hearth, llm: LLMStandIn) -> None:
    g = ai.guild
    result = await open_and_submit(ai, g.member)
    await ai.connect_llm(llm)
    shared = await ai.discord.click(result, "Share publicly", user=g.member)
    assert ai.discord.last_message(g.general).content.startswith(f"🌱 **Growth check-in from <@{g.member.id}>**")
    assert [b["label"] for b in shared.message.buttons()] == ["Shared"]
    assert await ai.db.fetchval("SELECT shared FROM growth_checkins") is True


async def test_reflections_of_the_last_30_days_are_context(ai: Hearth, llm: LLMStandIn) -> None:
    g = ai.guild
    now = ai.clock.now()
    reflections = [
        (g.member.id, "r-old", {"reflection_text": "ancient reflection"}, now - timedelta(days=31)),
        (g.member.id, "r-1", {"reflection_text": "I ran twice last week", "mantra": "slow is smooth"},
         now - timedelta(days=2)),
        (g.member.id, "r-2", {"reflection_text": "Rainy days drain me"}, now - timedelta(days=1)),
        (g.admin.id, "r-x", {"reflection_text": "someone else's secret"}, now - timedelta(hours=1)),
    ] + [(g.member.id, f"r-bulk-{i}", {"reflection_text": f"bulk {i} " + "x" * 900}, now - timedelta(days=10 + i))
         for i in range(5)]
    for user_id, rid, content, created in reflections:
        await ai.db.execute("INSERT INTO app_reflections (user_id, reflection_id, plaintext_content, created_at) "
                            "VALUES ($1, $2, $3, $4)", user_id, rid, content, created)
    await open_and_submit(ai, g.member)
    [request] = llm.completions
    context = request.messages[1]["content"]
    assert request.messages[1]["role"] == "system"
    lines = [line for line in context.splitlines() if line.startswith("- ")]
    assert len(lines) == 5  # at most five, most recent first
    assert lines[0] == f"- {(now - timedelta(days=1)).date()}: Rainy days drain me"
    assert lines[1] == f"- {(now - timedelta(days=2)).date()}: I ran twice last week | Mantra: slow is smooth"
    assert lines[2].startswith(f"- {(now - timedelta(days=10)).date()}: bulk 0 xxx") and lines[2].endswith("…")
    assert len(lines[2]) <= 402
    assert "ancient reflection" not in context and "someone else's secret" not in context


async def test_no_reflections_no_context_message(ai: Hearth, llm: LLMStandIn) -> None:
    await open_and_submit(ai, ai.guild.member)
    [request] = llm.completions
    assert [m["role"] for m in request.messages] == ["system", "user"]


async def test_blunt_style_is_refused_for_free_members(ai: Hearth, llm: LLMStandIn) -> None:
    g = ai.guild
    with ai.discord.expect_errors(UserFacingError):
        result = await ai.discord.slash("growthcheckin", user=g.member, guild=g.guild, style="blunt")
    assert result.ephemeral and result.modal is None
    assert "The **blunt** style is a premium feature" in result.text
    assert llm.requests == []


async def test_blunt_style_for_premium_members(ai: Hearth, llm: LLMStandIn) -> None:
    g = ai.guild
    await seed_premium(ai.db, g.member.id, g.guild.id, "yearly")
    result = await open_and_submit(ai, g.member, style="blunt")
    assert "· blunt" in result.text
    assert llm.completions[0].messages[0]["content"] == GROWTH_SYSTEM_PROMPTS["blunt"]
    assert await ai.db.fetchval("SELECT style FROM growth_checkins") == "blunt"


async def test_over_quota_before_the_modal(ai: Hearth, llm: LLMStandIn) -> None:
    g = ai.guild
    await ai.db.execute("INSERT INTO gpt_usage (user_id, guild_id, usage_date, call_count) VALUES ($1, $2, $3, 5)",
                        g.member.id, g.guild.id, ai.clock.now().date())
    with ai.discord.expect_errors(QuotaExceeded):
        result = await ai.discord.slash("growthcheckin", user=g.member, guild=g.guild)
    assert result.ephemeral and result.modal is None
    midnight = int(datetime.combine(ai.clock.now().date() + timedelta(days=1), datetime.min.time(),
                                    tzinfo=UTC).timestamp())
    assert f"They reset <t:{midnight}:R>" in result.text
    assert llm.requests == []


async def test_quota_used_up_while_the_modal_was_open(ai: Hearth, llm: LLMStandIn) -> None:
    g = ai.guild
    opened = await ai.discord.slash("growthcheckin", user=g.member, guild=g.guild)
    await ai.db.execute("INSERT INTO gpt_usage (user_id, guild_id, usage_date, call_count) VALUES ($1, $2, $3, 5)",
                        g.member.id, g.guild.id, ai.clock.now().date())
    result = await ai.discord.submit_modal(opened, FORM)
    assert result.ephemeral
    assert result.text.startswith("You've used all 5 of your AI requests for today on this server.")
    assert "Share publicly" not in json.dumps(result.components)
    assert llm.requests == []
    assert await ai.db.fetchval("SELECT count(*) FROM growth_checkins") == 0


async def test_llm_outage_is_a_clear_message_and_refunded(ai: Hearth, llm: LLMStandIn) -> None:
    g = ai.guild
    llm.fail(500, times=3)
    result = await open_and_submit(ai, g.member)
    assert result.ephemeral
    assert result.text == ("The AI service is not answering right now, try again later. "
                           "This request did not count against your daily AI limit.")
    assert len(llm.completions) == 3
    assert await ai.db.fetchval("SELECT call_count FROM gpt_usage WHERE user_id = $1", g.member.id) == 0
    assert await ai.db.fetchval("SELECT count(*) FROM growth_checkins") == 0


async def test_llm_timeout_is_a_clear_message_and_refunded(ai: Hearth, llm: LLMStandIn) -> None:
    g = ai.guild
    client = growth_cog(ai).llm.client
    assert client is not None
    client.timeout, client.max_retries = 0.2, 0
    llm.hang()
    result = await open_and_submit(ai, g.member)
    assert result.text.startswith("The AI service is not answering right now, try again later.")
    assert await ai.db.fetchval("SELECT call_count FROM gpt_usage WHERE user_id = $1", g.member.id) == 0


async def test_ai_turned_off_by_the_admins(ai: Hearth, llm: LLMStandIn) -> None:
    g = ai.guild
    await ai.discord.slash("config set", user=g.admin, guild=g.guild, scope="gpt", key="enabled", value="no")
    with ai.discord.expect_errors(UserFacingError):
        result = await ai.discord.slash("growthcheckin", user=g.member, guild=g.guild)
    assert "The AI features are turned off on this server." in result.text
    assert llm.requests == []


async def test_guild_model_setting_is_used(ai: Hearth, llm: LLMStandIn) -> None:
    g = ai.guild
    await ai.connect_llm(llm, openai_allowed_models="grok-3-mini")
    await ai.discord.slash("config set", user=g.admin, guild=g.guild, scope="gpt", key="model", value="grok-3-mini")
    await ai.discord.slash("config set", user=g.admin, guild=g.guild, scope="gpt", key="temperature", value="1.1")
    await open_and_submit(ai, g.member)
    assert (llm.completions[0].model, llm.completions[0].temperature) == ("grok-3-mini", 1.1)


async def test_an_admin_cannot_pick_a_model_outside_the_operators_allow_list(ai: Hearth, llm: LLMStandIn) -> None:
    g = ai.guild
    await ai.connect_llm(llm, openai_allowed_models="grok-3-mini")
    with ai.discord.expect_errors(BadInput):
        refused = await ai.discord.slash("config set", user=g.admin, guild=g.guild, scope="gpt", key="model",
                                         value="o1-pro")
    assert refused.ephemeral
    assert "gpt.model must be one of: gpt-4o-mini, grok-3-mini." in refused.text
    assert await ai.db.fetchval("SELECT count(*) FROM bot_settings WHERE scope = 'gpt'") == 0
    await open_and_submit(ai, g.member)
    assert [request.model for request in llm.completions] == ["gpt-4o-mini"]


async def test_a_stored_model_the_operator_no_longer_allows_falls_back_to_the_default(
        ai: Hearth, llm: LLMStandIn) -> None:
    g = ai.guild
    await ai.connect_llm(llm, openai_allowed_models="grok-3-mini")
    await ai.discord.slash("config set", user=g.admin, guild=g.guild, scope="gpt", key="model", value="grok-3-mini")
    await ai.connect_llm(llm)  # the operator took grok-3-mini off the list
    await open_and_submit(ai, g.member)
    assert [request.model for request in llm.completions] == ["gpt-4o-mini"]


async def test_a_lifetime_member_stops_at_the_fair_use_ceiling(ai: Hearth, llm: LLMStandIn) -> None:
    g = ai.guild
    await ai.connect_llm(llm, ai_fair_use_daily_limit=30)
    await seed_premium(ai.db, g.member.id, g.guild.id, "lifetime")
    await ai.db.execute("INSERT INTO gpt_usage (user_id, guild_id, usage_date, call_count) VALUES ($1, $2, $3, 30)",
                        g.member.id, g.guild.id, ai.clock.now().date())
    with ai.discord.expect_errors(QuotaExceeded):
        result = await ai.discord.slash("growthcheckin", user=g.member, guild=g.guild)
    assert result.ephemeral and result.modal is None
    assert result.text.startswith("You've used all 30 of your AI requests for today on this server (the fair-use "
                                  "ceiling of your premium plan")
    assert "Premium members get more" not in result.text
    assert llm.requests == []
    assert await ai.db.fetchval("SELECT call_count FROM gpt_usage WHERE user_id = $1", g.member.id) == 30


async def test_a_second_checkin_within_the_cooldown_is_refused_without_an_llm_request(
        ai: Hearth, llm: LLMStandIn) -> None:
    g = ai.guild
    await open_and_submit(ai, g.member)
    assert len(llm.completions) == 1
    ai.clock.advance(seconds=20)
    with ai.discord.expect_errors(OnCooldown):
        again = await ai.discord.slash("growthcheckin", user=g.member, guild=g.guild)
    assert again.ephemeral and again.modal is None
    assert again.text == "You're doing growth check-ins too often. Try again in 40 s."
    # Two forms opened at once: the second submission is refused too.
    ai.clock.advance(seconds=40)
    first = await ai.discord.slash("growthcheckin", user=g.member, guild=g.guild)
    second = await ai.discord.slash("growthcheckin", user=g.member, guild=g.guild)
    await ai.discord.submit_modal(first, FORM)
    refused = await ai.discord.submit_modal(second, FORM)
    assert refused.text == "You're doing growth check-ins too often. Try again in 60 s."
    assert len(llm.completions) == 2
    assert await ai.db.fetchval("SELECT count(*) FROM growth_checkins") == 2
    # Another member is not held back.
    await open_and_submit(ai, g.moderator)
    assert len(llm.completions) == 3


async def test_a_failed_checkin_gives_the_cooldown_back(ai: Hearth, llm: LLMStandIn) -> None:
    g = ai.guild
    llm.fail(500, times=3)
    failed = await open_and_submit(ai, g.member)
    assert failed.text.startswith("The AI service is not answering right now")
    retried = await open_and_submit(ai, g.member)  # at once: the failed call did not use the cooldown up
    assert "🌱 **Your growth check-in**" in retried.text
    assert len(llm.completions) == 4


async def test_commands_are_guild_only(ai: Hearth) -> None:
    synced = [r for r in ai.discord.requests("PUT") if r.route.endswith("/commands")][-1].json
    by_name = {c["name"]: c for c in synced}
    assert by_name["growthcheckin"]["dm_permission"] is False
    assert by_name["growthhistory"]["dm_permission"] is False
    style = next(o for o in by_name["growthcheckin"]["options"] if o["name"] == "style")
    assert [c["value"] for c in style["choices"]] == ["gentle", "blunt"]
