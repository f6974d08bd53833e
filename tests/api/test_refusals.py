"""Every `/api/v1` route refuses, before doing anything: requests without a key (401), a key of another server
(403), and a read key where it would change something (403); nothing is written."""

from __future__ import annotations

import re

from fastapi.routing import APIRoute

from tests.api.conftest import OTHER_GUILD, Keyed

BODIES = {"PUT": {"value": "Asia/Tokyo", "on": False, "uses": 1, "per": "1m"},
          "POST": {"command": "tag", "allow": False}}


def _filled(path: str, guild_id: int) -> str:
    """The route's path with its parameters filled in (the guild's own id or another's)."""
    path = path.replace("{guild_id}", str(guild_id))
    return re.sub(r"\{[a-z_]+\}", lambda found: {"{scope}": "system", "{key}": "timezone", "{name}": "tags",
                                                 "{command}": "tag"}.get(found.group(0), "1"), path)


async def test_every_v1_route_refuses_missing_foreign_and_read_only_keys(keyed: Keyed) -> None:
    hearth = keyed.hearth
    g = hearth.guild
    read, write = await keyed.key("read"), await keyed.key("write")
    routes = [(route.path, method) for route in hearth.bot.api.app.routes
              if isinstance(route, APIRoute) and route.path.startswith("/api/v1/") for method in route.methods]
    assert len(routes) >= 15
    answers = {}
    for path, method in routes:
        body = BODIES.get(method)
        own, foreign = _filled(path, g.guild.id), _filled(path, OTHER_GUILD)
        none = await keyed.client.request(method, own, json=body)
        elsewhere = await keyed.call(method, foreign, write, json=body)
        read_only = await keyed.call(method, own, read, json=body) if method != "GET" else None
        answers[f"{method} {path}"] = (none.status_code, elsewhere.status_code,
                                       read_only.status_code if read_only is not None else 403)
        assert "error" in none.json() and "error" in elsewhere.json()
    assert answers == dict.fromkeys(answers, (401, 403, 403))
    written = await hearth.db.fetchrow(
        "SELECT (SELECT count(*) FROM settings_history) AS history, (SELECT count(*) FROM bot_settings) AS settings, "
        "(SELECT count(*) FROM command_rules) AS rules, (SELECT count(*) FROM command_cooldowns) AS cooldowns")
    assert dict(written) == {"history": 0, "settings": 0, "rules": 0, "cooldowns": 0}
