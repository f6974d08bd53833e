"""Voice states: members connecting to voice channels, muting and deafening themselves or being server-muted by a
moderator, and hanging up (discord.com/developers/docs/resources/voice#voice-state-object, Gateway Events:
VOICE_STATE_UPDATE). A minimal version for the levels tests; the server-logs branch adds the same
``voice_join``/``voice_leave`` (and ``voice_move``) in ``server_events.py`` — when both land, keep one copy of
those and this module's ``voice_set``.

Like Discord, every change sends VOICE_STATE_UPDATE with the whole voice state and the member (``channel_id`` null
once they left); GUILD_CREATE lists the connected members' voice states (without ``member``). Connecting needs
**Connect** in the channel; a server mute needs **Mute Members**, a server deafen **Deafen Members** (audit entry 24
and GUILD_MEMBER_UPDATE, as the member's ``mute``/``deaf`` change). Synchronous: ``await standin.settle()`` after.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from . import moderation
from . import permissions as P
from .models import VOICE, Channel, Member, VoiceState

if TYPE_CHECKING:
    from .state import GuildState

MUTE_MEMBERS = 1 << 22
DEAFEN_MEMBERS = 1 << 23


def _require(guild: GuildState, who: Member, bit: int, channel: Channel | None = None) -> None:
    have = P.channel_permissions(guild, who, channel)
    if not have & bit:
        raise PermissionError(f"{who.user.username} lacks the permission ({bit:#x}) in {guild.name}")


class GuildVoice:
    """Mixed into ``GuildState``: ``voice_states`` holds who is connected where (user id → state)."""

    voice_states: dict[int, VoiceState]

    def voice_state_payload(self: GuildState, state: VoiceState | None, member: Member,  # type: ignore[misc]
                            *, with_member: bool = True) -> dict[str, Any]:
        """A voice state object (``channel_id`` None once they left)."""
        data: dict[str, Any] = {
            "guild_id": str(self.id),
            "channel_id": str(state.channel_id) if state else None,
            "user_id": str(member.id),
            "session_id": state.session_id if state else uuid.uuid4().hex,
            "deaf": member.deaf,
            "mute": member.mute,
            "self_deaf": state.self_deaf if state else False,
            "self_mute": state.self_mute if state else False,
            "self_video": False,
            "suppress": False,
            "request_to_speak_timestamp": None,
        }
        if with_member:
            data["member"] = self.world.member_payload(member)
        return data

    def voice_join(self: GuildState, member: Member, channel: Channel, *,  # type: ignore[misc]
                   self_mute: bool = False, self_deaf: bool = False) -> None:
        """``member`` connects to the voice ``channel`` (needs Connect there), or switches to it themselves."""
        if channel.type != VOICE:
            raise ValueError(f"#{channel.name} is not a voice channel")
        _require(self, member, P.CONNECT, channel)
        state = self.voice_states.get(member.id)
        if state is None:
            state = VoiceState(member.id, channel.id, uuid.uuid4().hex, self_mute, self_deaf)
            self.voice_states[member.id] = state
        state.channel_id = channel.id
        self.world.emit("VOICE_STATE_UPDATE", self.voice_state_payload(state, member), self.id)

    def voice_set(self: GuildState, member: Member, *, self_mute: bool | None = None,  # type: ignore[misc]
                  self_deaf: bool | None = None, mute: bool | None = None, deaf: bool | None = None,
                  by: Member | None = None) -> None:
        """A connected ``member`` (un)mutes or (un)deafens themselves (``self_mute``, ``self_deaf``), or ``by`` server
        mutes or deafens them (``mute``, ``deaf``: Mute Members / Deafen Members, audit entry 24)."""
        state = self.voice_states[member.id]
        if mute is not None or deaf is not None:
            if by is None:
                raise ValueError("a server mute or deafen is done by someone (by=moderator)")
            _require(self, by, (MUTE_MEMBERS if mute is not None else 0) | (DEAFEN_MEMBERS if deaf is not None else 0),
                     self.world.channels[state.channel_id])
            fields = {key: value for key, value in (("mute", mute), ("deaf", deaf)) if value is not None}
            moderation.update_member(self, member, by.id, None, fields)
        if self_mute is not None:
            state.self_mute = self_mute
        if self_deaf is not None:
            state.self_deaf = self_deaf
        self.world.emit("VOICE_STATE_UPDATE", self.voice_state_payload(state, member), self.id)

    def voice_leave(self: GuildState, member: Member) -> None:  # type: ignore[misc]
        """``member`` hangs up: VOICE_STATE_UPDATE with ``channel_id`` null."""
        state = self.voice_states.pop(member.id)
        self.world.emit("VOICE_STATE_UPDATE", {**self.voice_state_payload(state, member), "channel_id": None},
                        self.id)
