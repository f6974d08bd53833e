"""The module switches page, `/dashboard/{guild}/modules`: every module of the loaded cogs, on or off on this server,
and a form each that switches it through `bot.modules.switch` with the member as `changed_by` (so the change is in
`/config history`, as one made with `/config modules`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cogs.audit.api import record_change
from cogs.dashboard.contract import UNAVAILABLE, Dashboard, first
from cogs.dashboard.pages import message, page
from core.modules import Module, Modules
from utils.errors import DATABASE_ERRORS


@dataclass(frozen=True)
class ModuleRow:
    """One module as the page shows it."""

    module: Module
    on: bool


class ModulePages:
    """GET and POST of the modules page."""

    def __init__(self, dashboard: Dashboard) -> None:
        self.dashboard = dashboard

    @property
    def modules(self) -> Modules:
        return self.dashboard.bot.modules

    async def show(self, request: Request, guild_id: str) -> HTMLResponse:
        """Every module with its state and a switch."""
        checked = await self.dashboard.guild_page(request, guild_id)
        if isinstance(checked, HTMLResponse):
            return checked
        changed = self.modules.get(request.query_params.get("changed", ""))  # only a real module is echoed
        notice = None
        if changed is not None:
            state = "on" if await self.modules.is_on(checked[2].guild.id, changed) else "off"
            notice = f"{changed.label} is now {state}."
        return await self._render(*checked, notice=notice)

    async def _render(self, session_id: str, session: Any, member: Any, *, notice: str | None = None,
                      problem: str | None = None, status: int = 200) -> HTMLResponse:
        try:
            shown = [ModuleRow(module, await self.modules.is_on(member.guild.id, module))
                     for module in self.modules.all()]
        except DATABASE_ERRORS:
            return message("Try again later", UNAVAILABLE, status=503, **self.dashboard.who(session_id, session))
        return page("modules.html", status=status, title=f"Modules · {member.guild.name}", guild=member.guild,
                    section="modules", modules=shown, notice=notice, problem=problem,
                    **self.dashboard.who(session_id, session))

    async def change(self, request: Request, guild_id: str) -> Response:
        """Switch one module on or off as the member."""
        posted = await self.dashboard.guild_form(request, guild_id)
        if isinstance(posted, HTMLResponse):
            return posted
        session_id, session, member, form = posted
        module, wanted = self.modules.get(first(form, "module")), first(form, "on")
        if module is None or wanted not in ("on", "off"):
            return await self._render(session_id, session, member, status=400,
                                      problem="There is no such module (or no state to switch it to). "
                                              "Nothing was changed.")
        try:
            changed = await self.modules.switch(member.guild.id, module, wanted == "on", changed_by=member.id)
        except DATABASE_ERRORS:
            return message("Try again later", UNAVAILABLE, status=503, **self.dashboard.who(session_id, session))
        if not changed:
            return await self._render(session_id, session, member, notice=f"{module.label} already is {wanted}; "
                                      "nothing changed.")
        record_change(self.dashboard.bot, member, "modules")
        return RedirectResponse(f"/dashboard/{member.guild.id}/modules?changed={module.name}", status_code=303)
