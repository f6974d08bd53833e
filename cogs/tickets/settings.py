"""The tickets settings (scope `tickets`): where ticket channels go, who handles them, the inactivity and
archive clocks, topics, FAQ deflection, the open tickets a member may have and how long transcripts are kept."""

from __future__ import annotations

from typing import Any

from core.settings_registry import SettingSpec, SettingType, int_range


def _durations(value: Any) -> str | None:
    return None if 0 <= value <= 90 * 86400 else "must be between 0s and 90d."


TICKETS_CATEGORY: SettingSpec[int | None] = SettingSpec(
    "tickets", "category", SettingType.CHANNEL, None,
    "Category for ticket channels (set it with /ticket setup, or /config set with its name).",
    channel_kind="category")
TICKETS_OVERFLOW_CATEGORY: SettingSpec[int | None] = SettingSpec(
    "tickets", "overflow_category", SettingType.CHANNEL, None,
    "Category used when the ticket category holds 50 channels (created automatically if unset).",
    channel_kind="category")
TICKETS_STAFF_ROLE: SettingSpec[int | None] = SettingSpec(
    "tickets", "staff_role", SettingType.ROLE, None,
    "Role that handles tickets (default: system.staff_role).")
TICKETS_ESCALATION_ROLE: SettingSpec[int | None] = SettingSpec(
    "tickets", "escalation_role", SettingType.ROLE, None,
    "Role that escalated tickets go to (it is mentioned).")
TICKETS_LOG_CHANNEL: SettingSpec[int | None] = SettingSpec(
    "tickets", "log_channel", SettingType.CHANNEL, None,
    "Where transcripts and FAQ proposals go (default: system.log_channel).")
TICKETS_WARN_AFTER: SettingSpec[int] = SettingSpec(
    "tickets", "warn_after", SettingType.DURATION, 24 * 3600,
    "While a ticket waits for the member: remind them after this long without a reply.",
    validator=_durations)
TICKETS_CLOSE_AFTER: SettingSpec[int] = SettingSpec(
    "tickets", "close_after", SettingType.DURATION, 72 * 3600,
    "While a ticket waits for the member: close it after this long without a reply (counted from "
    "their last message, like warn_after).", validator=_durations)
TICKETS_ARCHIVE_DELAY: SettingSpec[int] = SettingSpec(
    "tickets", "archive_delay", SettingType.DURATION, 24 * 3600,
    "How long after closing a ticket its channel is deleted (0 = only with /ticket archive).",
    validator=_durations)
TICKETS_CATEGORIES: SettingSpec[str | None] = SettingSpec(
    "tickets", "categories", SettingType.TEXT, None,
    "Ticket topics offered on the panel and in /ticket open, comma-separated (e.g. Billing, Bug).")
TICKETS_FAQ_DEFLECTION: SettingSpec[bool] = SettingSpec(
    "tickets", "faq_deflection", SettingType.BOOL, True,
    "Offer matching FAQ answers before a ticket opens.")
TICKETS_MAX_OPEN_PER_USER: SettingSpec[int] = SettingSpec(
    "tickets", "max_open_per_user", SettingType.INT, 3,
    "How many unclosed tickets one member may have at once.", validator=int_range(1, 20))

TICKETS_IDLE_WARN_AFTER: SettingSpec[int] = SettingSpec(
    "tickets", "idle_warn_after", SettingType.DURATION, 0,
    "Any open ticket (not waiting for the member): warn in the ticket after this long without a message from "
    "the member or staff (0 = off).", validator=_durations)
TICKETS_IDLE_CLOSE_AFTER: SettingSpec[int] = SettingSpec(
    "tickets", "idle_close_after", SettingType.DURATION, 0,
    "Any open ticket (not waiting for the member): close it after this long without a message from the member "
    "or staff (0 = off; never before idle_warn_after).", validator=_durations)
TICKETS_CLOSE_ON_LEAVE: SettingSpec[bool] = SettingSpec(
    "tickets", "close_on_leave", SettingType.BOOL, False,
    "Close a member's open tickets when they leave the server (a line in the ticket and its transcript says so).")
TICKETS_TRANSCRIPT_RETENTION_DAYS: SettingSpec[int] = SettingSpec(
    "tickets", "transcript_retention_days", SettingType.INT, 365,
    "Days a closed ticket's kept transcript (/ticket transcript) is kept; older ones are deleted daily.",
    validator=int_range(1, 3650))
TICKETS_SUMMARIES_IN_ASK: SettingSpec[bool] = SettingSpec(
    "tickets", "summaries_in_ask", SettingType.BOOL, True,
    "Let /ask answer from closed tickets' AI summaries (they hold no names, but describe members' problems).")

SETTINGS: tuple[SettingSpec, ...] = (
    TICKETS_CATEGORY, TICKETS_OVERFLOW_CATEGORY, TICKETS_STAFF_ROLE, TICKETS_ESCALATION_ROLE, TICKETS_LOG_CHANNEL,
    TICKETS_WARN_AFTER, TICKETS_CLOSE_AFTER, TICKETS_ARCHIVE_DELAY, TICKETS_CATEGORIES, TICKETS_FAQ_DEFLECTION,
    TICKETS_MAX_OPEN_PER_USER, TICKETS_IDLE_WARN_AFTER, TICKETS_IDLE_CLOSE_AFTER, TICKETS_CLOSE_ON_LEAVE,
    TICKETS_TRANSCRIPT_RETENTION_DAYS, TICKETS_SUMMARIES_IN_ASK,
)
