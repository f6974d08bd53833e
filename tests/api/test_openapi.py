"""The OpenAPI schema documents every `/api/v1` route (summary, tags, the answer's shape, the errors) with the API
key's security scheme when API_DOCS_ENABLED is set, and is not served at all otherwise."""

from __future__ import annotations

import httpx
from fastapi.routing import APIRoute

from tests.hearth_harness import Hearth

OURS = {"settings", "permissions", "modules", "audit"}  # the api cog's areas document every refusal


async def test_every_v1_route_is_documented_with_its_key(hearth: Hearth) -> None:
    await hearth.restart(api_enabled=True, api_port=0, api_docs_enabled=True)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{hearth.bot.api.port}") as client:
        answer = await client.get("/openapi.json")
        assert answer.status_code == 200
        schema = answer.json()
        assert (await client.get("/docs")).status_code == 200
    routes = [(route.path, method) for route in hearth.bot.api.app.routes
              if isinstance(route, APIRoute) and route.path.startswith("/api/v1/") for method in route.methods]
    assert len(routes) >= 15  # settings, history, rollback, rules, cooldowns, modules, audit
    schemes = schema["components"]["securitySchemes"]
    assert schemes == {"HTTPBearer": {"type": "http", "scheme": "bearer", "description": schemes["HTTPBearer"]
                                      ["description"]}}
    assert "api_key create" in schemes["HTTPBearer"]["description"]
    problems = []
    for path, method in routes:
        operation = schema["paths"].get(path, {}).get(method.lower())
        if operation is None:
            problems.append(f"{method} {path}: not in the schema")
            continue
        if not operation.get("summary") or not operation.get("tags"):
            problems.append(f"{method} {path}: no summary or tags")
        if operation.get("security") != [{"HTTPBearer": []}]:
            problems.append(f"{method} {path}: no API key security")
        success = next((code for code in operation["responses"] if code.startswith("2")), None)
        content = operation["responses"].get(success, {}).get("content", {}).get("application/json", {})
        if not content.get("schema") or content["schema"] == {}:
            problems.append(f"{method} {path}: no documented answer")
        if set(operation["tags"]) & OURS and not {"401", "403", "429"} <= set(operation["responses"]):
            problems.append(f"{method} {path}: the key's refusals are not documented")
    assert problems == []
    tags = {tag for path, method in routes for tag in schema["paths"][path][method.lower()]["tags"]}
    assert tags >= OURS
    paged = schema["paths"]["/api/v1/guilds/{guild_id}/settings/history"]["get"]["parameters"]
    assert {p["name"] for p in paged} >= {"limit", "before"}


async def test_without_api_docs_enabled_the_schema_is_not_served(hearth: Hearth) -> None:
    await hearth.restart(api_enabled=True, api_port=0, api_docs_enabled=False)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{hearth.bot.api.port}") as client:
        for path in ("/openapi.json", "/docs", "/redoc"):
            assert (await client.get(path)).status_code == 404, path
        # The routes themselves are served.
        assert (await client.get(f"/api/v1/guilds/{hearth.guild.guild.id}/settings")).status_code == 401
