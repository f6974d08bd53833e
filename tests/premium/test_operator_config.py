"""The premium prices are the operator's environment settings: `python bot.py --check` names what is missing, and
a price that would sell one tier as another is refused before the bot starts."""

from __future__ import annotations

from tests.foundation.test_cli import run_bot


def test_check_names_the_missing_stripe_settings(database_url: str) -> None:
    result = run_bot("--check", "--cogs", "premium", env={
        "DATABASE_URL": database_url, "STRIPE_SECRET_KEY": "sk_test_x", "STRIPE_PRICE_MONTHLY": "price_monthly"})
    assert result.returncode == 0, result.stderr
    assert ("Premium:   missing STRIPE_WEBHOOK_SECRET, STRIPE_PRICE_YEARLY, STRIPE_PRICE_LIFETIME "
            "(a tier without its price is not on sale)") in result.stdout
    complete = run_bot("--check", "--cogs", "premium", env={
        "DATABASE_URL": database_url, "STRIPE_SECRET_KEY": "sk_test_x", "STRIPE_WEBHOOK_SECRET": "whsec_x",
        "STRIPE_PRICE_MONTHLY": "price_m", "STRIPE_PRICE_YEARLY": "price_y", "STRIPE_PRICE_LIFETIME": "price_l"})
    assert "Premium:   Stripe keys and the three prices are set" in complete.stdout


def test_one_price_for_two_tiers_is_a_configuration_error() -> None:
    result = run_bot("--check", env={"STRIPE_PRICE_MONTHLY": "price_cheap", "STRIPE_PRICE_LIFETIME": "price_cheap"})
    assert result.returncode == 2
    assert result.stderr.strip() == ("Configuration error: STRIPE_PRICE_LIFETIME: is the same price as "
                                     "STRIPE_PRICE_MONTHLY; each tier needs its own price (got 'price_cheap')")
    garbled = run_bot("--check", env={"STRIPE_PRICE_YEARLY": "49.99"})
    assert garbled.returncode == 2 and "STRIPE_PRICE_YEARLY: must be a Stripe price id" in garbled.stderr
