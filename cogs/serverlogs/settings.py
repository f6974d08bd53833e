"""The server log settings (scope `logs`): one channel per kind of event, what is ignored, when an account is new.

`/config logs …` changes them too (`cogs/serverlogs/commands.py`), through the same gate as `/config set`.
"""

from __future__ import annotations

from typing import Any

from core.settings_registry import SettingSpec, SettingType, int_range

SCOPE = "logs"
MAX_IGNORED_ROLES = 50


def _role_ids(value: Any) -> str | None:
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        return "must be a JSON list of role ids, e.g. [123456789012345678]; `/config logs ignore role:` is easier."
    if len(value) > MAX_IGNORED_ROLES:
        return f"at most {MAX_IGNORED_ROLES} roles."
    return None


def _kind_channel(kind: str, what: str) -> SettingSpec[int | None]:
    return SettingSpec(SCOPE, f"{kind}_channel", SettingType.CHANNEL, None,
                       f"Where {what} are logged (not set: they are not logged).")


LOGS_MESSAGES_CHANNEL = _kind_channel("messages", "edited, deleted and bulk-deleted messages")
LOGS_MEMBERS_CHANNEL = _kind_channel(
    "members", "joins (account age, the invite), leaves (their roles), roles given or taken, nickname and avatar "
    "changes")
LOGS_MODERATION_CHANNEL = _kind_channel("moderation", "bans, unbans and timeouts (with the moderator)")
LOGS_SERVER_CHANNEL = _kind_channel("server", "channels, roles, emojis and threads created, deleted or changed")
LOGS_VOICE_CHANNEL = _kind_channel("voice", "members joining, leaving and moving between voice channels")
LOGS_IGNORE_CHANNELS: SettingSpec[list[int]] = SettingSpec(
    SCOPE, "ignore_channels", SettingType.CHANNELS, [],
    "Channels whose messages and threads are not logged (e.g. #bot-commands). The log channels themselves, the "
    "system and moderation log channels are never logged.")
LOGS_IGNORE_ROLES: SettingSpec[list[int]] = SettingSpec(
    SCOPE, "ignore_roles", SettingType.JSON, [],
    "Members with one of these roles are not logged (their messages, joins, leaves, changes and voice); bans, "
    "unbans and timeouts always are. A JSON list of role ids; `/config logs ignore role:` edits it.",
    validator=_role_ids)
LOGS_IGNORE_BOTS: SettingSpec[bool] = SettingSpec(
    SCOPE, "ignore_bots", SettingType.BOOL, True,
    "Leave out bots and webhooks (their messages, joins, changes and voice). The bot's own messages are never "
    "logged.")
LOGS_NEW_ACCOUNT_AGE: SettingSpec[int] = SettingSpec(
    SCOPE, "new_account_age", SettingType.DURATION, 7 * 86400,
    "A member whose Discord account is younger than this is flagged as new when they join.",
    validator=int_range(0, 365 * 86400))

SETTINGS: tuple[SettingSpec[Any], ...] = (
    LOGS_MESSAGES_CHANNEL, LOGS_MEMBERS_CHANNEL, LOGS_MODERATION_CHANNEL, LOGS_SERVER_CHANNEL, LOGS_VOICE_CHANNEL,
    LOGS_IGNORE_CHANNELS, LOGS_IGNORE_ROLES, LOGS_IGNORE_BOTS, LOGS_NEW_ACCOUNT_AGE,
)
