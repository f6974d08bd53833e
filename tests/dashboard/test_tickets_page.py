"""The tickets pages and `/api/v1/guilds/{id}/tickets[/{number}]`: open and closed tickets filtered by status,
opener and assignee, a ticket with its feedback, its transcript served sandboxed and inert, managers only."""

from __future__ import annotations

import re

from tests.dashboard.insight_kit import OTHER_GUILD, closed_and_rated_ticket, manager_browser, read_key
from tests.hearth_harness import Hearth
from tests.kit.tickets import open_ticket, ticket_desk

ROW = re.compile(r'<tr class="ticket-row"><td><a href="/dashboard/\d+/tickets/(\d+)">')


async def test_tickets_are_listed_filtered_and_shown_with_feedback_and_an_inert_transcript(hearth: Hearth,
                                                                                          dashboard) -> None:
    g = hearth.guild
    desk = await ticket_desk(hearth)
    closed = await closed_and_rated_ticket(desk)
    still_open, _ = await open_ticket(desk, desk.staff, "Another problem here")
    browser = await manager_browser(hearth, dashboard)
    url = f"/dashboard/{g.guild.id}/tickets"
    every = await browser.get(url)
    assert every.status_code == 200, every.text
    assert ROW.findall(every.text) == [str(still_open["id"]), str(closed)]  # newest first
    staff_name = hearth.bot.get_guild(g.guild.id).get_member(desk.staff.id).display_name
    assert f"@{staff_name}" in every.text
    assert ROW.findall((await browser.get(f"{url}?status=open")).text) == [str(still_open["id"])]
    assert ROW.findall((await browser.get(f"{url}?status=closed")).text) == [str(closed)]
    assert ROW.findall((await browser.get(f"{url}?opener={g.member.id}")).text) == [str(closed)]
    assert ROW.findall((await browser.get(f"{url}?assignee={desk.staff.id}")).text) == [str(closed)]
    nobody = await browser.get(f"{url}?opener=ghost")
    assert "There is no member ghost on this server" in nobody.text and not ROW.findall(nobody.text)
    assert "<script>" not in every.text

    one = await browser.get(f"{url}/{closed}")
    assert one.status_code == 200
    assert "★★★★☆" in one.text and "Quick &lt;b&gt;and&lt;/b&gt; kind" in one.text
    assert "Crash &lt;script&gt;alert(1)&lt;/script&gt;" in one.text and "<script>" not in one.text
    assert f'href="/dashboard/{g.guild.id}/tickets/{closed}/transcript"' in one.text
    transcript = await browser.get(f"{url}/{closed}/transcript")
    assert transcript.status_code == 200
    assert transcript.headers["content-security-policy"].startswith("sandbox; default-src 'none'")
    raw = transcript.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw and "&lt;img src=x onerror=alert(2)&gt;" in raw
    assert not re.search(r"<script", raw, re.I) and not re.search(r"<img[^>]*onerror", raw, re.I)
    unrated = await browser.get(f"{url}/{still_open['id']}")
    assert "No rating yet" in unrated.text and "No transcript is kept yet" in unrated.text
    missing = await browser.get(f"{url}/{still_open['id']}/transcript")
    assert missing.status_code == 404


async def test_tickets_api_pages_filters_and_refuses_another_guild(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    desk = await ticket_desk(hearth)
    closed = await closed_and_rated_ticket(desk)
    opened = [(await open_ticket(desk, desk.staff, f"Problem number {n}"))[0]["id"] for n in range(3)]
    browser = await manager_browser(hearth, dashboard)
    headers = await read_key(hearth)
    base = f"/api/v1/guilds/{g.guild.id}/tickets"
    first = (await browser.client.get(f"{base}?limit=2", headers=headers)).json()
    assert [item["number"] for item in first["items"]] == opened[::-1][:2] and first["next"] == str(opened[1])
    rest = (await browser.client.get(f"{base}?limit=2&before={first['next']}", headers=headers)).json()
    assert [item["number"] for item in rest["items"]] == [opened[0], closed] and rest["next"] is None
    only_closed = (await browser.client.get(f"{base}?status=closed", headers=headers)).json()["items"]
    assert [item["number"] for item in only_closed] == [closed]
    item = only_closed[0]
    assert item["opener_id"] == str(g.member.id) and item["assignee_id"] == str(desk.staff.id)
    assert item["status"] == "closed" and item["close_reason"] == "Fixed"
    by_assignee = (await browser.client.get(f"{base}?assignee={desk.staff.id}", headers=headers)).json()["items"]
    assert [item["number"] for item in by_assignee] == [closed]
    assert (await browser.client.get(f"{base}?status=lost", headers=headers)).status_code == 400
    assert (await browser.client.get(f"{base}?opener=bob", headers=headers)).status_code == 400
    detail = (await browser.client.get(f"{base}/{closed}", headers=headers)).json()
    assert detail["feedback"]["stars"] == 4 and detail["feedback"]["comment"] == "Quick <b>and</b> kind"
    assert detail["has_transcript"] is True
    assert (await browser.client.get(f"{base}/999999", headers=headers)).status_code == 404
    other = await browser.client.get(f"/api/v1/guilds/{OTHER_GUILD}/tickets", headers=headers)
    assert other.status_code == 403
    assert (await browser.client.get(f"/api/v1/guilds/{OTHER_GUILD}/tickets/{closed}",
                                     headers=headers)).status_code == 403


async def test_only_managers_of_the_ticket_s_own_guild_see_it(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    desk = await ticket_desk(hearth)
    closed = await closed_and_rated_ticket(desk)
    member = dashboard()
    await member.login(g.member)
    for path in ("", f"/{closed}", f"/{closed}/transcript"):
        refused = await member.get(f"/dashboard/{g.guild.id}/tickets{path}")
        assert refused.status_code == 403 and "alert" not in refused.text
    # The owner of a second server: the first server's ticket is not reachable through theirs.
    other = hearth.discord.add_guild("Elsewhere", owner="owen")
    await hearth.discord.settle()
    owner = dashboard()
    await owner.login(other.owner)
    assert (await owner.get(f"/dashboard/{other.id}/tickets")).status_code == 200
    foreign = await owner.get(f"/dashboard/{other.id}/tickets/{closed}")
    assert foreign.status_code == 403 and "Crash" not in foreign.text
    foreign_transcript = await owner.get(f"/dashboard/{other.id}/tickets/{closed}/transcript")
    assert foreign_transcript.status_code == 403 and "alert" not in foreign_transcript.text
