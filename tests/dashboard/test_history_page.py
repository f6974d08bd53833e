"""The settings history page: the server's history as `/config history` reads it, and a Rollback button per entry
running `/config rollback`'s code path (`rollback_checked`) as the member: recorded as a 'rollback' by them (in
`/config history`), noted in the log channel, audited as `dashboard history`; CSRF, another guild's entry and
members without Manage Server are refused and change nothing."""

from __future__ import annotations

from cogs.audit.api import AuditApi
from tests.hearth_harness import Hearth


async def _history_rows(hearth: Hearth) -> list[tuple]:
    rows = await hearth.db.fetch("SELECT id, guild_id, key, new_value, change_type, changed_by FROM settings_history "
                                 "ORDER BY id")
    return [tuple(row) for row in rows]


async def _two_changes(hearth: Hearth) -> tuple[int, int]:
    """/config set timezone twice (Europe/Paris, then Asia/Tokyo): the two entry ids."""
    g = hearth.guild
    for zone in ("Europe/Paris", "Asia/Tokyo"):
        await hearth.discord.slash("config set", user=g.admin, guild=g.guild, scope="system", key="timezone",
                                   value=zone)
        hearth.clock.advance(seconds=1)
    ids = await hearth.db.fetch("SELECT id FROM settings_history WHERE key = 'timezone' ORDER BY id")
    return ids[0]["id"], ids[1]["id"]


async def test_the_page_lists_the_history_newest_first_with_a_rollback_button_each(hearth: Hearth,
                                                                                   dashboard) -> None:
    g = hearth.guild
    paris, tokyo = await _two_changes(hearth)
    browser = dashboard()
    await browser.login(g.admin)
    page = await browser.get(f"/dashboard/{g.guild.id}/history")
    assert page.status_code == 200
    text = page.text
    assert f'href="/dashboard/{g.guild.id}/history" aria-current="page"' in text
    assert text.index(f'id="entry-{tokyo}"') < text.index(f'id="entry-{paris}"')
    assert "<code>system.timezone</code>" in text and "Europe/Paris</span> → <span class=\"value\">Asia/Tokyo" in text
    assert "default (UTC)</span> → <span class=\"value\">Europe/Paris" in text
    assert "@alice" in text and "2 changes" in text and "times in Asia/Tokyo" in text
    assert text.count('name="entry"') == 2 and f'name="entry" value="{paris}"' in text
    # The same entries as the slash command shows.
    shown = await hearth.discord.slash("config history", user=g.admin, guild=g.guild)
    assert f"#{paris}" in shown.text and f"#{tokyo}" in shown.text


async def test_rollback_on_the_web_is_config_rollback_as_the_member(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    logs = g.guild.add_text_channel("bot-log")
    await hearth.discord.settle()
    await hearth.bot.guild_settings.set(g.guild.id, "system", "log_channel", logs.id, changed_by=g.owner.id)
    paris, _ = await _two_changes(hearth)
    browser = dashboard()
    await browser.login(g.admin)
    await browser.get(f"/dashboard/{g.guild.id}/history")
    answer = await browser.post(f"/dashboard/{g.guild.id}/history", {"csrf": browser.csrf(), "entry": str(paris)})
    assert answer.status_code == 303 and answer.headers["location"] == f"/dashboard/{g.guild.id}/history?rolled={paris}"
    assert await hearth.bot.guild_settings.get(g.guild.id, "system", "timezone") == "Europe/Paris"
    last = (await _history_rows(hearth))[-1]
    assert last[2:] == ("timezone", "Europe/Paris", "rollback", g.admin.id)
    got = await hearth.discord.slash("config get", user=g.admin, guild=g.guild, scope="system", key="timezone")
    assert "Europe/Paris" in got.text
    shown = await hearth.discord.slash("config history", user=g.admin, guild=g.guild, scope="system", key="timezone")
    assert f"**#{last[0]}** `system.timezone` `Asia/Tokyo` → `Europe/Paris` · rollback · <@{g.admin.id}>" in shown.text
    await hearth.discord.settle()
    note = hearth.discord.last_message(logs)
    assert note is not None and note.content == (f"⚙️ <@{g.admin.id}> changed a setting on the dashboard: "
                                                 f"system.timezone rolled back to entry #{paris}: Asia/Tokyo → "
                                                 "Europe/Paris")
    page = await browser.get(answer.headers["location"])
    assert f"system.timezone rolled back to entry #{paris}." in page.text
    audited = await hearth.bot.apis.get(AuditApi).recent(g.guild.id, command="dashboard")
    assert [(e.user_id, e.command_name) for e in audited] == [(g.admin.id, "dashboard history")]
    # Again: the value is already there, nothing is recorded.
    again = await browser.post(f"/dashboard/{g.guild.id}/history", {"csrf": browser.csrf(), "entry": str(paris)})
    assert again.status_code == 200 and f"as entry #{paris} set it; nothing changed" in again.text
    assert len(await _history_rows(hearth)) == 4


async def test_forged_csrf_another_guilds_entry_and_non_managers_change_nothing(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    paris, _ = await _two_changes(hearth)
    await hearth.bot.guild_settings.set(42, "system", "timezone", "America/Lima", changed_by=1)
    foreign = (await _history_rows(hearth))[-1][0]
    before = await _history_rows(hearth)
    alice = dashboard()
    await alice.login(g.admin)
    await alice.get(f"/dashboard/{g.guild.id}/history")
    url = f"/dashboard/{g.guild.id}/history"
    for token in (None, "forged"):
        data = {"entry": str(paris)} | ({} if token is None else {"csrf": token})
        refused = await alice.post(url, data)
        assert refused.status_code == 403 and "Nothing was changed" in refused.text
    other = await alice.post(url, {"csrf": alice.csrf(), "entry": str(foreign)})
    assert other.status_code == 400 and f"There is no history entry #{foreign} on this server." in other.text
    assert "America/Lima" not in other.text
    junk = await alice.post(url, {"csrf": alice.csrf(), "entry": "1; DROP TABLE"})
    assert junk.status_code == 400
    bob = dashboard()
    await bob.login(g.member)
    await bob.get("/dashboard/")
    assert (await bob.get(url)).status_code == 403
    assert (await bob.post(url, {"csrf": bob.csrf(), "entry": str(paris)})).status_code == 403
    assert await _history_rows(hearth) == before
    assert await hearth.bot.guild_settings.get(g.guild.id, "system", "timezone") == "Asia/Tokyo"
    assert await hearth.bot.guild_settings.get(42, "system", "timezone") == "America/Lima"


async def test_a_value_refused_now_is_not_restored_and_the_reason_is_shown(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    old = g.guild.add_text_channel("old-log")
    await hearth.discord.settle()
    await hearth.discord.slash("config set", user=g.admin, guild=g.guild, scope="system", key="log_channel",
                               options={"channel": old})
    entry = (await _history_rows(hearth))[-1][0]
    await hearth.discord.slash("config set", user=g.admin, guild=g.guild, scope="system", key="log_channel",
                               options={"channel": g.general})
    g.guild.delete_channel(old, by=g.owner)
    await hearth.discord.settle()
    browser = dashboard()
    await browser.login(g.admin)
    await browser.get(f"/dashboard/{g.guild.id}/history")
    answer = await browser.post(f"/dashboard/{g.guild.id}/history", {"csrf": browser.csrf(), "entry": str(entry)})
    assert answer.status_code == 400 and 'role="alert"' in answer.text
    assert f"Entry #{entry} can&#39;t be restored now" in answer.text and "Nothing was changed" in answer.text
    assert await hearth.bot.guild_settings.get(g.guild.id, "system", "log_channel") == g.general.id


async def test_the_history_is_paged_25_at_a_time(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    for n in range(27):
        await hearth.bot.guild_settings.set(g.guild.id, "levels", "cooldown", 60 + n, changed_by=g.admin.id)
    browser = dashboard()
    await browser.login(g.admin)
    first = await browser.get(f"/dashboard/{g.guild.id}/history")
    assert first.text.count('class="history-row"') == 25 and "?page=2" in first.text and 'rel="prev"' not in first.text
    second = await browser.get(f"/dashboard/{g.guild.id}/history?page=2")
    assert second.text.count('class="history-row"') == 2 and 'rel="next"' not in second.text
    assert (await browser.get(f"/dashboard/{g.guild.id}/history?page=-3")).status_code == 200


async def test_one_settings_history_from_its_link_on_the_settings_page(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    await _two_changes(hearth)
    await hearth.bot.guild_settings.set(g.guild.id, "levels", "cooldown", 90, changed_by=g.admin.id)
    browser = dashboard()
    await browser.login(g.admin)
    settings = await browser.get(f"/dashboard/{g.guild.id}/settings")
    link = f'href="/dashboard/{g.guild.id}/history?setting=system.timezone"'
    assert link in settings.text
    only = await browser.get(f"/dashboard/{g.guild.id}/history?setting=system.timezone")
    assert only.text.count('class="history-row"') == 2 and "levels.cooldown" not in only.text
    assert "Changes of <code>system.timezone</code> only" in only.text
    every = await browser.get(f"/dashboard/{g.guild.id}/history?setting=%3Cscript%3E.x")  # not a setting: all
    assert every.text.count('class="history-row"') == 3
    assert "&lt;script" not in every.text and "<script" not in every.text
