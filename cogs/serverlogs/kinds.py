"""The kinds of server events, each posted to its own log channel (or not logged)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from cogs.serverlogs.settings import (
    LOGS_MEMBERS_CHANNEL,
    LOGS_MESSAGES_CHANNEL,
    LOGS_MODERATION_CHANNEL,
    LOGS_SERVER_CHANNEL,
    LOGS_VOICE_CHANNEL,
)
from core.settings_registry import SettingSpec


class Kind(StrEnum):
    """A kind of event: where it is logged is the setting `logs.<kind>_channel`."""

    MESSAGES = "messages"
    MEMBERS = "members"
    MODERATION = "moderation"
    SERVER = "server"
    VOICE = "voice"


@dataclass(frozen=True)
class KindInfo:
    """What a kind covers, in words, and its channel setting."""

    spec: SettingSpec[Any]
    covers: str


KINDS: dict[Kind, KindInfo] = {
    Kind.MESSAGES: KindInfo(LOGS_MESSAGES_CHANNEL, "edited, deleted and bulk-deleted messages"),
    Kind.MEMBERS: KindInfo(LOGS_MEMBERS_CHANNEL, "joins, leaves, roles, nicknames, avatars"),
    Kind.MODERATION: KindInfo(LOGS_MODERATION_CHANNEL, "bans, unbans, timeouts"),
    Kind.SERVER: KindInfo(LOGS_SERVER_CHANNEL, "channels, roles, emojis, threads"),
    Kind.VOICE: KindInfo(LOGS_VOICE_CHANNEL, "voice joins, leaves and moves"),
}
CHANNEL_SPECS: tuple[SettingSpec[Any], ...] = tuple(info.spec for info in KINDS.values())
