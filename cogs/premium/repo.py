"""SQL of the premium cog: subscriptions (`premium_subs`), the checkouts Hearth created (`premium_checkouts`),
refunds and disputes (`premium_reversals`), terms acceptance and handled Stripe events.

Functions take a connection (inside the caller's transaction) or a pool. Every subscription row belongs to one
user and applies to one guild; at most one row per user is `active` (a partial unique index).
"""

from __future__ import annotations

from datetime import datetime

import asyncpg

from core.db import Executor

_COLUMNS = ("id, user_id, guild_id, tier, status, stripe_subscription_id, stripe_customer_id, expires_at, "
            "created_at, expiry_warning_sent_at, stripe_updated_at")
_SELECT = "SELECT " + _COLUMNS + " FROM premium_subs "
_RETURNING = " RETURNING " + _COLUMNS

# --- Stripe events --------------------------------------------------------------------------------------------


async def event_recorded(executor: Executor, event_id: str) -> bool:
    """Whether the event was already handled (a cheap look before doing any work)."""
    return await executor.fetchval("SELECT EXISTS (SELECT 1 FROM stripe_events WHERE event_id = $1)", event_id)


async def record_event(conn: asyncpg.Connection, event_id: str, event_type: str, created: datetime,
                       processed_at: datetime) -> bool:
    """Claim the event inside the caller's transaction; False when it was (or is being) handled already.

    A concurrent duplicate blocks on the primary key until the first transaction ends, then gets False.
    """
    inserted = await conn.fetchval(
        "INSERT INTO stripe_events (event_id, type, created_at, processed_at) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (event_id) DO NOTHING RETURNING event_id",
        event_id, event_type, created, processed_at)
    return inserted is not None


async def lock_user(conn: asyncpg.Connection, user_id: int) -> None:
    """Serialise changes to one user's subscriptions until the transaction ends (one active row per user)."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended('premium_subs:' || $1::bigint::text, 0))",
                       user_id)


# --- subscriptions --------------------------------------------------------------------------------------------


async def by_stripe_subscription(conn: asyncpg.Connection, subscription_id: str) -> asyncpg.Record | None:
    """The row of a Stripe subscription (the newest, should there be several), locked for update."""
    return await conn.fetchrow(
        _SELECT + "WHERE stripe_subscription_id = $1 "
        "ORDER BY id DESC LIMIT 1 FOR UPDATE", subscription_id)


async def row_id_of_subscription(executor: Executor, subscription_id: str) -> int | None:
    """The id of a Stripe subscription's row (the newest, should there be several), or None: not sold by Hearth."""
    return await executor.fetchval(
        "SELECT id FROM premium_subs WHERE stripe_subscription_id = $1 ORDER BY id DESC LIMIT 1", subscription_id)


async def owner_of_subscription(executor: Executor, subscription_id: str) -> asyncpg.Record | None:
    """A row (`user_id`) of a Stripe subscription, read without a lock: whose advisory lock to take first."""
    return await executor.fetchrow("SELECT user_id FROM premium_subs WHERE stripe_subscription_id = $1 LIMIT 1",
                                   subscription_id)


async def by_id(executor: Executor, row_id: int) -> asyncpg.Record | None:
    """One subscription row by id."""
    return await executor.fetchrow(_SELECT + "WHERE id = $1", row_id)


async def active_for_user(executor: Executor, user_id: int) -> asyncpg.Record | None:
    """The user's active subscription (any guild), or None."""
    return await executor.fetchrow(
        _SELECT + "WHERE user_id = $1 AND status = 'active'", user_id)


async def latest_for_user(executor: Executor, user_id: int) -> asyncpg.Record | None:
    """The user's most recent subscription row of any status, or None."""
    return await executor.fetchrow(
        _SELECT + "WHERE user_id = $1 ORDER BY id DESC LIMIT 1", user_id)


_ACTIVE_AT = "status = 'active' AND (expires_at IS NULL OR expires_at > $2)"


async def active_tier(executor: Executor, user_id: int, guild_id: int, now: datetime) -> str | None:
    """The tier of the user's subscription that is active at `now` and applies to this guild, or None."""
    return await executor.fetchval(
        "SELECT tier FROM premium_subs WHERE user_id = $1 AND guild_id = $3 AND " + _ACTIVE_AT, user_id, now, guild_id)


async def guild_has_active(executor: Executor, guild_id: int, now: datetime) -> bool:
    """Whether any member's subscription active at `now` applies to this guild."""
    return await executor.fetchval(
        "SELECT EXISTS (SELECT 1 FROM premium_subs WHERE guild_id = $1 AND " + _ACTIVE_AT + ")", guild_id, now)


async def active_in_guild(executor: Executor, user_id: int, guild_id: int) -> asyncpg.Record | None:
    """The user's active subscription if it applies to this guild (what a guild's admins may see)."""
    return await executor.fetchrow(
        _SELECT + "WHERE user_id = $1 AND guild_id = $2 AND status = 'active'", user_id, guild_id)


async def customer_id_for_user(executor: Executor, user_id: int) -> str | None:
    """The Stripe customer of the user's most recent purchase (for the billing portal), or None."""
    return await executor.fetchval(
        "SELECT stripe_customer_id FROM premium_subs WHERE user_id = $1 AND stripe_customer_id IS NOT NULL "
        "ORDER BY id DESC LIMIT 1", user_id)


async def insert_active(conn: Executor, *, user_id: int, guild_id: int, tier: str,
                        subscription_id: str | None, customer_id: str | None, expires_at: datetime | None,
                        now: datetime, stripe_updated_at: datetime) -> asyncpg.Record:
    """Create an active subscription row."""
    return await conn.fetchrow(
        "INSERT INTO premium_subs (user_id, guild_id, tier, status, stripe_subscription_id, stripe_customer_id, "
        "expires_at, created_at, stripe_updated_at) VALUES ($1, $2, $3, 'active', $4, $5, $6, $7, $8) "
        + _RETURNING, user_id, guild_id, tier, subscription_id, customer_id, expires_at, now,
        stripe_updated_at)


async def update_from_stripe(conn: Executor, row_id: int, *, status: str, tier: str,
                             expires_at: datetime | None, customer_id: str | None,
                             stripe_updated_at: datetime) -> asyncpg.Record:
    """Apply Stripe's view of a subscription; a new expiry date re-arms the 7-day warning."""
    return await conn.fetchrow(
        "UPDATE premium_subs SET status = $2, tier = $3, expires_at = $4, "
        "stripe_customer_id = coalesce($5, stripe_customer_id), "
        "stripe_updated_at = greatest(stripe_updated_at, $6), "
        "expiry_warning_sent_at = CASE WHEN expires_at IS DISTINCT FROM $4 THEN NULL "
        "ELSE expiry_warning_sent_at END "
        "WHERE id = $1" + _RETURNING, row_id, status, tier, expires_at, customer_id, stripe_updated_at)


async def set_status(conn: Executor, row_id: int, status: str,
                     stripe_updated_at: datetime | None = None) -> None:
    """Change a row's status (e.g. cancelled when replaced or deleted in Stripe, expired after a failed renewal)."""
    await conn.execute(
        "UPDATE premium_subs SET status = $2, stripe_updated_at = greatest(stripe_updated_at, $3) WHERE id = $1",
        row_id, status, stripe_updated_at)


async def claim_expiry_warning(executor: Executor, row_id: int, expires_at: datetime,
                               now: datetime) -> asyncpg.Record | None:
    """Mark the 7-day warning as sent, once: the row when this call claimed it, None when already sent or moot."""
    return await executor.fetchrow(
        "UPDATE premium_subs SET expiry_warning_sent_at = $3 "
        "WHERE id = $1 AND status = 'active' AND expires_at = $2 AND expiry_warning_sent_at IS NULL "
        + _RETURNING, row_id, expires_at, now)


async def expire(executor: Executor, row_id: int, now: datetime) -> asyncpg.Record | None:
    """Set an active row whose time is up to `expired`; the row when this call changed it."""
    return await executor.fetchrow(
        "UPDATE premium_subs SET status = 'expired' "
        "WHERE id = $1 AND status = 'active' AND expires_at <= $2" + _RETURNING, row_id, now)


async def extend(conn: Executor, row_id: int, expires_at: datetime) -> asyncpg.Record | None:
    """Move an active row's expiry later (Stripe renewed it) and re-arm the warning; None if no longer active."""
    return await conn.fetchrow(
        "UPDATE premium_subs SET expires_at = $2, expiry_warning_sent_at = NULL "
        "WHERE id = $1 AND status = 'active'" + _RETURNING, row_id, expires_at)


async def move_to_guild(conn: Executor, row_id: int, user_id: int, from_guild: int,
                        to_guild: int) -> asyncpg.Record | None:
    """Transfer an active row to another guild; None when it is no longer active in `from_guild`."""
    return await conn.fetchrow(
        "UPDATE premium_subs SET guild_id = $4 "
        "WHERE id = $1 AND user_id = $2 AND guild_id = $3 AND status = 'active' "
        + _RETURNING, row_id, user_id, from_guild, to_guild)


async def restore(conn: Executor, row_id: int, status: str) -> asyncpg.Record | None:
    """Bring a row ended by a dispute back (`active`, or `expired` when its paid period is over meanwhile)."""
    return await conn.fetchrow(
        "UPDATE premium_subs SET status = $2, expiry_warning_sent_at = NULL WHERE id = $1" + _RETURNING,
        row_id, status)


async def by_id_for_update(conn: asyncpg.Connection, row_id: int) -> asyncpg.Record | None:
    """One subscription row by id, locked for update."""
    return await conn.fetchrow(_SELECT + "WHERE id = $1 FOR UPDATE", row_id)


# --- checkouts Hearth created ----------------------------------------------------------------------------------

_CHECKOUT_COLUMNS = ("stripe_session_id, user_id, guild_id, tier, mode, price_id, amount, currency, marker, status, "
                     "refusal, created_at, completed_at, stripe_payment_intent_id, stripe_subscription_id, "
                     "premium_sub_id")


async def record_checkout(executor: Executor, *, session_id: str, user_id: int, guild_id: int, tier: str, mode: str,
                          price_id: str, amount: int, currency: str, marker: str, now: datetime) -> None:
    """Remember a Checkout Session Hearth created, with what it must charge and its metadata marker."""
    await executor.execute(
        "INSERT INTO premium_checkouts (stripe_session_id, user_id, guild_id, tier, mode, price_id, amount, currency, "
        "marker, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        session_id, user_id, guild_id, tier, mode, price_id, amount, currency, marker, now)


async def checkout(executor: Executor, session_id: str, *, lock: bool = False) -> asyncpg.Record | None:
    """A recorded checkout by Stripe session id (locked for update inside a transaction when asked)."""
    return await executor.fetchrow(
        "SELECT " + _CHECKOUT_COLUMNS + " FROM premium_checkouts WHERE stripe_session_id = $1"
        + (" FOR UPDATE" if lock else ""), session_id)


async def finish_checkout(conn: Executor, session_id: str, *, status: str, now: datetime,
                          refusal: str | None = None, payment_intent_id: str | None = None,
                          subscription_id: str | None = None, premium_sub_id: int | None = None) -> None:
    """Close an open checkout: `granted` (with the premium row it paid for) or `refused` (with the reason)."""
    await conn.execute(
        "UPDATE premium_checkouts SET status = $2, refusal = $3, completed_at = $4, stripe_payment_intent_id = $5, "
        "stripe_subscription_id = $6, premium_sub_id = $7 WHERE stripe_session_id = $1 AND status = 'open'",
        session_id, status, refusal, now, payment_intent_id, subscription_id, premium_sub_id)


async def granted_by_payment(executor: Executor, payment_intent_id: str) -> asyncpg.Record | None:
    """The granted checkout whose one-off payment was this payment intent (lifetime), or None."""
    return await executor.fetchrow(
        "SELECT " + _CHECKOUT_COLUMNS + " FROM premium_checkouts "
        "WHERE stripe_payment_intent_id = $1 AND status = 'granted' AND premium_sub_id IS NOT NULL", payment_intent_id)


async def checkouts_of_user(executor: Executor, user_id: int) -> list[asyncpg.Record]:
    """The user's checkouts (GDPR export), oldest first."""
    return await executor.fetch(
        "SELECT " + _CHECKOUT_COLUMNS + " FROM premium_checkouts WHERE user_id = $1 ORDER BY created_at", user_id)


# --- refunds and disputes -------------------------------------------------------------------------------------

IN_EFFECT = "(kind = 'refund' OR status NOT IN ('won', 'warning_closed', 'prevented'))"


async def record_reversal(conn: Executor, *, guild_id: int, premium_sub_id: int, kind: str,
                          object_id: str, payment_intent_id: str | None, status: str, now: datetime) -> bool:
    """Record a full refund (`kind` refund) or a dispute that ends a premium row; False if already recorded."""
    inserted = await conn.fetchval(
        "INSERT INTO premium_reversals (guild_id, premium_sub_id, kind, stripe_object_id, stripe_payment_intent_id, "
        "status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (stripe_object_id) DO NOTHING "
        "RETURNING id", guild_id, premium_sub_id, kind, object_id, payment_intent_id, status, now)
    return inserted is not None


async def close_dispute(conn: Executor, guild_id: int, dispute_id: str, status: str,
                        now: datetime) -> None:
    """Store how a dispute closed (won, lost …)."""
    await conn.execute(
        "UPDATE premium_reversals SET status = $3, closed_at = $4 "
        "WHERE guild_id = $1 AND stripe_object_id = $2 AND kind = 'dispute'", guild_id, dispute_id, status, now)


async def reversals_in_effect(conn: Executor, guild_id: int, premium_sub_id: int) -> int:
    """How many refunds and not-won disputes still end this row."""
    return await conn.fetchval(
        "SELECT count(*) FROM premium_reversals WHERE guild_id = $1 AND premium_sub_id = $2 AND " + IN_EFFECT,
        guild_id, premium_sub_id)


async def reversals_of_user(executor: Executor, user_id: int) -> list[asyncpg.Record]:
    """The refunds and disputes of the user's premium rows (GDPR export)."""
    return await executor.fetch(
        "SELECT r.id, r.guild_id, r.premium_sub_id, r.kind, r.stripe_object_id, r.stripe_payment_intent_id, r.status, "
        "r.created_at, r.closed_at FROM premium_reversals r JOIN premium_subs p ON p.id = r.premium_sub_id "
        "WHERE p.user_id = $1 ORDER BY r.id", user_id)


# --- terms ----------------------------------------------------------------------------------------------------


async def accepted_terms_version(executor: Executor, user_id: int) -> str | None:
    """The terms version the user last accepted, or None."""
    return await executor.fetchval("SELECT version FROM terms_acceptance WHERE user_id = $1", user_id)


async def accept_terms(executor: Executor, user_id: int, version: str, now: datetime) -> None:
    """Record acceptance of `version` (a later acceptance replaces the earlier one)."""
    await executor.execute(
        "INSERT INTO terms_acceptance (user_id, accepted_at, version) VALUES ($1, $2, $3) "
        "ON CONFLICT (user_id) DO UPDATE SET accepted_at = EXCLUDED.accepted_at, version = EXCLUDED.version",
        user_id, now, version)
