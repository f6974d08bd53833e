"""The moderation cases pages and `/api/v1/guilds/{id}/cases[/{number}]`: live cases filtered by member, moderator,
action and active/expired, names for ids, reasons escaped, managers only."""

from __future__ import annotations

import re
from datetime import timedelta

from core.case_log import CaseRecorder
from tests.dashboard.insight_kit import OTHER_GUILD, manager_browser, read_key
from tests.hearth_harness import Hearth

ROW = re.compile(r'<tr class="case-row"><td><a href="/dashboard/\d+/cases/(\d+)">')


async def _three_cases(hearth: Hearth):
    """#1 a warning of bob (a hostile reason), #2 a 1-hour timeout of bob, #3 a 2-day timeout of carol; then
    two hours pass (#2 has run out)."""
    g = hearth.guild
    carol = g.guild.add_member("carol")
    await hearth.discord.settle()
    warned = await hearth.discord.slash("warn", user=g.moderator, options={
        "user": g.member, "reason": "<b>spam</b> <script>alert(1)</script>"})
    assert "#1" in warned.text or "1" in warned.text, warned.text
    await hearth.discord.slash("timeout", user=g.moderator, options={"user": g.member, "duration": "1h",
                                                                      "reason": "flood"})
    await hearth.discord.slash("timeout", user=g.owner, options={"user": carol, "duration": "2d"})
    await hearth.move_clock(hearth.clock.now() + timedelta(hours=2))
    return carol


async def test_cases_are_listed_with_names_filtered_and_escaped(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    await _three_cases(hearth)
    browser = await manager_browser(hearth, dashboard)
    url = f"/dashboard/{g.guild.id}/cases"
    every = await browser.get(url)
    assert every.status_code == 200, every.text
    assert ROW.findall(every.text) == ["3", "2", "1"]
    names = hearth.bot.get_guild(g.guild.id)
    assert f"@{names.get_member(g.member.id).display_name}" in every.text
    assert f"@{names.get_member(g.moderator.id).display_name}" in every.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in every.text and "<script>" not in every.text
    assert str(g.member.id) not in re.sub(r'href="[^"]*"', "", every.text)  # names, not raw ids
    assert ROW.findall((await browser.get(f"{url}?member={g.member.id}")).text) == ["2", "1"]
    assert ROW.findall((await browser.get(f"{url}?moderator={g.owner.id}")).text) == ["3"]
    assert ROW.findall((await browser.get(f"{url}?type=warn")).text) == ["1"]
    assert ROW.findall((await browser.get(f"{url}?type=timeout&state=expired")).text) == ["2"]
    assert ROW.findall((await browser.get(f"{url}?state=active")).text) == ["3", "1"]
    nobody = await browser.get(f"{url}?moderator=ghost")
    assert "There is no member ghost on this server" in nobody.text and not ROW.findall(nobody.text)
    one = await browser.get(f"{url}/2")
    assert one.status_code == 200 and "Timeout" in one.text and "flood" in one.text and "expired or lifted" in one.text
    assert (await browser.get(f"{url}/99")).status_code == 404
    # The same cases as /cases shows them in Discord.
    listed = await hearth.discord.slash("cases", user=g.moderator, options={"user": g.member})
    assert "#2" in listed.text and "#1" in listed.text and "#3" not in listed.text


async def test_cases_api_pages_filters_and_refuses_another_guild(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    carol = await _three_cases(hearth)
    browser = await manager_browser(hearth, dashboard)
    headers = await read_key(hearth)
    base = f"/api/v1/guilds/{g.guild.id}/cases"
    first = (await browser.client.get(f"{base}?limit=2", headers=headers)).json()
    assert [item["number"] for item in first["items"]] == [3, 2] and first["next"] == "2"
    rest = (await browser.client.get(f"{base}?limit=2&before=2", headers=headers)).json()
    assert [item["number"] for item in rest["items"]] == [1] and rest["next"] is None
    warning = rest["items"][0]
    assert warning["member_id"] == str(g.member.id) and warning["moderator_id"] == str(g.moderator.id)
    assert warning["reason"] == "<b>spam</b> <script>alert(1)</script>" and warning["active"] is True
    active = (await browser.client.get(f"{base}?state=active&type=timeout", headers=headers)).json()["items"]
    assert [(item["number"], item["member_id"]) for item in active] == [(3, str(carol.id))]
    assert (await browser.client.get(f"{base}?type=hug", headers=headers)).status_code == 400
    assert (await browser.client.get(f"{base}?state=soon", headers=headers)).status_code == 400
    one = (await browser.client.get(f"{base}/2", headers=headers)).json()
    assert one["type"] == "timeout" and one["active"] is False and one["duration_seconds"] == 3600
    assert (await browser.client.get(f"{base}/99", headers=headers)).status_code == 404
    assert (await browser.client.get(f"/api/v1/guilds/{OTHER_GUILD}/cases", headers=headers)).status_code == 403
    assert (await browser.client.get(f"/api/v1/guilds/{OTHER_GUILD}/cases/1", headers=headers)).status_code == 403


async def test_only_managers_see_the_cases(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    await _three_cases(hearth)
    member = dashboard()
    await member.login(g.moderator)  # a moderator without Manage Server
    for path in ("", "/1"):
        refused = await member.get(f"/dashboard/{g.guild.id}/cases{path}")
        assert refused.status_code == 403 and "flood" not in refused.text
    other = hearth.discord.add_guild("Elsewhere", owner="owen")
    await hearth.discord.settle()
    owner = dashboard()
    await owner.login(other.owner)
    foreign = await owner.get(f"/dashboard/{other.id}/cases/2")
    assert foreign.status_code == 404 and "flood" not in foreign.text


async def test_pages_of_25_with_an_older_link_that_keeps_the_filter(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    recorder = hearth.bot.apis.get(CaseRecorder)
    server = hearth.bot.get_guild(g.guild.id)
    for n in range(30):
        await recorder.record_case(server, "warn", target_id=g.member.id, reason=f"note {n}",
                                   moderator_id=g.moderator.id)
    await recorder.record_case(server, "kick", target_id=g.member.id, reason="gone", moderator_id=g.moderator.id)
    browser = await manager_browser(hearth, dashboard)
    url = f"/dashboard/{g.guild.id}/cases"
    first = await browser.get(f"{url}?type=warn")
    assert ROW.findall(first.text) == [str(n) for n in range(30, 5, -1)]
    assert f'href="{url}?type=warn&amp;before=6" rel="next"' in first.text
    rest = await browser.get(f"{url}?type=warn&before=6")
    assert ROW.findall(rest.text) == ["5", "4", "3", "2", "1"] and 'rel="next"' not in rest.text
    assert "← Newest" in rest.text
