"""The invites settings (scope `invites`): tracking on or off, the account age below which a join counts as fake,
and the join announcement (its channel, off by default, and its template)."""

from __future__ import annotations

from typing import Any

from cogs.invites.announce import DEFAULT_TEMPLATE, check_announcement
from core.settings_registry import SettingSpec, SettingType, int_range
from utils.errors import BadInput

SCOPE = "invites"


def _template_problem(value: Any) -> str | None:
    try:
        check_announcement(str(value))
    except BadInput as exc:
        return exc.message
    return None


INVITES_ENABLED: SettingSpec[bool] = SettingSpec(
    SCOPE, "enabled", SettingType.BOOL, True,
    "Track who invited whom (needs my Manage Server permission to read the invites); off: joins are not "
    "recorded and nothing is announced.")
INVITES_FAKE_ACCOUNT_AGE: SettingSpec[int] = SettingSpec(
    SCOPE, "fake_account_age", SettingType.DURATION, 7 * 86400,
    "A join by an account younger than this counts as fake and not towards the inviter's invites (0s: none).",
    validator=int_range(0, 365 * 86400))
INVITES_ANNOUNCE_CHANNEL: SettingSpec[int | None] = SettingSpec(
    SCOPE, "announce_channel", SettingType.CHANNEL, None,
    "Where each join is announced with its inviter (not set: no announcement).")
INVITES_ANNOUNCE_TEMPLATE: SettingSpec[str] = SettingSpec(
    SCOPE, "announce_template", SettingType.TEXT, DEFAULT_TEMPLATE,
    "The join announcement; variables: {member} (pings only the new member), {member.name}, {inviter}, "
    "{inviter.name}, {invites} (the inviter's invites), {count} (members now), {server}.",
    validator=_template_problem)

SETTINGS: tuple[SettingSpec, ...] = (
    INVITES_ENABLED, INVITES_FAKE_ACCOUNT_AGE, INVITES_ANNOUNCE_CHANNEL, INVITES_ANNOUNCE_TEMPLATE,
)
