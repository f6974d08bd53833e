"""The raid protection settings (scope `raid`): what makes a raid, what the brake does, when an incident ends, and the
cross-member mention brake."""

from __future__ import annotations

from core.settings_registry import SettingSpec, SettingType, int_range

DAY = 86400
LEVELS = ("off", "low", "medium", "high", "highest")  # the verification level a raid raises the server to

RAID_ENABLED: SettingSpec[bool] = SettingSpec(
    "raid", "enabled", SettingType.BOOL, False,
    "Watch the join rate and brake when a raid starts (alert, and the actions below).")
RAID_JOIN_THRESHOLD: SettingSpec[int] = SettingSpec(
    "raid", "join_threshold", SettingType.INT, 10,
    "How many joins (weighted: see young_account_weight, default_avatar_weight) within join_window make a raid.",
    validator=int_range(2, 1000))
RAID_JOIN_WINDOW: SettingSpec[int] = SettingSpec(
    "raid", "join_window", SettingType.DURATION, 10,
    "The window the join threshold is counted in (e.g. 10s, 1m).", validator=int_range(1, 3600))
RAID_YOUNG_ACCOUNT_AGE: SettingSpec[int] = SettingSpec(
    "raid", "young_account_age", SettingType.DURATION, 7 * DAY,
    "Accounts younger than this count more in the join rate.", validator=int_range(0, 365 * DAY))
RAID_YOUNG_ACCOUNT_WEIGHT: SettingSpec[float] = SettingSpec(
    "raid", "young_account_weight", SettingType.FLOAT, 1.0,
    "What a young account adds to its join (a join counts 1).", validator=int_range(0, 10))
RAID_DEFAULT_AVATAR_WEIGHT: SettingSpec[float] = SettingSpec(
    "raid", "default_avatar_weight", SettingType.FLOAT, 0.5,
    "What an account with Discord's default avatar adds to its join.", validator=int_range(0, 10))
RAID_VERIFICATION_LEVEL: SettingSpec[str] = SettingSpec(
    "raid", "verification_level", SettingType.TEXT, "high",
    "The verification level a raid raises the server to (never lowers it); off = leave it.", choices=LEVELS)
RAID_PAUSE_INVITES: SettingSpec[bool] = SettingSpec(
    "raid", "pause_invites", SettingType.BOOL, True,
    "Pause the server's invites during a raid.")
RAID_TIMEOUT_JOINERS: SettingSpec[bool] = SettingSpec(
    "raid", "timeout_joiners", SettingType.BOOL, True,
    "Time out the accounts that joined in the raid window and while the raid is on.")
RAID_TIMEOUT_DURATION: SettingSpec[int] = SettingSpec(
    "raid", "timeout_duration", SettingType.DURATION, 3600,
    "How long raid protection times members out.", validator=int_range(60, 28 * DAY))
RAID_QUIET_PERIOD: SettingSpec[int] = SettingSpec(
    "raid", "quiet_period", SettingType.DURATION, 600,
    "An incident ends after this long without a join (or, for a mention wave, without a new mentioner).",
    validator=int_range(60, DAY))
RAID_RESTORE_ON_END: SettingSpec[bool] = SettingSpec(
    "raid", "restore_on_end", SettingType.BOOL, True,
    "When an incident ends, put the verification level and invites back as they were (timeouts run out).")
RAID_LOG_CHANNEL: SettingSpec[int | None] = SettingSpec(
    "raid", "log_channel", SettingType.CHANNEL, None,
    "Where raid alerts go (default: the system log channel).")
RAID_MENTION_BRAKE: SettingSpec[bool] = SettingSpec(
    "raid", "mention_brake", SettingType.BOOL, False,
    "Watch for many mentions from different members in a short time (a wave of accounts pinging people).")
RAID_MENTION_THRESHOLD: SettingSpec[int] = SettingSpec(
    "raid", "mention_threshold", SettingType.INT, 15,
    "How many mentions within mention_window make a mention wave.", validator=int_range(2, 1000))
RAID_MENTION_MEMBERS: SettingSpec[int] = SettingSpec(
    "raid", "mention_members", SettingType.INT, 3,
    "How many different members the mentions must come from.", validator=int_range(2, 100))
RAID_MENTION_WINDOW: SettingSpec[int] = SettingSpec(
    "raid", "mention_window", SettingType.DURATION, 30,
    "The window the mention threshold is counted in.", validator=int_range(1, 3600))
RAID_MENTION_TIMEOUT: SettingSpec[bool] = SettingSpec(
    "raid", "mention_timeout", SettingType.BOOL, True,
    "Time out the mentioners of a wave who joined recently (see recent_join), and those who mention while it is on.")
RAID_RECENT_JOIN: SettingSpec[int] = SettingSpec(
    "raid", "recent_join", SettingType.DURATION, DAY,
    "Members who joined less than this long ago count as new for the mention brake.",
    validator=int_range(60, 90 * DAY))

SETTINGS: tuple[SettingSpec, ...] = (
    RAID_ENABLED, RAID_JOIN_THRESHOLD, RAID_JOIN_WINDOW, RAID_YOUNG_ACCOUNT_AGE, RAID_YOUNG_ACCOUNT_WEIGHT,
    RAID_DEFAULT_AVATAR_WEIGHT, RAID_VERIFICATION_LEVEL, RAID_PAUSE_INVITES, RAID_TIMEOUT_JOINERS,
    RAID_TIMEOUT_DURATION, RAID_QUIET_PERIOD, RAID_RESTORE_ON_END, RAID_LOG_CHANNEL, RAID_MENTION_BRAKE,
    RAID_MENTION_THRESHOLD, RAID_MENTION_MEMBERS, RAID_MENTION_WINDOW, RAID_MENTION_TIMEOUT, RAID_RECENT_JOIN,
)
