"""The points settings (scope `points`): earning, /give limits, the staff who decide shop requests and their log."""

from __future__ import annotations

from core.settings_registry import SettingSpec, SettingType, int_range

SCOPE = "points"
DAY = 86400
MAX_AMOUNT = 1_000_000  # the most points one grant, gift, purchase or earning setting can move

POINTS_ENABLED: SettingSpec[bool] = SettingSpec(
    SCOPE, "enabled", SettingType.BOOL, True,
    "Members earn points (messages, level-ups, challenge wins) and can use /give and /buy. Staff grants and "
    "/balance work either way.")
POINTS_MESSAGE_POINTS: SettingSpec[int] = SettingSpec(
    SCOPE, "message_points", SettingType.INT, 1,
    "Points a member earns for a message, at most once per `points.message_cooldown` (0 = none).",
    validator=int_range(0, 1000))
POINTS_MESSAGE_COOLDOWN: SettingSpec[int] = SettingSpec(
    SCOPE, "message_cooldown", SettingType.DURATION, 60,
    "How often messages can earn points: at most once per this time per member (e.g. 60s, 5m).",
    validator=int_range(0, DAY))
POINTS_IGNORED_CHANNELS: SettingSpec[list[int]] = SettingSpec(
    SCOPE, "ignored_channels", SettingType.CHANNELS, [],
    "Channels where messages earn no points (e.g. #spam #bot-commands).")
POINTS_LEVEL_UP_POINTS: SettingSpec[int] = SettingSpec(
    SCOPE, "level_up_points", SettingType.INT, 50,
    "Points a member earns each time they reach a new level (0 = none; needs the levels feature).",
    validator=int_range(0, MAX_AMOUNT))
POINTS_CHALLENGE_WIN_POINTS: SettingSpec[int] = SettingSpec(
    SCOPE, "challenge_win_points", SettingType.INT, 100,
    "Points the winner of a /challenge earns (0 = none).", validator=int_range(0, MAX_AMOUNT))
POINTS_GIVE_DAILY_CAP: SettingSpec[int] = SettingSpec(
    SCOPE, "give_daily_cap", SettingType.INT, 500,
    "The most points a member can /give to others per day, server time (0 = /give is off).",
    validator=int_range(0, MAX_AMOUNT))
POINTS_GIVE_MIN_ACCOUNT_AGE: SettingSpec[int] = SettingSpec(
    SCOPE, "give_min_account_age", SettingType.DURATION, 7 * DAY,
    "How old a Discord account must be before it can /give points (stops fresh alt accounts).",
    validator=int_range(0, 365 * DAY))
POINTS_GIVE_MIN_MEMBERSHIP: SettingSpec[int] = SettingSpec(
    SCOPE, "give_min_membership", SettingType.DURATION, DAY,
    "How long a member must have been on the server before they can /give points.",
    validator=int_range(0, 365 * DAY))
POINTS_LOG_CHANNEL: SettingSpec[int | None] = SettingSpec(
    SCOPE, "log_channel", SettingType.CHANNEL, None,
    "Where custom shop rewards wait for staff (Approve / Refuse buttons) and staff grants are logged "
    "(unset = `system.log_channel`).")
POINTS_STAFF_ROLE: SettingSpec[int | None] = SettingSpec(
    SCOPE, "staff_role", SettingType.ROLE, None,
    "Role that may approve or refuse custom shop rewards (besides Manage Server; unset = `system.staff_role`).")

SETTINGS: tuple[SettingSpec, ...] = (
    POINTS_ENABLED, POINTS_MESSAGE_POINTS, POINTS_MESSAGE_COOLDOWN, POINTS_IGNORED_CHANNELS, POINTS_LEVEL_UP_POINTS,
    POINTS_CHALLENGE_WIN_POINTS, POINTS_GIVE_DAILY_CAP, POINTS_GIVE_MIN_ACCOUNT_AGE, POINTS_GIVE_MIN_MEMBERSHIP,
    POINTS_LOG_CHANNEL, POINTS_STAFF_ROLE,
)
