"""Rendering the dashboard's pages: Jinja2 templates shipped in `templates/`, autoescaped (every name, value and
message a user or Discord supplies is text, never markup), with the security headers set by `PageRoute`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.routing import APIRoute

from cogs.dashboard.security import PAGE_HEADERS

HERE = Path(__file__).resolve().parent
TEMPLATES = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                               undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
STYLESHEET = (HERE / "static" / "dashboard.css").read_bytes()
FAVICON = (HERE / "static" / "favicon.svg").read_bytes()  # linked by every page: no browser asks for /favicon.ico
# The server pages' navigation, in order: (path under /dashboard/{guild}/, label). A new page adds its line here.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("overview", "Overview"),
    ("settings", "Settings"),
    ("history", "History"),
    ("modules", "Modules"),
    ("permissions", "Permissions"),
    ("levels", "Welcome and levels"),
    ("audit", "Audit log"),
    ("tickets", "Tickets"),
    ("cases", "Cases"),
    ("events", "Events"),
    ("api-keys", "API keys"),
    ("commands", "Custom commands"),
    ("tags", "Tags"),
    ("automod", "Automod"),
    ("onboarding", "Onboarding"),
    ("role-menus", "Role menus"),
)
TEMPLATES.globals["sections"] = SECTIONS


def page(template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    """A rendered page."""
    context.setdefault("user", None)
    context.setdefault("csrf", "")
    return HTMLResponse(TEMPLATES.get_template(template).render(**context), status_code=status)


def message(title: str, text: str, *, status: int, user: Any = None, csrf: str = "",
            login_link: bool = False) -> HTMLResponse:
    """A page saying one thing (a refusal, an error, a login failure)."""
    return page("message.html", status=status, title=title, text=text, user=user, csrf=csrf, login_link=login_link)


def stylesheet() -> Response:
    """The dashboard's one stylesheet (shipped in the repository; no CDN)."""
    return Response(STYLESHEET, media_type="text/css", headers={"Cache-Control": "public, max-age=3600"})


def favicon() -> Response:
    """The dashboard's icon (an SVG shipped in the repository)."""
    return Response(FAVICON, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})


class PageRoute(APIRoute):
    """Every dashboard response carries the strict Content-Security-Policy and framing headers."""

    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
        handler = super().get_route_handler()

        async def with_headers(request: Request) -> Response:
            response = await handler(request)
            for name, value in PAGE_HEADERS.items():
                response.headers.setdefault(name, value)
            return response

        return with_headers
