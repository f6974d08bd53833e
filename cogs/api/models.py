"""The JSON shapes of the `/api/v1` routes of the api cog, as pydantic models: they document the answers in the
OpenAPI schema and check the request bodies. Discord ids are strings (JavaScript numbers cannot hold them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field


class SettingOut(BaseModel):
    """One setting of the server."""

    scope: str
    key: str
    value: Any = Field(description="The value in force (the default when none is stored); ids as strings")
    type: str = Field(description="The setting's type (see docs/settings.md)")
    default: bool = Field(description="Whether the default is in force")
    default_value: Any
    description: str


class SettingsOut(BaseModel):
    """Every setting of the server, by `scope.key`."""

    guild_id: str
    settings: dict[str, dict[str, Any]] = Field(description='`{"value": …, "type": …, "default": bool}` each')


class SettingIn(BaseModel):
    """A new value, typed as the setting's type: text, number, true/false, a channel or role id (a string or a
    number), a list of channel ids, JSON."""

    value: Any = Field(description="The new value (null is refused: DELETE resets to the default)")


class SettingChangeOut(BaseModel):
    """The setting after a change, and the history entry the change made (none when nothing changed)."""

    setting: SettingOut
    changed: bool
    history_id: str | None = None


class HistoryEntryOut(BaseModel):
    """One entry of the settings history (`/config history`)."""

    id: str
    scope: str
    key: str
    old_value: Any
    new_value: Any = Field(description="The value set (null: reset to the default)")
    change_type: str = Field(description="created, updated, deleted, rollback, import, dashboard, api …")
    changed_by: str | None
    changed_at: datetime


class HistoryPage(BaseModel):
    """A page of the history, newest first; `next` is the cursor of the following page (null: no more)."""

    items: list[HistoryEntryOut]
    next: str | None


class RuleOut(BaseModel):
    """A command permission rule (`/config permissions`)."""

    id: str
    command: str = Field(description="A command's qualified name, a group, or * for every command")
    target_type: Literal["member", "role", "channel", "server"]
    target_id: str = Field(description="The member, role or channel; the server's id for the server default")
    allow: bool
    words: str = Field(description="The rule in words")


class RuleIn(BaseModel):
    """A rule to add (or change: one rule per command and target)."""

    command: str = Field(min_length=1, max_length=100, description="e.g. `tag get`, `ticket`, or `*`")
    allow: bool
    target_type: Literal["member", "role", "channel", "server"] = "server"
    target_id: str | None = Field(default=None, description="The member, role or channel id (none for server)")


class RulePage(BaseModel):
    """A page of rules, newest first."""

    items: list[RuleOut]
    next: str | None


class CooldownOut(BaseModel):
    """A command cooldown: at most `uses` per `per_seconds` per member."""

    command: str
    uses: int
    per_seconds: int


class CooldownsOut(BaseModel):
    """The server's cooldowns (never more than its commands: one page)."""

    items: list[CooldownOut]
    next: str | None = None


class CooldownIn(BaseModel):
    """A cooldown to set."""

    uses: int = Field(ge=1, description="Uses per period per member")
    per: str = Field(min_length=1, max_length=20, description="The period, e.g. 30s, 10m, 1h (at most a day)")


class ModuleOut(BaseModel):
    """A module and whether it is on in this server."""

    name: str
    label: str
    summary: str
    on: bool


class ModulesOut(BaseModel):
    """Every module of the bot (one page)."""

    items: list[ModuleOut]
    next: str | None = None


class ModuleIn(BaseModel):
    """Switch a module."""

    on: bool


class ModuleChangeOut(BaseModel):
    """The module after the switch."""

    module: ModuleOut
    changed: bool


class AuditEntryOut(BaseModel):
    """One recorded command use (the audit tracker)."""

    id: str
    user_id: str
    command: str
    kind: str = Field(description="slash, context_menu, dashboard, api …")
    success: bool | None
    error: str | None
    created_at: datetime


class AuditPage(BaseModel):
    """A page of the audit log, newest first."""

    items: list[AuditEntryOut]
    next: str | None
