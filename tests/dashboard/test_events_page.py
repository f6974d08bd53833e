"""The events pages and `/api/v1/guilds/{id}/events[/{id}]`: upcoming and past events with their attendees
(going, maybe, waitlist, pending approval) by name, titles escaped, managers only."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from tests.dashboard.insight_kit import OTHER_GUILD, manager_browser, read_key
from tests.hearth_harness import Hearth
from tests.kit.events import EventsDesk

ROW = re.compile(r'<tr class="event-row"><td><a href="/dashboard/\d+/events/(\d+)">')
START = datetime(2026, 6, 1, 10, tzinfo=UTC)


async def _events(hearth: Hearth):
    """#games (1 place: bob going, carol on the waitlist, dave maybe), #workshop (approval: bob pending) and
    #old (cancelled)."""
    hearth.clock.set(START)
    g, events = hearth.guild, EventsDesk(hearth)
    carol, dave = g.guild.add_member("carol"), g.guild.add_member("dave")
    await hearth.discord.settle()
    games = await events.create(title="Board games <b>night</b>", start="2026-06-05 19:00", capacity=1)
    await events.click(games, "Going", g.member)
    await events.click(games, "Going", carol)
    await events.click(games, "Maybe", dave)
    workshop = await events.create(title="Workshop", start="2026-06-06 19:00", approval=True)
    await events.click(workshop, "Going", g.member)
    old = await events.create(title="Old meetup", start="2026-06-07 19:00")
    await events.run("cancel", event=old)
    return games, workshop, old, carol, dave


async def test_events_with_attendees_by_name(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    games, workshop, old, carol, dave = await _events(hearth)
    browser = await manager_browser(hearth, dashboard)
    url = f"/dashboard/{g.guild.id}/events"
    upcoming = await browser.get(url)
    assert upcoming.status_code == 200, upcoming.text
    assert ROW.findall(upcoming.text) == [str(workshop), str(games)]
    assert "Board games &lt;b&gt;night&lt;/b&gt;" in upcoming.text and "<b>night" not in upcoming.text
    past = await browser.get(f"{url}?state=past")
    assert ROW.findall(past.text) == [str(old)] and "cancelled" in past.text
    one = await browser.get(f"{url}/{games}")
    assert one.status_code == 200
    names = hearth.bot.get_guild(g.guild.id)

    def section(key: str) -> str:
        return one.text.split(f'id="answers-{key}"', 1)[1].split("</section>", 1)[0]

    assert f"@{names.get_member(g.member.id).display_name}" in section("going") and "Going (1)" in section("going")
    assert f"@{names.get_member(carol.id).display_name}" in section("waitlist")
    assert f"@{names.get_member(dave.id).display_name}" in section("maybe")
    assert "Nobody." in section("pending")
    pending = await browser.get(f"{url}/{workshop}")
    assert "Pending approval (1)" in pending.text
    assert (await browser.get(f"{url}/99999")).status_code == 404


async def test_events_api_lists_pages_and_shows_attendees(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    games, workshop, old, carol, dave = await _events(hearth)
    browser = await manager_browser(hearth, dashboard)
    headers = await read_key(hearth)
    base = f"/api/v1/guilds/{g.guild.id}/events"
    first = (await browser.client.get(f"{base}?limit=2", headers=headers)).json()
    assert [item["id"] for item in first["items"]] == [old, workshop] and first["next"] == str(workshop)
    rest = (await browser.client.get(f"{base}?limit=2&before={first['next']}", headers=headers)).json()
    assert [item["id"] for item in rest["items"]] == [games] and rest["next"] is None
    assert rest["items"][0]["counts"] == {"going": 1, "maybe": 1, "declined": 0, "waitlist": 1, "pending": 0}
    upcoming = (await browser.client.get(f"{base}?state=upcoming", headers=headers)).json()["items"]
    assert [item["id"] for item in upcoming] == [workshop, games]
    assert (await browser.client.get(f"{base}?state=soon", headers=headers)).status_code == 400
    detail = (await browser.client.get(f"{base}/{games}", headers=headers)).json()
    assert detail["title"] == "Board games <b>night</b>" and detail["capacity"] == 1
    assert {status: [a["user_id"] for a in people] for status, people in detail["attendees"].items()} == {
        "going": [str(g.member.id)], "maybe": [str(dave.id)], "waitlist": [str(carol.id)], "pending": []}
    assert (await browser.client.get(f"{base}/99999", headers=headers)).status_code == 404
    assert (await browser.client.get(f"/api/v1/guilds/{OTHER_GUILD}/events", headers=headers)).status_code == 403


async def test_only_managers_see_the_events(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    games, *_ = await _events(hearth)
    member = dashboard()
    await member.login(g.member)
    for path in ("", f"/{games}"):
        refused = await member.get(f"/dashboard/{g.guild.id}/events{path}")
        assert refused.status_code == 403 and "Board games" not in refused.text
    other = hearth.discord.add_guild("Elsewhere", owner="owen")
    await hearth.discord.settle()
    owner = dashboard()
    await owner.login(other.owner)
    foreign = await owner.get(f"/dashboard/{other.id}/events/{games}")
    assert foreign.status_code == 404 and "Board games" not in foreign.text
