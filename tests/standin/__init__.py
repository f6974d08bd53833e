"""A Discord stand-in for end-to-end tests of discord.py bots (see README.md)."""

from .errors import CapturedError, ExpectErrors
from .interactions import InteractionResult
from .limits import ApiError
from .models import Attachment, Channel, Member, Message, Role, User
from .server import FailureRule, RecordedRequest
from .standin import SettleTimeout, StandIn
from .state import GuildState, World

__all__ = [
    "ApiError",
    "Attachment",
    "CapturedError",
    "Channel",
    "ExpectErrors",
    "FailureRule",
    "GuildState",
    "InteractionResult",
    "Member",
    "Message",
    "RecordedRequest",
    "Role",
    "SettleTimeout",
    "StandIn",
    "User",
    "World",
]
