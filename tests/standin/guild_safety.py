"""Editing the guild itself (Discord's "Modify Guild"): the verification level and the mutable guild features,
among them ``INVITES_DISABLED`` (invites paused), whether the bot does it (``PATCH /guilds/{id}``) or an admin in
Server Settings (``GuildSafety`` helpers on ``GuildState``).

As Discord documents it: Modify Guild needs Manage Server; ``verification_level`` is 0 (none) to 4 (highest);
``features`` is the whole list, of which only the mutable features may change — ``INVITES_DISABLED`` and
``RAID_ALERTS_DISABLED`` with Manage Server, ``COMMUNITY`` and ``DISCOVERABLE`` with Administrator — and the
others stay as they are. A change sends GUILD_UPDATE (the guild object) and, for the verification level, an audit
log entry GUILD_UPDATE (type 1) whose target is the guild. While ``INVITES_DISABLED`` is set nobody joins through
an invite (``GuildState.join`` raises).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import audit
from . import permissions as P
from .limits import ApiError, form_error, missing_permissions

if TYPE_CHECKING:
    from .models import Member
    from .state import GuildState

GUILD_UPDATE = 1  # audit log action type
VERIFICATION_LEVELS = range(5)  # none, low, medium, high, very high
MUTABLE_FEATURES = {"INVITES_DISABLED": P.MANAGE_GUILD, "RAID_ALERTS_DISABLED": P.MANAGE_GUILD,
                    "COMMUNITY": P.ADMINISTRATOR, "DISCOVERABLE": P.ADMINISTRATOR}
MODELLED = ("name", "verification_level", "features")


def _allowed(permissions: int, needed: int) -> bool:
    return bool(permissions & P.ADMINISTRATOR) or bool(permissions & needed)


def modify(guild: GuildState, body: dict[str, Any], *, actor_id: int, permissions: int,
           reason: str | None = None) -> dict[str, Any]:
    """Apply a Modify Guild body for ``actor_id`` holding ``permissions`` (guild-wide); the updated guild object.
    Raises ``ApiError`` as Discord answers (403 50013 without the permission, 400 50035 for a bad value)."""
    if not _allowed(permissions, P.MANAGE_GUILD):
        raise missing_permissions()
    unknown = [key for key in body if key not in MODELLED]
    if unknown:
        raise form_error([unknown[0]], "STANDIN_NOT_MODELLED",
                         f"standin: Modify Guild field {unknown[0]!r} is not modelled")
    before = {"name": guild.name, "verification_level": guild.verification_level}
    if "name" in body:
        name = str(body["name"] or "")
        if not 2 <= len(name) <= 100:
            raise form_error(["name"], "BASE_TYPE_BAD_LENGTH", "Must be between 2 and 100 in length.")
    if "verification_level" in body:
        level = body["verification_level"]
        if not isinstance(level, int) or level not in VERIFICATION_LEVELS:
            raise form_error(["verification_level"], "BASE_TYPE_CHOICES",
                             f"Value must be one of {set(VERIFICATION_LEVELS)}.")
    features = list(guild.features)
    if "features" in body:
        wanted = set(body["features"] or [])
        for feature, needed in MUTABLE_FEATURES.items():
            if (feature in wanted) != (feature in features):
                if not _allowed(permissions, needed):
                    raise missing_permissions()
                if feature in wanted:
                    features.append(feature)
                else:
                    features.remove(feature)
    if "name" in body:
        guild.name = str(body["name"])
    if "verification_level" in body:
        guild.verification_level = int(body["verification_level"])
    guild.features = features
    data = guild.payload(create=False)
    guild.world.emit("GUILD_UPDATE", data, guild.id)
    changes = audit.diff(before, {"name": guild.name, "verification_level": guild.verification_level})
    if changes:
        audit.record(guild, GUILD_UPDATE, actor_id, guild.id, reason=reason, changes=changes)
    return data


class GuildSafety:
    """Mixed into ``GuildState``: an admin changing the server's safety settings in Server Settings."""

    def set_verification_level(self: GuildState, level: int, *, by: Member, reason: str | None = None) -> None:  # type: ignore[misc]
        """``by`` sets the verification level (0–4) in Server Settings → Safety Setup: GUILD_UPDATE, audit entry
        1. Raises PermissionError without Manage Server."""
        self._edit_as(by, {"verification_level": level}, reason)

    def pause_invites(self: GuildState, paused: bool = True, *, by: Member) -> None:  # type: ignore[misc]
        """``by`` pauses (or resumes) invites from the server menu: the INVITES_DISABLED feature, GUILD_UPDATE.
        Raises PermissionError without Manage Server."""
        features = set(self.features) | {"INVITES_DISABLED"} if paused else set(self.features) - {"INVITES_DISABLED"}
        self._edit_as(by, {"features": sorted(features)}, None)

    @property
    def invites_paused(self: GuildState) -> bool:  # type: ignore[misc]
        """Whether invites are paused (the INVITES_DISABLED feature)."""
        return "INVITES_DISABLED" in self.features

    def _edit_as(self: GuildState, by: Member, body: dict[str, Any], reason: str | None) -> None:  # type: ignore[misc]
        permissions = P.base_permissions(self, by)
        try:
            modify(self, body, actor_id=by.id, permissions=permissions, reason=reason)
        except ApiError as exc:
            if exc.status == 403:
                raise PermissionError(f"{by.user.username} may not change the server's settings") from exc
            raise
