"""Voice states: members connecting to voice channels, muting and deafening themselves or being server-muted by a
moderator, and hanging up (discord.com/developers/docs/resources/voice#voice-state-object, Gateway Events:
VOICE_STATE_UPDATE): connecting, switching, being moved or disconnected by a moderator, muting and deafening.

Like Discord, every change sends VOICE_STATE_UPDATE with the whole voice state and the member (``channel_id`` null
once they left); GUILD_CREATE lists the connected members' voice states (without ``member``). Connecting needs
**Connect** in the channel; a server mute needs **Mute Members**, a server deafen **Deafen Members** (audit entry 24
and GUILD_MEMBER_UPDATE, as the member's ``mute``/``deaf`` change); moving or disconnecting someone else needs **Move
Members** (audit entries 26 and 27). Synchronous: ``await standin.settle()`` after.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from . import audit, moderation
from . import permissions as P
from .models import VOICE, Channel, Member, VoiceState

if TYPE_CHECKING:
    from .state import GuildState

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
            needed = (P.MUTE_MEMBERS if mute is not None else 0) | (P.DEAFEN_MEMBERS if deaf is not None else 0)
            _require(self, by, needed, self.world.channels[state.channel_id])
            fields = {key: value for key, value in (("mute", mute), ("deaf", deaf)) if value is not None}
            moderation.update_member(self, member, by.id, None, fields)
        if self_mute is not None:
            state.self_mute = self_mute
        if self_deaf is not None:
            state.self_deaf = self_deaf
        self.world.emit("VOICE_STATE_UPDATE", self.voice_state_payload(state, member), self.id)

    def voice_move(self: GuildState, member: Member, channel: Channel, *, by: Member) -> None:  # type: ignore[misc]
        """``by`` (Move Members) drags a connected ``member`` into ``channel``: VOICE_STATE_UPDATE, audit 26."""
        _require(self, by, P.MOVE_MEMBERS, channel)
        state = self.voice_states[member.id]
        state.channel_id = channel.id
        self.world.emit("VOICE_STATE_UPDATE", self.voice_state_payload(state, member), self.id)
        audit.record(self, audit.MEMBER_MOVE, by.id, None, options={"channel_id": str(channel.id), "count": "1"})

    def voice_leave(self: GuildState, member: Member, *, by: Member | None = None) -> None:  # type: ignore[misc]
        """``member`` hangs up (or ``by`` with Move Members disconnects them, audit 27): VOICE_STATE_UPDATE with
        ``channel_id`` null."""
        if by is not None:
            _require(self, by, P.MOVE_MEMBERS)
        state = self.voice_states.pop(member.id)
        self.world.emit("VOICE_STATE_UPDATE", {**self.voice_state_payload(state, member), "channel_id": None},
                        self.id)
        if by is not None:
            audit.record(self, audit.MEMBER_DISCONNECT, by.id, None, options={"count": "1"})
