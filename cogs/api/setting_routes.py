"""`/api/v1/guilds/{guild_id}/settings…`: the server's settings, read and changed with an API key.

- `GET …/settings` and `GET …/settings/{scope}/{key}` (read key): values as `/config list` and `/config get` show
  them.
- `PUT …/settings/{scope}/{key}` (write key) with `{"value": …}`: through `core.setting_values.set_checked`, the
  gate of `/config set` and the dashboard, as the key's creator (cogs/api/acting.py), recorded as change type `api`.
- `DELETE …/settings/{scope}/{key}` (write key): back to the default, as `/config reset`.
- `GET …/settings/history` (read key, paged) and `POST …/settings/history/{id}/rollback` (write key): the history,
  and a rollback through `core.setting_values.rollback_checked`, the code of `/config rollback`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends

from cogs.api.acting import record
from cogs.api.models import HistoryPage, SettingChangeOut, SettingIn, SettingOut, SettingsOut
from cogs.config.values import format_effective
from core.api_keys import ApiError
from core.api_paging import PageRequest, page_request, paged
from core.api_routes import ERRORS, WRITE_ERRORS, Read, Write, acting_member
from core.guild_settings import HistoryEntry
from core.http_api import Routes
from core.setting_values import already_stored, rollback_checked, set_checked, validate_setting
from core.settings_registry import InvalidSettingValue, SettingSpec, SettingType
from utils.errors import DATABASE_ERRORS, UserFacingError

BASE = "/api/v1/guilds/{guild_id}/settings"
TAGS = ["settings"]
ID_TYPES = (SettingType.CHANNEL, SettingType.ROLE, SettingType.CHANNELS)
UNAVAILABLE = ApiError(503, "temporarily unavailable, retry later")


def shown(kind: SettingType, value: Any) -> Any:
    """A value as the API gives it: ids as strings; everything else as stored."""
    if value is None or kind not in ID_TYPES:
        return value
    return [str(item) for item in value] if isinstance(value, list) else str(value)


def _typed_id(value: Any) -> Any:
    return int(value) if isinstance(value, str) and value.isdigit() else value


def received(spec: SettingSpec, value: Any) -> Any:
    """A value as a client sends it, typed for `validate_setting`: ids may come as strings."""
    if spec.type in (SettingType.CHANNEL, SettingType.ROLE):
        return _typed_id(value)
    if spec.type is SettingType.CHANNELS and isinstance(value, list):
        return [_typed_id(item) for item in value]
    return value


def history_json(entry: HistoryEntry, spec: SettingSpec | None) -> dict[str, Any]:
    """One history entry as the API gives it."""
    kind = spec.type if spec else SettingType.JSON
    return {"id": str(entry.id), "scope": entry.scope, "key": entry.key, "old_value": shown(kind, entry.old_value),
            "new_value": shown(kind, entry.new_value), "change_type": entry.change_type,
            "changed_by": str(entry.changed_by) if entry.changed_by is not None else None,
            "changed_at": entry.changed_at}


class SettingRoutes:
    """The settings routes (the api cog adds them to its router)."""

    def __init__(self, bot: Any) -> None:
        self.bot = bot

    def add_to(self, router: Routes) -> None:
        """Declare the routes on `router` (fixed paths before `{scope}/{key}`)."""
        add = router.add_api_route
        add(BASE, self.all, methods=["GET"], tags=TAGS, response_model=SettingsOut, responses=ERRORS,
            summary="Every setting of the server (read key)")
        add(f"{BASE}/history", self.history, methods=["GET"], tags=TAGS, response_model=HistoryPage,
            responses=ERRORS, summary="The settings history, newest first, paged (read key)")
        add(f"{BASE}/history/{{entry_id}}/rollback", self.rollback, methods=["POST"], tags=TAGS,
            response_model=SettingChangeOut, responses=WRITE_ERRORS,
            summary="Give a setting back the value a history entry set, as /config rollback (write key)")
        add(f"{BASE}/{{scope}}/{{key}}", self.one, methods=["GET"], tags=TAGS, response_model=SettingOut,
            responses=WRITE_ERRORS, summary="One setting (read key)")
        add(f"{BASE}/{{scope}}/{{key}}", self.put, methods=["PUT"], tags=TAGS, response_model=SettingChangeOut,
            responses=WRITE_ERRORS, summary="Change a setting, as /config set (write key)")
        add(f"{BASE}/{{scope}}/{{key}}", self.delete, methods=["DELETE"], tags=TAGS, response_model=SettingChangeOut,
            responses=WRITE_ERRORS, summary="Reset a setting to its default, as /config reset (write key)")

    # --- reading -------------------------------------------------------------------------------------------

    async def _stored(self, guild_id: int) -> dict[tuple[str, str], Any]:
        try:
            return await self.bot.guild_settings.stored(guild_id)
        except DATABASE_ERRORS:
            raise UNAVAILABLE from None

    def _spec(self, scope: str, key: str) -> SettingSpec:
        spec = self.bot.settings_registry.get(scope, key)
        if spec is None:
            raise ApiError(404, f"there is no setting {scope}.{key}; GET …/settings lists them all")
        return spec

    @staticmethod
    def _setting(spec: SettingSpec, stored: dict[tuple[str, str], Any]) -> dict[str, Any]:
        value = stored.get((spec.scope, spec.key), spec.default)
        return {"scope": spec.scope, "key": spec.key, "value": shown(spec.type, value), "type": spec.type.value,
                "default": (spec.scope, spec.key) not in stored, "default_value": shown(spec.type, spec.default),
                "description": spec.description}

    async def all(self, guild_id: int, key: Read) -> dict[str, Any]:
        """Every setting's value, and whether it is the default."""
        stored = await self._stored(key.guild_id)
        settings = {}
        for spec in self.bot.settings_registry.all():
            value = stored.get((spec.scope, spec.key), spec.default)
            settings[spec.qualified] = {"value": shown(spec.type, value), "type": spec.type.value,
                                        "default": (spec.scope, spec.key) not in stored}
        return {"guild_id": str(key.guild_id), "settings": settings}

    async def one(self, guild_id: int, scope: str, key: str, api_key: Read) -> dict[str, Any]:
        """One setting: its value, type, default and description."""
        spec = self._spec(scope, key)
        return self._setting(spec, await self._stored(api_key.guild_id))

    async def history(self, guild_id: int, key: Read,
                      page: Annotated[PageRequest, Depends(page_request)]) -> dict[str, Any]:
        """The settings history, newest first."""
        try:
            entries = await self.bot.guild_settings.history_before(key.guild_id, page.before, page.limit + 1)
        except DATABASE_ERRORS:
            raise UNAVAILABLE from None
        registry = self.bot.settings_registry
        return paged([history_json(e, registry.get(e.scope, e.key)) for e in entries], page,
                     cursor=lambda item: item["id"])

    # --- changing ------------------------------------------------------------------------------------------

    async def put(self, guild_id: int, scope: str, key: str, body: SettingIn, api_key: Write) -> dict[str, Any]:
        """Set a value through the gate of /config set, as the key's creator."""
        spec = self._spec(scope, key)
        member = acting_member(self.bot, api_key)
        if body.value is None:
            raise ApiError(422, f"a value is required for {spec.qualified}; DELETE the setting to reset it to its "
                                "default")
        value = received(spec, body.value)
        try:
            checked = validate_setting(spec, member.guild, value, member)
            if await already_stored(self.bot.guild_settings, member.guild.id, spec, checked, member.id):
                return {"setting": self._setting(spec, await self._stored(api_key.guild_id)), "changed": False,
                        "history_id": None}
            changes = await set_checked(self.bot, member.guild, member, scope, {key: checked}, change_type="api")
        except (InvalidSettingValue, UserFacingError) as exc:
            raise ApiError(422, str(exc).replace("`", "")) from None
        except DATABASE_ERRORS:
            raise UNAVAILABLE from None
        change = changes[0]
        await record(self.bot, member, api_key, "settings", f"a setting: `{spec.qualified}`: "
                     f"{format_effective(spec, change.old)} → {format_effective(spec, change.new)}")
        return {"setting": self._setting(spec, await self._stored(api_key.guild_id)), "changed": True,
                "history_id": str(change.history_id)}

    async def delete(self, guild_id: int, scope: str, key: str, api_key: Write) -> dict[str, Any]:
        """Reset to the default, as /config reset."""
        spec = self._spec(scope, key)
        member = acting_member(self.bot, api_key)
        try:
            change = await self.bot.guild_settings.reset(api_key.guild_id, scope, key, changed_by=member.id)
        except DATABASE_ERRORS:
            raise UNAVAILABLE from None
        if change is not None:
            await record(self.bot, member, api_key, "settings", f"a setting: `{spec.qualified}` reset: "
                         f"{format_effective(spec, change.old)} → {format_effective(spec, None)}")
        return {"setting": self._setting(spec, await self._stored(api_key.guild_id)), "changed": change is not None,
                "history_id": str(change.history_id) if change else None}

    async def rollback(self, guild_id: int, entry_id: int, api_key: Write) -> dict[str, Any]:
        """Give a setting back the value a history entry set: `rollback_checked`, the code of /config rollback."""
        member = acting_member(self.bot, api_key)
        try:
            done = await rollback_checked(self.bot, member.guild, member, entry_id)
        except UserFacingError as exc:
            status = 404 if str(exc).startswith(f"There is no history entry #{entry_id}") else 422
            raise ApiError(status, str(exc).replace("`", "").split("\nExample:")[0]) from None
        except DATABASE_ERRORS:
            raise UNAVAILABLE from None
        spec, change = done.spec, done.change
        if change is not None:
            await record(self.bot, member, api_key, "settings", f"a setting: `{spec.qualified}` rolled back to entry "
                         f"#{entry_id}: {format_effective(spec, change.old)} → {format_effective(spec, change.new)}")
        return {"setting": self._setting(spec, await self._stored(api_key.guild_id)), "changed": change is not None,
                "history_id": str(change.history_id) if change else None}
