"""`/api/v1/guilds/{guild_id}/rules|cooldowns|modules`: command permission rules, cooldowns and module switches,
through the same code as `/config permissions` and `/config modules` (`bot.command_rules`, `core.command_lookup`,
`bot.modules.switch`), as the key's creator (cogs/api/acting.py)."""

from __future__ import annotations

from typing import Annotated, Any

import discord
from fastapi import Depends

from cogs.api.acting import record
from cogs.api.models import (
    CooldownIn,
    CooldownsOut,
    ModuleChangeOut,
    ModuleIn,
    ModulesOut,
    RuleIn,
    RuleOut,
    RulePage,
)
from cogs.api.setting_routes import UNAVAILABLE
from core.api_keys import ApiError
from core.api_paging import PageRequest, page_request, paged
from core.api_routes import ERRORS, WRITE_ERRORS, Read, Write, acting_member
from core.command_lookup import MAX_COOLDOWN_USES, cooldown_seconds, refusable, rule_command
from core.command_rules import Rule
from core.http_api import Routes
from utils.errors import DATABASE_ERRORS, UserFacingError

BASE = "/api/v1/guilds/{guild_id}"
EXAMPLE = '{"command": "tag get", "allow": false, "target_type": "role", "target_id": "<role id>"}'


def rule_json(rule: Rule) -> dict[str, Any]:
    """A rule as the API gives it."""
    return {"id": str(rule.id), "command": rule.command, "target_type": rule.target_type,
            "target_id": str(rule.target_id), "allow": rule.allow, "words": rule.describe().replace("`", "")}


def _target(guild: discord.Guild, kind: str, raw: str | None) -> int:
    """The id of the rule's target, checked to be on this server (the server default: the guild's id)."""
    if kind == "server":
        if raw not in (None, "", str(guild.id)):
            raise ApiError(422, "a server-wide rule has no target_id (leave it out)")
        return guild.id
    if raw is None or not raw.isdigit():
        raise ApiError(422, f"give the {kind}'s id as target_id (a string of digits)")
    target_id = int(raw)
    found = {"member": guild.get_member, "role": guild.get_role, "channel": guild.get_channel}[kind](target_id)
    if found is None or (kind == "role" and found.is_default()):
        raise ApiError(422, f"there is no {kind} with id {raw} on this server"
                            + (" (use target_type server for everyone)" if kind == "role" else ""))
    return target_id


class RuleRoutes:
    """The rules, cooldowns and modules routes (the api cog adds them to its router)."""

    def __init__(self, bot: Any) -> None:
        self.bot = bot

    def add_to(self, router: Routes) -> None:
        """Declare the routes on `router`."""
        add = router.add_api_route
        add(f"{BASE}/rules", self.rules, methods=["GET"], tags=["permissions"], response_model=RulePage,
            responses=ERRORS, summary="The command permission rules, newest first, paged (read key)")
        add(f"{BASE}/rules", self.add_rule, methods=["POST"], tags=["permissions"], response_model=RuleOut,
            status_code=201, responses=WRITE_ERRORS,
            summary="Allow or deny a command for a member, role, channel or everyone (write key)")
        add(f"{BASE}/rules/{{rule_id}}", self.remove_rule, methods=["DELETE"], tags=["permissions"],
            response_model=RuleOut, responses=WRITE_ERRORS, summary="Remove a rule (write key)")
        add(f"{BASE}/cooldowns", self.cooldowns, methods=["GET"], tags=["permissions"], response_model=CooldownsOut,
            responses=ERRORS, summary="The command cooldowns (read key)")
        add(f"{BASE}/cooldowns/{{command}}", self.set_cooldown, methods=["PUT"], tags=["permissions"],
            response_model=CooldownsOut, responses=WRITE_ERRORS, summary="Set a command's cooldown (write key)")
        add(f"{BASE}/cooldowns/{{command}}", self.remove_cooldown, methods=["DELETE"], tags=["permissions"],
            response_model=CooldownsOut, responses=WRITE_ERRORS, summary="Lift a command's cooldown (write key)")
        add(f"{BASE}/modules", self.modules, methods=["GET"], tags=["modules"], response_model=ModulesOut,
            responses=ERRORS, summary="Every module and whether it is on (read key)")
        add(f"{BASE}/modules/{{name}}", self.switch, methods=["PUT"], tags=["modules"],
            response_model=ModuleChangeOut, responses=WRITE_ERRORS,
            summary="Switch a module on or off, as /config modules (write key)")

    # --- rules ---------------------------------------------------------------------------------------------

    async def _guild_rules(self, guild_id: int) -> Any:
        try:
            return await self.bot.command_rules.of_guild(guild_id)
        except DATABASE_ERRORS:
            raise UNAVAILABLE from None

    def _command(self, typed: str) -> str:
        try:
            return rule_command(self.bot.tree, typed, example=EXAMPLE)
        except UserFacingError as exc:
            raise ApiError(422, str(exc).replace("`", "")) from None

    async def rules(self, guild_id: int, key: Read,
                    page: Annotated[PageRequest, Depends(page_request)]) -> dict[str, Any]:
        """The rules, newest first (one page)."""
        current = await self._guild_rules(key.guild_id)
        newest = sorted((r for r in current.rules if page.before is None or r.id < page.before),
                        key=lambda r: r.id, reverse=True)
        return paged([rule_json(rule) for rule in newest[:page.limit + 1]], page, cursor=lambda item: item["id"])

    async def add_rule(self, guild_id: int, body: RuleIn, key: Write) -> dict[str, Any]:
        """Allow or deny a command, validated as /config permissions allow|deny validates it."""
        member = acting_member(self.bot, key)
        name = self._command(body.command)
        try:
            refusable(name)
        except UserFacingError as exc:
            raise ApiError(422, str(exc)) from None
        target_id = _target(member.guild, body.target_type, body.target_id)
        rules = self.bot.command_rules
        try:
            await rules.set_rule(key.guild_id, name, body.target_type, target_id, body.allow, by=member.id)
            saved = next(r for r in (await rules.of_guild(key.guild_id)).rules
                         if (r.command, r.target_type, r.target_id) == (name, body.target_type, target_id))
        except DATABASE_ERRORS:
            raise UNAVAILABLE from None
        await record(self.bot, member, key, "permissions", f"a permission rule: Rule saved: {saved.describe()}")
        return rule_json(saved)

    async def remove_rule(self, guild_id: int, rule_id: int, key: Write) -> dict[str, Any]:
        """Remove one rule of this server by its id."""
        member = acting_member(self.bot, key)
        rule = next((r for r in (await self._guild_rules(key.guild_id)).rules if r.id == rule_id), None)
        if rule is None:
            raise ApiError(404, f"there is no rule {rule_id} on this server; GET …/rules lists them")
        try:
            await self.bot.command_rules.remove_rule(key.guild_id, rule.command, rule.target_type, rule.target_id)
        except DATABASE_ERRORS:
            raise UNAVAILABLE from None
        await record(self.bot, member, key, "permissions", f"a permission rule: Rule removed: {rule.describe()}")
        return rule_json(rule)

    # --- cooldowns -----------------------------------------------------------------------------------------

    async def _cooldowns(self, guild_id: int) -> dict[str, Any]:
        current = await self._guild_rules(guild_id)
        return {"items": [{"command": command, "uses": uses, "per_seconds": per}
                          for command, (uses, per) in sorted(current.cooldowns.items())], "next": None}

    async def cooldowns(self, guild_id: int, key: Read) -> dict[str, Any]:
        """Every cooldown of the server."""
        return await self._cooldowns(key.guild_id)

    async def set_cooldown(self, guild_id: int, command: str, body: CooldownIn, key: Write) -> dict[str, Any]:
        """Limit a command to `uses` per `per` per member, as /config permissions cooldown."""
        member = acting_member(self.bot, key)
        name = self._command(command)
        if body.uses > MAX_COOLDOWN_USES:
            raise ApiError(422, f"uses must be a whole number from 1 to {MAX_COOLDOWN_USES}")
        try:
            seconds = cooldown_seconds(body.per, example="30s, 10m or 1h")
        except UserFacingError as exc:
            raise ApiError(422, str(exc).replace("`", "")) from None
        try:
            await self.bot.command_rules.set_cooldown(key.guild_id, name, body.uses, seconds, by=member.id)
        except DATABASE_ERRORS:
            raise UNAVAILABLE from None
        await record(self.bot, member, key, "permissions", f"a cooldown: /{name} at most {body.uses} per {body.per}")
        return await self._cooldowns(key.guild_id)

    async def remove_cooldown(self, guild_id: int, command: str, key: Write) -> dict[str, Any]:
        """Lift a command's cooldown."""
        member = acting_member(self.bot, key)
        name = self._command(command)
        try:
            removed = await self.bot.command_rules.remove_cooldown(key.guild_id, name)
        except DATABASE_ERRORS:
            raise UNAVAILABLE from None
        if not removed:
            raise ApiError(404, f"/{name} has no cooldown on this server")
        await record(self.bot, member, key, "permissions", f"a cooldown: /{name} has none any more")
        return await self._cooldowns(key.guild_id)

    # --- modules -------------------------------------------------------------------------------------------

    async def _module_json(self, guild_id: int, module: Any) -> dict[str, Any]:
        return {"name": module.name, "label": module.label, "summary": module.summary,
                "on": await self.bot.modules.is_on(guild_id, module)}

    async def modules(self, guild_id: int, key: Read) -> dict[str, Any]:
        """Every module of this bot and whether it is on here."""
        try:
            return {"items": [await self._module_json(key.guild_id, m) for m in self.bot.modules.all()], "next": None}
        except DATABASE_ERRORS:
            raise UNAVAILABLE from None

    async def switch(self, guild_id: int, name: str, body: ModuleIn, key: Write) -> dict[str, Any]:
        """Turn a module on or off as the key's creator (`bot.modules.switch`, in /config history)."""
        member = acting_member(self.bot, key)
        module = self.bot.modules.get(name)
        if module is None:
            names = ", ".join(m.name for m in self.bot.modules.all())
            raise ApiError(404, f"there is no module {name[:50]}; modules: {names}")
        try:
            changed = await self.bot.modules.switch(key.guild_id, module, body.on, changed_by=member.id)
            shown = await self._module_json(key.guild_id, module)
        except DATABASE_ERRORS:
            raise UNAVAILABLE from None
        if changed:
            await record(self.bot, member, key, "modules", f"a module: {module.label} is now "
                                                            f"{'on' if body.on else 'off'}")
        return {"module": shown, "changed": changed}


