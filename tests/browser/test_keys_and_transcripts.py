"""API keys and ticket transcripts in a real browser: a key created on the API keys page is shown once, a read key
cannot write, a write key writes as its creator, a key revoked with its button is refused at once; a transcript
holding `<script>` and `onerror` markup shows them as text and runs nothing."""

from __future__ import annotations

import httpx

from tests.browser.kit import Site
from tests.dashboard.insight_kit import closed_and_rated_ticket
from tests.hearth_harness import Hearth
from tests.kit.tickets import ticket_desk

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


async def _timezone(hearth: Hearth) -> str | None:
    return await hearth.db.fetchval("SELECT value FROM bot_settings WHERE guild_id = $1 AND scope = 'system' "
                                    "AND key = 'timezone'", hearth.guild.guild.id)


async def test_keys_made_on_the_page_keep_their_scope_and_die_when_revoked(hearth: Hearth, site: Site) -> None:
    g = hearth.guild
    alice = await site.person(g.admin)
    await alice.login()
    await alice.open(f"/dashboard/{g.guild.id}/api-keys")

    async def create(name: str, scope: str) -> str:
        form = alice.page.locator("form.add")
        await form.get_by_label("Name").fill(name)
        await form.get_by_label("Scope").select_option(scope)
        await form.get_by_role("button", name="Create key").click()
        return (await alice.page.inner_text("#new-key")).strip()

    reader, writer = await create("sync", "read"), await create("deploy", "write")
    await alice.open(f"/dashboard/{g.guild.id}/api-keys")  # shown once: never again, not even to its creator
    assert await alice.page.locator("#new-key").count() == 0 and reader not in await alice.text()

    settings = f"{site.base}/api/v1/guilds/{g.guild.id}/settings"
    timezone = f"{settings}/system/timezone"
    async with httpx.AsyncClient() as api:
        def auth(key: str) -> dict[str, str]:
            return {"Authorization": f"Bearer {key}"}

        assert (await api.get(settings, headers=auth(reader))).status_code == 200
        refused = await api.put(timezone, json={"value": "Europe/Paris"}, headers=auth(reader))
        assert refused.status_code == 403 and "read-only" in refused.json()["error"]
        assert await _timezone(hearth) is None
        written = await api.put(timezone, json={"value": "Europe/Paris"}, headers=auth(writer))
        assert written.status_code == 200, written.text
        assert await _timezone(hearth) == "Europe/Paris"
        by = await hearth.db.fetchval("SELECT changed_by FROM settings_history WHERE change_type = 'api'")
        assert by == g.admin.id  # the key acts for the admin who created it

        row = alice.page.locator("tr.key-row", has_text="sync")
        await row.get_by_role("button", name="Revoke").click()
        await alice.page.wait_for_load_state()
        assert await alice.page.locator("tr.key-row", has_text="sync").get_by_role("button").count() == 0
        gone = await api.get(settings, headers=auth(reader))
        assert gone.status_code == 401 and "revoked" in gone.json()["error"]
        assert (await api.get(settings, headers=auth(writer))).status_code == 200  # only that key
    listed = await hearth.discord.slash("config api_key list", user=g.admin, guild=g.guild)
    assert "deploy" in listed.text and "sync" not in listed.text  # revoked: no longer listed


async def test_a_transcript_with_markup_renders_it_as_text_and_runs_nothing(hearth: Hearth, site: Site) -> None:
    g = hearth.guild
    desk = await ticket_desk(hearth)
    number = await closed_and_rated_ticket(desk)
    alice = await site.person(g.admin)
    # Avatars and images come from Discord's CDN, which this machine cannot reach: answer them with a pixel.
    await alice.context.route("https://cdn.discordapp.com/**",
                              lambda route: route.fulfill(status=200, content_type="image/png", body=PNG))
    dialogs: list[str] = []
    alice.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    await alice.login()
    await alice.open(f"/dashboard/{g.guild.id}/tickets/{number}")
    assert "Crash <script>alert(1)</script>" in await alice.text()
    async with alice.context.expect_page() as opened:  # the transcript opens in its own tab
        await alice.page.get_by_role("link", name="Open the transcript").click()
    tab = await opened.value
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    errors: list[str] = []
    tab.on("console", lambda message: message.type == "error" and errors.append(message.text))
    await tab.wait_for_load_state()
    assert tab.url.endswith(f"/tickets/{number}/transcript")
    shown = await tab.inner_text("body")
    assert "<script>alert(1)</script> and <img src=x onerror=alert(2)>" in shown
    assert await tab.locator("script").count() == 0
    assert await tab.locator("img[onerror]").count() == 0
    assert dialogs == []  # nothing ran: no alert(1), no alert(2)
    await tab.reload()  # listened from its first byte this time: no CSP violation, nothing blocked
    assert errors == [] and dialogs == []
