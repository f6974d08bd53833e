"""The audit log page: the server's recent commands from the audit tracker (`AuditApi.recent`), filtered by command
and member, paginated by the query string, every name and error escaped, and only for those who manage the
server."""

from __future__ import annotations

import re

from tests.hearth_harness import Hearth
from tests.kit.tags import TagDesk

ROW = re.compile(r'<tr class="audit-row">')


async def _audit(hearth: Hearth, dashboard, query: str = ""):
    browser = dashboard()
    await browser.login(hearth.guild.admin)
    page = await browser.get(f"/dashboard/{hearth.guild.guild.id}/audit{query}")
    assert page.status_code == 200, page.text
    return browser


async def test_recent_commands_are_listed_newest_first_and_filtered_by_command_and_member(hearth: Hearth,
                                                                                        dashboard) -> None:
    g = hearth.guild
    tags = TagDesk(hearth)
    await tags.create("rules", "Be kind.")  # as the member
    hearth.clock.advance(minutes=1)
    await tags.post("rules", g.admin)
    hearth.clock.advance(minutes=1)
    await tags.post("rules", tags.member)
    browser = await _audit(hearth, dashboard)
    page = browser.last_page
    assert len(ROW.findall(page)) == 3
    assert page.index("/tag get") < page.index("/tag create")  # newest first
    member_name = hearth.bot.get_guild(g.guild.id).get_member(tags.member.id).display_name
    admin_name = hearth.bot.get_guild(g.guild.id).get_member(g.admin.id).display_name
    assert f"@{member_name}" in page and f"@{admin_name}" in page and "times in UTC" in page
    only_get = await browser.get(f"/dashboard/{g.guild.id}/audit?command=/tag+get")
    assert len(ROW.findall(only_get.text)) == 2 and "/tag create" not in only_get.text
    group = await browser.get(f"/dashboard/{g.guild.id}/audit?command=tag")  # a group: its subcommands
    assert len(ROW.findall(group.text)) == 3
    by_admin = await browser.get(f"/dashboard/{g.guild.id}/audit?command=tag+get&user={g.admin.id}")
    assert len(ROW.findall(by_admin.text)) == 1 and f"@{admin_name}" in by_admin.text
    assert f'name="user" value="{g.admin.id}"' in by_admin.text
    nobody = await browser.get(f"/dashboard/{g.guild.id}/audit?user=ghost")
    assert 'role="alert"' in nobody.text and "There is no member ghost on this server" in nobody.text
    assert not ROW.findall(nobody.text)
    none = await browser.get(f"/dashboard/{g.guild.id}/audit?command=ticket")
    assert "No commands recorded for this filter." in none.text


async def test_pages_of_fifty_with_links_that_keep_the_filter(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    audit = hearth.bot.get_cog("Audit")
    for number in range(120):
        hearth.clock.advance(seconds=1)
        audit.record(guild_id=g.guild.id, user_id=g.member.id, name="tag get", kind="slash", success=number != 0,
                     error="<script>alert(1)</script>" if number == 0 else None)
    audit.record(guild_id=g.guild.id + 1, user_id=g.member.id, name="tag get", kind="slash", success=True)
    browser = await _audit(hearth, dashboard, "?command=tag+get")
    assert len(ROW.findall(browser.last_page)) == 50
    url = f"/dashboard/{g.guild.id}/audit"
    assert f'href="{url}?command=tag+get&amp;page=2" rel="next"' in browser.last_page
    assert 'rel="prev"' not in browser.last_page
    last = await browser.get(f"{url}?command=tag+get&page=3")
    assert len(ROW.findall(last.text)) == 20 and 'rel="next"' not in last.text
    assert f'href="{url}?command=tag+get&amp;page=2" rel="prev"' in last.text
    assert "<script>" not in last.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in last.text
    beyond = await browser.get(f"{url}?page=9")
    assert not ROW.findall(beyond.text) and "No commands recorded on this page." in beyond.text
    junk = await browser.get(f"{url}?page=-1")
    assert len(ROW.findall(junk.text)) == 50


async def test_names_are_escaped_and_only_managers_see_the_log(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    sly = g.guild.add_member("<img src=x onerror=alert(1)>")
    await hearth.discord.settle()
    hearth.bot.get_cog("Audit").record(guild_id=g.guild.id, user_id=sly.id, name="tag get", kind="slash",
                                       success=True)
    browser = await _audit(hearth, dashboard)
    assert "<img src=x" not in browser.last_page and "@&lt;img src=x onerror=alert(1)&gt;" in browser.last_page
    member = dashboard()
    await member.login(g.member)
    refused = await member.get(f"/dashboard/{g.guild.id}/audit")
    assert refused.status_code == 403 and "audit-row" not in refused.text
    anonymous = dashboard()
    assert (await anonymous.get(f"/dashboard/{g.guild.id}/audit")).status_code == 401
