"""The settings page: generated from the registry, a form per setting through `set_checked` (the validation and
role safety of /config set), recorded as a 'dashboard' change by the member; CSRF on every form, strict headers,
every name escaped."""

from __future__ import annotations

from markupsafe import escape

from tests.hearth_harness import Hearth


async def _alice(hearth: Hearth, dashboard):
    browser = dashboard()
    await browser.login(hearth.guild.admin)
    page = await browser.get(f"/dashboard/{hearth.guild.guild.id}/settings")
    assert page.status_code == 200
    return browser


async def test_the_page_lists_every_setting_with_description_value_and_default(hearth: Hearth, dashboard) -> None:
    browser = await _alice(hearth, dashboard)
    page = browser.last_page
    for spec in hearth.bot.settings_registry.all():
        assert f'id="{spec.qualified}"' in page, spec.qualified
    spec = hearth.bot.settings_registry.get("system", "timezone")
    assert spec is not None and str(escape(spec.description)) in page
    assert "Now: <span>UTC</span> (default)" in page
    assert page.count('name="csrf"') == len(hearth.bot.settings_registry.all()) + 1  # + the logout form
    assert '<meta name="viewport"' in page and 'href="/dashboard/static/dashboard.css"' in page
    css = await browser.client.get("/dashboard/static/dashboard.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")


async def test_a_setting_changed_through_the_form_lands_in_the_database_and_history(hearth: Hearth,
                                                                                     dashboard) -> None:
    g = hearth.guild
    browser = await _alice(hearth, dashboard)
    answer = await browser.post(f"/dashboard/{g.guild.id}/settings", {
        "csrf": browser.csrf(), "scope": "system", "key": "timezone", "value": "Europe/Paris"})
    assert answer.status_code == 303
    assert answer.headers["location"].startswith(f"/dashboard/{g.guild.id}/settings?changed=system.timezone")
    stored = await hearth.db.fetchrow("SELECT value FROM bot_settings WHERE guild_id = $1 AND scope = 'system' "
                                      "AND key = 'timezone'", g.guild.id)
    assert stored is not None and stored["value"] == "Europe/Paris"
    history = await hearth.db.fetchrow("SELECT * FROM settings_history WHERE guild_id = $1", g.guild.id)
    assert history["changed_by"] == g.admin.id and history["change_type"] == "dashboard"
    shown = await hearth.discord.slash("config history", user=g.admin, guild=g.guild, scope="system",
                                       key="timezone")
    assert "dashboard" in shown.text and str(g.admin.id) in shown.text
    got = await hearth.discord.slash("config get", user=g.admin, guild=g.guild, scope="system", key="timezone")
    assert "Europe/Paris" in got.text
    page = await browser.get(f"/dashboard/{g.guild.id}/settings?changed=system.timezone")
    assert "Saved: system.timezone." in page.text and "Europe/Paris" in page.text
    forged = await browser.get(f"/dashboard/{g.guild.id}/settings?changed=Your+account+is+locked")
    assert "Saved:" not in forged.text and "locked" not in forged.text


async def test_a_bad_value_is_refused_with_the_reason(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    browser = await _alice(hearth, dashboard)
    answer = await browser.post(f"/dashboard/{g.guild.id}/settings", {
        "csrf": browser.csrf(), "scope": "system", "key": "timezone", "value": "Mars/Olympus_Mons"})
    assert answer.status_code == 400
    assert "system.timezone" in answer.text and "Mars/Olympus_Mons" in answer.text and 'role="alert"' in answer.text
    assert await hearth.db.fetchval("SELECT count(*) FROM settings_history") == 0


async def test_a_role_the_member_could_not_give_is_refused(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    spec = next(s for s in hearth.bot.settings_registry.all() if s.grants_role)
    helper = g.guild.add_role("Helper", ["manage_roles"])
    high = g.guild.add_role("Above Alice", [])  # made last: just below the bot, above every role alice has
    g.guild.set_roles(g.admin, [g.guild.role("Admin"), helper], by=g.owner)
    await hearth.discord.settle()
    browser = await _alice(hearth, dashboard)
    assert "Above Alice" in browser.last_page  # offered (the check decides, as /config set does)
    answer = await browser.post(f"/dashboard/{g.guild.id}/settings", {
        "csrf": browser.csrf(), "scope": spec.scope, "key": spec.key, "value": str(high.id)})
    assert answer.status_code == 400 and "Nothing was changed" in answer.text, answer.text
    assert "@Above Alice is not below your highest role (@Helper)" in answer.text
    assert await hearth.db.fetchval("SELECT count(*) FROM settings_history") == 0


async def test_forms_without_the_sessions_csrf_token_change_nothing(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    browser = await _alice(hearth, dashboard)
    other = dashboard()
    await other.login(g.owner)
    await other.get("/dashboard/")
    form = {"scope": "system", "key": "timezone", "value": "Europe/Paris"}
    for token in (None, "", "forged", other.csrf()):  # missing, empty, made up, another session's
        data = form if token is None else {**form, "csrf": token}
        refused = await browser.post(f"/dashboard/{g.guild.id}/settings", data)
        assert refused.status_code == 403 and "Nothing was changed" in refused.text
    assert await hearth.db.fetchval("SELECT count(*) FROM settings_history") == 0


async def test_names_are_escaped_and_pages_carry_strict_headers(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    g.guild.add_role("<script>alert('role')</script>", [])
    g.guild.edit_channel(g.general, by=g.owner, name="<script>alert(1)</script>")
    g.admin.user.global_name = "<img src=x onerror=alert(2)>"
    await hearth.discord.settle()
    browser = await _alice(hearth, dashboard)
    page = browser.last_page
    assert "<script>" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;script&gt;alert(&#39;role&#39;)" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    for path in ("/dashboard/", f"/dashboard/{g.guild.id}/settings", "/dashboard/999/settings",
                 "/dashboard/login"):
        answer = await browser.client.get(path)
        csp = answer.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp and "script-src" not in csp
        assert answer.headers["x-frame-options"] == "DENY"


async def test_a_channel_setting_then_a_change_noted_in_the_log_channel_and_the_same_value_twice(
        hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    browser = await _alice(hearth, dashboard)
    url = f"/dashboard/{g.guild.id}/settings"
    assert f'<option value="{g.general.id}">#general</option>' in browser.last_page
    made = await browser.post(url, {"csrf": browser.csrf(), "scope": "system", "key": "log_channel",
                                    "value": str(g.general.id)})
    assert made.status_code == 303
    assert await hearth.bot.guild_settings.get(g.guild.id, "system", "log_channel") == g.general.id
    await browser.post(url, {"csrf": browser.csrf(), "scope": "system", "key": "timezone", "value": "Asia/Tokyo"})
    await hearth.discord.settle()
    note = hearth.discord.last_message(g.general)
    assert note is not None and note.content == (f"⚙️ <@{g.admin.id}> changed a setting on the dashboard: "
                                                 "system.timezone: UTC → Asia/Tokyo")
    again = await browser.post(url, {"csrf": browser.csrf(), "scope": "system", "key": "timezone",
                                     "value": "Asia/Tokyo"})
    assert again.status_code == 200 and "system.timezone already is Asia/Tokyo; nothing changed" in again.text
    assert await hearth.db.fetchval("SELECT count(*) FROM settings_history") == 2


async def test_a_session_expires_after_seven_days(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    browser = await _alice(hearth, dashboard)
    hearth.clock.advance(days=7, seconds=1)
    assert (await browser.get(f"/dashboard/{g.guild.id}/settings")).status_code == 401
    other = dashboard()
    await other.login(g.owner)  # the next login clears expired sessions away
    assert await hearth.db.fetchval("SELECT array_agg(user_id) FROM dashboard_sessions") == [g.owner.id]


async def test_channels_yes_no_and_durations_through_their_controls(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    news = g.guild.add_text_channel("news", category=g.category)
    await hearth.discord.settle()
    browser = await _alice(hearth, dashboard)
    url = f"/dashboard/{g.guild.id}/settings"
    assert '<select name="value" multiple>' in browser.last_page
    picked = await browser.post(url, {"csrf": browser.csrf(), "scope": "engagement", "key": "ignored_channels",
                                      "value": [str(g.general.id), str(news.id)]})
    assert picked.status_code == 303
    await browser.post(url, {"csrf": browser.csrf(), "scope": "events", "key": "members_can_create", "value": "yes"})
    await browser.post(url, {"csrf": browser.csrf(), "scope": "levels", "key": "cooldown", "value": "2m"})
    settings = hearth.bot.guild_settings
    assert await settings.get(g.guild.id, "engagement", "ignored_channels") == [g.general.id, news.id]
    assert await settings.get(g.guild.id, "events", "members_can_create") is True
    assert await settings.get(g.guild.id, "levels", "cooldown") == 120
    page = await browser.get(url)
    assert "Now: <span>#general #news</span>" in page.text and "Now: <span>2m</span>" in page.text
    # A category where a text channel is needed is refused by the same gate as /config set.
    refused = await browser.post(url, {"csrf": browser.csrf(), "scope": "engagement", "key": "ignored_channels",
                                       "value": [str(g.category.id)]})
    assert refused.status_code == 400 and "is not a text channel" in refused.text
