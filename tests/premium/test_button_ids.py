"""Premium's persistent buttons: new ones carry `hearth:premium:` ids, those posted by older versions (`premium:`)
still work, a click while the cog is away is answered, and any failure reaches the member like everywhere else."""

from __future__ import annotations

import importlib
import logging
import re

import pytest

from tests.custom_ids import as_posted_before, custom_ids
from tests.kit.premium import PremiumWorld, labels


async def test_new_ids_are_under_hearth_and_old_premium_ids_still_work(premium: PremiumWorld) -> None:
    member = premium.guild.member
    prompt = await premium.discord.slash("premium plans", user=member)
    assert custom_ids(prompt.message) == ["hearth:premium:terms:2026-03-02"]
    as_posted_before(prompt.message, "hearth:premium:", "premium:")
    assert custom_ids(prompt.message) == ["premium:terms:2026-03-02"]

    plans = await premium.discord.click(prompt, "I accept", user=member)
    assert await premium.db.fetchval("SELECT version FROM terms_acceptance WHERE user_id = $1",
                                     member.id) == "2026-03-02"
    assert {"Buy monthly", "Buy yearly", "Buy lifetime"} <= set(labels(plans))
    assert "hearth:premium:buy:yearly" in custom_ids(plans.message)
    as_posted_before(plans.message, "hearth:premium:", "premium:")
    answer = await premium.discord.click(plans, "Buy yearly", user=member)
    assert answer.ephemeral and "checkout.stripe.com" in answer.text
    assert premium.stripe.requests_to("POST", "/v1/checkout/sessions")[-1].form["metadata"]["tier"] == "yearly"


async def test_a_click_while_the_premium_cog_is_away_gets_a_friendly_answer(premium: PremiumWorld) -> None:
    member = premium.guild.member
    prompt = await premium.discord.slash("premium plans", user=member)
    await premium.hearth.bot.remove_cog("Premium")
    answer = await premium.discord.click(prompt, "I accept", user=member)
    assert answer.ephemeral and answer.text == "Premium is being restarted; please try again in a moment."
    assert await premium.db.fetchval("SELECT count(*) FROM terms_acceptance") == 0


async def test_a_failure_that_is_not_a_user_facing_error_is_reported_with_a_reference(
        premium: PremiumWorld, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    member = premium.guild.member

    async def broken(*args: object) -> None:
        raise RuntimeError("a bug")

    # The running cog's module: loading an extension imports the cog's package afresh.
    monkeypatch.setattr(importlib.import_module("cogs.premium.repo"), "accept_terms", broken)
    prompt = await premium.discord.slash("premium plans", user=member)
    with caplog.at_level(logging.ERROR, logger="core.command_tree"):
        failed = await premium.discord.click(prompt, "I accept", user=member)
    assert failed.ephemeral
    match = re.fullmatch(r"Something went wrong on my side \(reference `([0-9a-f]{8})`\)\. .*", failed.text)
    assert match, failed.text
    record = next(r for r in caplog.records if match.group(1) in r.getMessage())
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError
    assert await premium.db.fetchval("SELECT count(*) FROM terms_acceptance") == 0
