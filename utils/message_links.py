"""Message links (right-click a message → Copy Message Link): reading one that must point into a given server."""

from __future__ import annotations

import re
from dataclasses import dataclass

from utils.errors import BadInput

LINK = re.compile(r"https?://(?:(?:ptb|canary)\.)?discord(?:app)?\.com/channels/(?P<guild>\d+|@me)/"
                  r"(?P<channel>\d+)/(?P<message>\d+)/?")


@dataclass(frozen=True)
class MessageLink:
    """Where a message link points."""

    guild_id: int
    channel_id: int
    message_id: int


def parse_message_link(text: str, guild_id: int, *, example: str) -> MessageLink:
    """The message `text` links to, which must be in the server `guild_id`; `BadInput` for anything else."""
    match = LINK.fullmatch(text.strip())
    if match is None:
        raise BadInput("That is not a message link: right-click the message (or long-press it) and pick **Copy "
                       "Message Link**, then paste it here.", example=example)
    if match["guild"] == "@me" or int(match["guild"]) != guild_id:
        raise BadInput("That message is not on this server: link a message of this server.", example=example)
    return MessageLink(guild_id, int(match["channel"]), int(match["message"]))
