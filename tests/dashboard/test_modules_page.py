"""The module switches page: every module with its state, a CSRF form each switching it through
`bot.modules.switch` as the member (in settings_history and the audit tracker), and the switch obeyed at once by the
module's commands."""

from __future__ import annotations

from tests.hearth_harness import Hearth
from tests.kit.tags import TagDesk

OFF = "Tags is turned off on this server"


async def _modules(hearth: Hearth, dashboard):
    browser = dashboard()
    await browser.login(hearth.guild.admin)
    page = await browser.get(f"/dashboard/{hearth.guild.guild.id}/modules")
    assert page.status_code == 200
    return browser


async def test_every_module_is_listed_with_its_state_and_the_guilds_pages_in_the_navigation(
        hearth: Hearth, dashboard) -> None:
    browser = await _modules(hearth, dashboard)
    page = browser.last_page
    modules = hearth.bot.modules.all()
    assert len(modules) > 10
    for module in modules:
        assert f'id="module-{module.name}"' in page, module.name
    assert page.count("Turn off") == len(modules) and "Turn on" not in page
    g = hearth.guild.guild.id
    for path in ("settings", "modules", "permissions", "audit"):
        assert f'href="/dashboard/{g}/{path}"' in page
    assert f'href="/dashboard/{g}/modules" aria-current="page"' in page


async def test_tags_turned_off_on_the_web_refuse_tag_get_and_the_change_is_in_history(hearth: Hearth,
                                                                                   dashboard) -> None:
    g = hearth.guild
    tags = TagDesk(hearth)
    await tags.create("rules", "Be kind.")
    browser = await _modules(hearth, dashboard)
    url = f"/dashboard/{g.guild.id}/modules"
    answer = await browser.post(url, {"csrf": browser.csrf(), "module": "tags", "on": "off"})
    assert answer.status_code == 303 and answer.headers["location"] == f"{url}?changed=tags"
    refused = await tags.post("rules")
    assert refused.ephemeral and refused.text.startswith(OFF)
    assert tags.posts() == []
    row = await hearth.db.fetchrow("SELECT key, new_value, changed_by, change_type FROM settings_history "
                                   "WHERE scope = 'modules'")
    assert tuple(row) == ("tags", False, g.admin.id, "created")
    shown = await browser.get(f"{url}?changed=tags")
    assert "Tags is now off." in shown.text and "Turn on" in shown.text
    again = await browser.post(url, {"csrf": browser.csrf(), "module": "tags", "on": "off"})
    assert again.status_code == 200 and "Tags already is off; nothing changed." in again.text
    await browser.post(url, {"csrf": browser.csrf(), "module": "tags", "on": "on"})
    await tags.post("rules")
    assert [m.content for m in tags.posts()] == ["Be kind."]
    await hearth.bot.get_cog("Audit").flush()
    audited = await hearth.db.fetch("SELECT user_id, command_name, command_type FROM audit_logs "
                                    "WHERE command_type = 'dashboard'")
    assert [tuple(r) for r in audited] == [(g.admin.id, "dashboard modules", "dashboard")] * 2


async def test_a_forged_or_unknown_switch_changes_nothing(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    browser = await _modules(hearth, dashboard)
    url = f"/dashboard/{g.guild.id}/modules"
    for token in (None, "forged"):
        data = {"module": "tags", "on": "off"} | ({} if token is None else {"csrf": token})
        refused = await browser.post(url, data)
        assert refused.status_code == 403 and "Nothing was changed" in refused.text
    unknown = await browser.post(url, {"csrf": browser.csrf(), "module": "<b>weather</b>", "on": "off"})
    assert unknown.status_code == 400 and "There is no such module" in unknown.text
    assert "<b>weather" not in unknown.text
    member = dashboard()
    await member.login(g.member)
    await member.get("/dashboard/")
    other = await member.post(url, {"csrf": member.csrf(), "module": "tags", "on": "off"})
    assert other.status_code == 403
    assert await hearth.db.fetchval("SELECT count(*) FROM settings_history") == 0
    assert await hearth.bot.guild_settings.get(g.guild.id, "modules", "tags") is True
