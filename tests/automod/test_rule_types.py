"""Each rule type through the stand-in: content (with evasion), regex (re2, refused patterns), spam, AI."""

from __future__ import annotations

import time

import pytest

from cogs.automod.normalise import normalise, squash
from tests.kit.automod import Automod
from tests.kit.premium import seed_premium
from tests.llm_standin import LLMStandIn
from utils.errors import BadInput, UserFacingError


@pytest.mark.parametrize(("text", "expected"), [
    ("fr3e n1tro", "free nitro"),
    ("n\u200bitro", "nitro"),
    ("ｆｒｅｅ ｎｉｔｒｏ", "free nitro"),  # full-width
    ("frее nitrо", "free nitro"),  # Cyrillic е and о
    ("FRÉÉ NÏTRO", "free nitro"),  # accents and capitals
    ("𝐟𝐫𝐞𝐞 𝐧𝐢𝐭𝐫𝐨", "free nitro"),  # mathematical bold
    ("$c@m", "scam"),
])
def test_normalisation_catches_evasions(text: str, expected: str) -> None:
    assert normalise(text) == expected


def test_squash_drops_separators() -> None:
    assert squash(normalise("f.r.e.e  n-i-t-r-o")) == "freenitro"


async def test_content_rule_deletes_warns_and_logs(automod: Automod) -> None:
    d, g, h = automod.d, automod.g, automod.hearth
    await h.bot.guild_settings.set(g.guild.id, "automod", "escalation", [], changed_by=1)  # warnings only
    warn = await automod.action("warn", severity=1)
    rule = await automod.rule("Nitro scams", "content", words="free nitro, steam gift", action=warn)
    clean = await d.say(g.general, g.member, "hello there, nitro is a Discord subscription")
    evasions = ["get fr3e n1tro now", "free n\u200bitro", "ｆｒｅｅ ｎｉｔｒｏ here", "frее nitrо", "f.r.e.e n i t r o"]
    sent = [await d.say(g.general, g.member, text) for text in evasions]
    assert not d.world.messages[clean.id].deleted
    assert [d.world.messages[m.id].deleted for m in sent] == [True] * len(evasions)
    rows = await h.db.fetch("SELECT user_id, message_id, channel_id, rule_id, action_taken, message_content "
                            "FROM automod_logs ORDER BY id")
    assert [(r["user_id"], r["rule_id"], r["action_taken"]) for r in rows] == [(g.member.id, rule, "warn")] * 5
    assert rows[0]["message_id"] == sent[0].id and rows[0]["message_content"] == "get fr3e n1tro now"
    dm = d.dms_to(g.member)[0]
    assert "You were warned in **Hearth Test**" in dm.embeds[0]["description"]
    assert [b["label"] for b in dm.buttons()] == ["Appeal"]
    embed = automod.log_embeds()[0]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert embed["title"] == "🛡️ Automod: warn"
    assert f"/channels/{g.guild.id}/{g.general.id}/{sent[0].id}" in fields["Channel"]  # jump link
    assert fields["Member"].startswith(g.member.mention) and fields["Rule"] == f"#{rule} Nitro scams (content)"
    assert [b["label"] for b in automod.log_messages()[0].buttons()] == ["False positive"]


async def test_whole_word_option(automod: Automod) -> None:
    d, g = automod.d, automod.g
    delete = await automod.action("delete")
    await automod.rule("Rude", "content", words="ass", whole_word=True, action=delete)
    fine = await d.say(g.general, g.member, "I have class at noon, then a bass lesson")
    rude = await d.say(g.general, g.member, "you @ss")
    assert not d.world.messages[fine.id].deleted and d.world.messages[rude.id].deleted


async def test_regex_rule_matches_through_re2(automod: Automod) -> None:
    d, g = automod.d, automod.g
    delete = await automod.action("delete")
    await automod.rule("Card numbers", "regex", pattern=r"\d{4}[ -]?\d{4}[ -]?\d{4}[ -]?\d{4}",
                       config='{"normalise": false}', action=delete)
    await automod.rule("Discord phishing", "regex", pattern=r"dis+c+[o0]r+d-?(?:gift|nitro)s?\.", action=delete)
    card = await d.say(g.general, g.member, "my card is 4111 1111 1111 1111")
    phish = await d.say(g.general, g.member, "claim at DISCCORD-GIFTS.com")
    fine = await d.say(g.general, g.member, "my phone is 0612")
    assert d.world.messages[card.id].deleted and d.world.messages[phish.id].deleted
    assert not d.world.messages[fine.id].deleted


@pytest.mark.parametrize(("pattern", "reason"), [
    (r"(a)\1", "invalid escape sequence"),
    (r"(?=admin)\w+", "invalid perl operator"),
    ("[unclosed", "missing ]"),
    ("a" * 201, "the limit is 200"),
    ("((a{100}){100}){100}", "refused"),
])
async def test_invalid_or_unsupported_regex_is_refused_with_the_reason(automod: Automod, pattern: str,
                                                                       reason: str) -> None:
    d, g = automod.d, automod.g
    with d.expect_errors(BadInput):
        result = await d.slash("config automod add", user=g.admin,
                               options={"name": "bad", "type": "regex", "pattern": pattern})
    assert reason in result.text
    assert await automod.hearth.db.fetchval("SELECT count(*) FROM automod_rules") == 0


async def test_hostile_regex_runs_in_linear_time(automod: Automod) -> None:
    d, g = automod.d, automod.g
    delete = await automod.action("delete")
    await automod.rule("Hostile", "regex", pattern="(a+)+$", config='{"normalise": false}', action=delete)
    started = time.perf_counter()
    message = await d.say(g.general, g.member, "a" * 1900 + "!")  # exponential for a backtracking engine
    assert time.perf_counter() - started < 2.0
    assert not d.world.messages[message.id].deleted


async def test_spam_message_rate_with_the_manual_clock(automod: Automod) -> None:
    d, g, clock = automod.d, automod.g, automod.hearth.clock
    delete = await automod.action("delete")
    await automod.rule("Flood", "spam", config='{"messages": 4, "seconds": 5}', action=delete)
    first = [await d.say(g.general, g.member, f"message {n}") for n in range(3)]
    clock.advance(seconds=6)  # the window moved on: counting starts again
    later = [await d.say(g.general, g.member, f"again {n}") for n in range(3)]
    assert not any(d.world.messages[m.id].deleted for m in first + later)
    fourth = await d.say(g.general, g.member, "one too many")
    assert d.world.messages[fourth.id].deleted
    reason = await automod.hearth.db.fetchval("SELECT context->>'reason' FROM automod_logs")
    assert reason == "4 messages in 5 s (limit 3)"


async def test_spam_duplicates_mentions_links_invites_attachments(automod: Automod) -> None:
    d, g, h = automod.d, automod.g, automod.hearth
    delete = await automod.action("delete")
    await automod.rule("Duplicates", "spam", config='{"duplicates": 3}', action=delete)
    await automod.rule("Mentions", "spam", config='{"mentions": 3}', action=delete)
    await automod.rule("Links", "spam", config='{"links": true, "allow_domains": ["youtube.com"]}', action=delete)
    await automod.rule("Invites", "spam", config='{"invites": true}', action=delete)
    await automod.rule("Files", "spam", config='{"attachments": 3, "attachment_seconds": 10}', action=delete)
    others = [g.guild.add_member(f"u{n}") for n in range(3)]
    await d.settle()
    dup = [await d.say(g.general, g.member, "BUY NOW") for _ in range(3)]
    ping = await d.say(g.general, others[0], " ".join(o.mention for o in others))
    yt = await d.say(g.general, others[1], "watch https://www.youtube.com/watch?v=1")
    link = await d.say(g.general, others[1], "see http://evil.example/x")
    invite = await d.say(g.general, others[2], "join discord.gg/abc123")
    files = [await d.say(g.general, others[2], "", attachments=[("a.png", b"x", "image/png")]) for _ in range(3)]
    deleted = {m.id for m in d.world.messages.values() if m.deleted}
    assert [m.id in deleted for m in dup] == [False, False, True]
    assert ping.id in deleted and link.id in deleted and invite.id in deleted and yt.id not in deleted
    assert [m.id in deleted for m in files] == [False, False, True]
    reasons = [r["reason"] for r in await h.db.fetch("SELECT context->>'reason' AS reason FROM automod_logs "
                                                       "ORDER BY id")]
    assert reasons == ["the same message 3 times in 60 s", "3 mentions in one message (limit 2)",
                       "a link (evil.example)", "a server invite", "3 attachments in 10 s (limit 2)"]


async def test_ai_rule_is_premium_only_and_judged_off_the_hot_path(automod: Automod, llm: LLMStandIn) -> None:
    h, g = automod.hearth, automod.g
    with h.discord.expect_errors(UserFacingError):
        result = await h.discord.slash("config automod add", user=g.admin, options={"name": "AI", "type": "ai"})
    assert "premium feature" in result.text
    await seed_premium(h.db, g.admin.id, g.guild.id, "monthly")
    await h.restart(openai_api_key="sk-test", openai_base_url=llm.base_url)
    d = h.discord
    cog = h.bot.get_cog("Automod")
    d.busy_checks.append(lambda: f"{cog.ai.pending} AI judgement(s)" if h.bot.get_cog("Automod").ai.pending else None)
    delete = await automod.action("delete")
    await automod.rule("AI", "ai", config='{"threshold": 0.7}', action=delete)
    llm.reply_json({"flagged": False, "category": "none", "confidence": 0.1, "reason": "friendly"})
    fine = await d.say(g.general, g.member, "have a nice day")
    llm.reply_json({"flagged": True, "category": "harassment", "confidence": 0.93, "reason": "insult"})
    bad = await d.say(g.general, g.member, "you are worthless")
    assert not d.world.messages[fine.id].deleted and d.world.messages[bad.id].deleted
    assert len(llm.completions) == 2 and "you are worthless" in llm.completions[-1].prompt_text
    row = await h.db.fetchrow("SELECT ai_analysis, context->>'reason' AS reason FROM automod_logs")
    assert row["ai_analysis"]["category"] == "harassment" and row["reason"].startswith("AI: harassment (93%)")
    assert await h.db.fetchval("SELECT count(*) FROM gpt_usage WHERE user_id = $1", g.member.id) == 0  # not charged
