"""The engagement settings (scope `engagement`) and the awards they can switch on."""

from __future__ import annotations

from typing import Any

from core.settings_registry import SettingSpec, SettingType, int_range

SCOPE = "engagement"

# award key → (title, what wins it, unit of the metric)
AWARDS: dict[str, tuple[str, str, str]] = {
    "motivator": ("🚀 Motivator", "most messages", "messages"),
    "star": ("⭐ Star", "the message with the most reactions", "reactions"),
    "photographer": ("📸 Photographer", "most images", "images"),
}
BADGES = {
    "motivator": "🚀 Motivator",
    "star": "⭐ Star",
    "photographer": "📸 Photographer",
    "challenge_winner": "🏆 Challenge winner",
    "og": "🏅 OG",
}


def _award_list(value: Any) -> str | None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return 'must be a JSON list of award names, e.g. ["motivator", "star"].'
    unknown = [v for v in value if v not in AWARDS]
    if unknown:
        return f"unknown award(s) {', '.join(unknown)}; choose from {', '.join(AWARDS)}."
    return None


ENGAGEMENT_ENABLED: SettingSpec[bool] = SettingSpec(
    SCOPE, "enabled", SettingType.BOOL, True,
    "Count messages on this server (leaderboards, profiles, streaks, challenges, weekly awards).")
ENGAGEMENT_IGNORED_CHANNELS: SettingSpec[list[int]] = SettingSpec(
    SCOPE, "ignored_channels", SettingType.CHANNELS, [],
    "Channels whose messages are not counted (e.g. #bot-commands #spam).")
ENGAGEMENT_STREAK_NICKNAMES: SettingSpec[bool] = SettingSpec(
    SCOPE, "streak_nicknames", SettingType.BOOL, False,
    "Show members' daily streak in their nickname (e.g. `Alice 🔥12`); turning it off restores names.")
ENGAGEMENT_STREAK_NICKNAME_MIN: SettingSpec[int] = SettingSpec(
    SCOPE, "streak_nickname_min", SettingType.INT, 3,
    "Days of streak before the 🔥 suffix appears in the nickname.", validator=int_range(1, 365))
ENGAGEMENT_AWARDS_CHANNEL: SettingSpec[int | None] = SettingSpec(
    SCOPE, "awards_channel", SettingType.CHANNEL, None,
    "Where the weekly awards are posted every Monday (unset = no weekly awards).")
ENGAGEMENT_AWARDS: SettingSpec[list[str]] = SettingSpec(
    SCOPE, "awards", SettingType.JSON, list(AWARDS),
    "Which weekly awards run: a JSON list of motivator (most messages), star (most reacted message), "
    "photographer (most images).", validator=_award_list)
ENGAGEMENT_AWARDS_TIME: SettingSpec[str] = SettingSpec(
    SCOPE, "awards_time", SettingType.TIME, "09:00",
    "Time (server time zone) on Mondays when last week's awards are posted.")
ENGAGEMENT_OG_LIMIT: SettingSpec[int] = SettingSpec(
    SCOPE, "og_limit", SettingType.INT, 50,
    "How many members can claim the OG role and badge with the /og setup button.",
    validator=int_range(1, 100_000))
ENGAGEMENT_OG_ROLE: SettingSpec[int | None] = SettingSpec(
    SCOPE, "og_role", SettingType.ROLE, None,
    "Role given to OG claimers (unset = only the badge).", grants_role=True)
ENGAGEMENT_CHALLENGE_TOP: SettingSpec[int] = SettingSpec(
    SCOPE, "challenge_top", SettingType.INT, 3,
    "How many places a leaderboard challenge announces when it ends.", validator=int_range(1, 10))

SETTINGS: tuple[SettingSpec, ...] = (
    ENGAGEMENT_ENABLED, ENGAGEMENT_IGNORED_CHANNELS, ENGAGEMENT_STREAK_NICKNAMES, ENGAGEMENT_STREAK_NICKNAME_MIN,
    ENGAGEMENT_AWARDS_CHANNEL, ENGAGEMENT_AWARDS, ENGAGEMENT_AWARDS_TIME, ENGAGEMENT_OG_LIMIT, ENGAGEMENT_OG_ROLE,
    ENGAGEMENT_CHALLENGE_TOP,
)
