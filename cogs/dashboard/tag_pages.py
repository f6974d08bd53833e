"""The tags page, `/dashboard/{guild}/tags`: the server's tags, newest first (50 a page) or the ones `/tag search`
finds (`?search=`), each with its owner, uses, aliases and text (escaped, as all content), and forms to create,
edit, delete and alias tags, all through `TagsApi` (the code of `/tag`: its rules of owners and staff, its checks
of names and texts, its log lines); the member becomes the text's author, so the tag pings only what they may.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from cogs.audit.api import record_change
from cogs.dashboard.contract import UNAVAILABLE, Dashboard, first, module_off, refused_text
from cogs.dashboard.pages import message, page
from cogs.tags.api import ListedTag, TagsApi, TagSaved
from cogs.tags.names import CONTENT_MAX, NAME_MAX
from utils.errors import DATABASE_ERRORS, BadInput, UserFacingError

MODULE = "tags"
NOT_LOADED = "Tags are not available on this bot right now (their module is not loaded)."
PER_PAGE = 50
SEARCH_SHOWN = 25
ACTIONS = ("create", "edit", "delete", "alias")
WILL_NOT_PING = "will not ping: a tag pings only what its last author and the member posting it may both ping."


@dataclass(frozen=True)
class TagRow:
    """One tag as the page shows it."""

    listed: ListedTag
    owner: str


def owner_name(guild: Any, owner_id: int | None) -> str:
    """The owner as a name (the page shows names, never mention markup)."""
    if owner_id is None:
        return "nobody (claimable)"
    member = guild.get_member(owner_id)
    return f"@{member.display_name}" if member else f"member who left ({owner_id})"


def _said(saved: TagSaved, what: str) -> str:
    note = f"\n{', '.join(saved.withheld)} {WILL_NOT_PING}" if saved.withheld else ""
    return f"Tag {saved.tag.name} {what}." + note


class TagPages:
    """GET and POST of the tags page."""

    def __init__(self, dashboard: Dashboard) -> None:
        self.dashboard = dashboard

    async def show(self, request: Request, guild_id: str) -> HTMLResponse:
        """The tags (a page of them, or a search's) and the forms."""
        checked = await self.dashboard.guild_page(request, guild_id)
        if isinstance(checked, HTMLResponse):
            return checked
        search = request.query_params.get("search", "").strip()[:100]
        before = request.query_params.get("before", "")
        return await self._render(*checked, search=search, before=int(before) if before.isdigit() else None)

    async def _render(self, session_id: str, session: Any, member: Any, *, search: str = "",
                      before: int | None = None, notice: str | None = None, problem: str | None = None,
                      status: int = 200, typed: dict[str, str] | None = None) -> HTMLResponse:
        who = self.dashboard.who(session_id, session)
        api = self.dashboard.bot.apis.get(TagsApi)
        if api is None:
            return message("Not available", NOT_LOADED, status=503, **who)
        guild = member.guild
        try:
            if search:
                hits = await api.search(guild.id, search, SEARCH_SHOWN)
                listed = [ListedTag(hit.tag, await api.aliases(guild.id, hit.tag.id)) for hit in hits]
                older = None
            else:
                listed = await api.listing(guild.id, before, PER_PAGE + 1)
                older = listed[PER_PAGE - 1].tag.id if len(listed) > PER_PAGE else None
                listed = listed[:PER_PAGE]
        except DATABASE_ERRORS:
            return message("Try again later", UNAVAILABLE, status=503, **who)
        rows = [TagRow(item, owner_name(guild, item.tag.owner_id)) for item in listed]
        problem = problem or await module_off(self.dashboard.bot, member.guild.id, MODULE)
        return page("tags.html", status=status, title=f"Tags · {guild.name}", guild=guild, section="tags", tags=rows,
                    search=search, older=older, notice=notice, problem=problem, typed=typed or {},
                    name_max=NAME_MAX, content_max=CONTENT_MAX, **who)

    async def change(self, request: Request, guild_id: str) -> Response:
        """Create, edit, delete or alias a tag (the form's `action`) as the member."""
        posted = await self.dashboard.guild_form(request, guild_id)
        if isinstance(posted, HTMLResponse):
            return posted
        session_id, session, member, form = posted
        api = self.dashboard.bot.apis.get(TagsApi)
        if api is None:
            return message("Not available", NOT_LOADED, status=503, **self.dashboard.who(session_id, session))
        action = first(form, "action")
        try:
            if action not in ACTIONS:
                raise BadInput("This form does not say what to change. Reload the page and try again.")
            await self.dashboard.bot.modules.require_on(member.guild.id, MODULE)  # as its commands
            done = await self._apply(api, member, action, form)
        except UserFacingError as exc:
            problem = refused_text(exc)
            typed = {"name": first(form, "name"), "content": (form.get("content") or [""])[0]}
            return await self._render(session_id, session, member, status=400, problem=problem,
                                      typed=typed if action == "create" else None)
        except DATABASE_ERRORS:
            return message("Try again later", UNAVAILABLE, status=503, **self.dashboard.who(session_id, session))
        record_change(self.dashboard.bot, member, "tags")
        return await self._render(session_id, session, member, notice=done)

    async def _apply(self, api: TagsApi, member: Any, action: str, form: dict[str, list[str]]) -> str:
        name, content = first(form, "name"), (form.get("content") or [""])[0]
        if action == "create":
            return _said(await api.create(member, name, content), "created")
        if action == "edit":
            return _said(await api.edit(member, name, content), "updated")
        if action == "alias":
            clean, tag = await api.add_alias(member, first(form, "alias"), name)
            return f"{clean} now posts the tag {tag.name}."
        gone = await api.delete(member, name)
        if gone.alias is not None:
            return f"Alias {gone.alias} deleted (the tag {gone.name} stays)."
        return f"Tag {gone.name}" + (f" and its alias(es) {', '.join(gone.aliases)}" if gone.aliases else "") + \
            " deleted."
