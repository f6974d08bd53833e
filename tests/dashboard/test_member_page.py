"""The members' own page, `/dashboard/{guild}/me`: any member of the server, their own figures only (rank,
profile, points, premium), "Manage billing" through /premium manage's code path (the Stripe stand-in), and their
data requests through /export_my_data's and /delete_my_data's (the same limit, the same erasure, recorded)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from cogs.levels import curve
from tests.hearth_harness import Hearth
from tests.kit.levels import levels_desk
from tests.kit.premium import seed_premium
from utils.cooldowns import OnCooldown


async def _page(hearth: Hearth, opener, person):
    browser = opener()
    await browser.login(person)
    answer = await browser.get(f"/dashboard/{hearth.guild.guild.id}/me")
    assert answer.status_code == 200, answer.text
    return browser, answer.text


async def test_every_member_has_my_page_and_manage_only_where_they_manage(hearth: Hearth, dashboard) -> None:
    g = hearth.guild.guild.id
    for person, manages in ((hearth.guild.member, False), (hearth.guild.admin, True)):
        browser = dashboard()
        await browser.login(person)
        home = (await browser.get("/dashboard/")).text
        assert f'href="/dashboard/{g}/me">My page' in home
        assert (f'href="/dashboard/{g}/overview">Manage' in home) is manages
    browser, page = await _page(hearth, dashboard, hearth.guild.member)
    assert hearth.guild.member.user.username in page and 'id="data"' in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page  # usable on a phone
    assert f"/dashboard/{g}/settings" not in page  # no manager navigation for a member


async def test_rank_profile_and_points_are_the_members_own(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    levels = await levels_desk(hearth)
    await levels.seed(g.member, 500)
    await levels.seed(g.admin, 4000)
    _, page = await _page(hearth, dashboard, g.member)
    level = curve.level_of(500)
    assert f"<dt>Level</dt><dd>{level}</dd>" in page and "<dt>Rank</dt><dd>#2</dd>" in page
    assert "<dt>XP</dt><dd>500 in total</dd>" in page and "4,000" not in page
    assert "<dt>Points</dt><dd>0</dd>" in page and "<dt>Messages</dt><dd>0</dd>" in page
    # The slash command's view of the same figures: /rank reads LevelsApi.rank too.
    api = hearth.bot.apis.get(type(hearth.bot.get_cog("Levels").api))
    figures = await api.rank(g.guild.id, g.member.id)
    assert (figures.level, figures.rank, figures.xp) == (level, 2, 500)


async def test_premium_status_and_billing_portal_through_premium_manage(hearth: Hearth, stripe_dashboard,
                                                                       stripe_api) -> None:
    g = hearth.guild
    customer = stripe_api.add_customer()["id"]
    until = datetime(2027, 3, 1, tzinfo=UTC)
    await seed_premium(hearth, g.member.id, g.guild.id, "yearly", expires_at=until)
    await hearth.db.execute("UPDATE premium_subs SET stripe_customer_id = $1 WHERE user_id = $2", customer,
                            g.member.id)
    browser, page = await _page(hearth, stripe_dashboard, g.member)
    assert "<dt>Plan</dt><dd>Yearly</dd>" in page and "01 Mar 2027" in page and "Manage billing" in page
    url = f"/dashboard/{g.guild.id}/me"
    forged = await browser.post(url, {"csrf": "forged", "action": "billing"})
    assert forged.status_code == 403 and stripe_api.requests_to("POST", "/v1/billing_portal/sessions") == []
    opened = await browser.post(url, {"csrf": browser.csrf(), "action": "billing", "user_id": str(g.admin.id)})
    assert opened.status_code == 303 and opened.headers["location"].startswith("https://billing.stripe.com/")
    [request] = stripe_api.requests_to("POST", "/v1/billing_portal/sessions")
    assert request.form == {"customer": customer, "return_url": f"http://dashboard.test{url}"}
    stripe_api.fail("POST", "/v1/billing_portal/sessions", 500)
    failed = await browser.post(url, {"csrf": browser.csrf(), "action": "billing"})
    assert failed.status_code == 502
    assert "couldn&#39;t open your billing settings" in failed.text and "Stripe had a problem" in failed.text
    # The limit of /premium manage is the same one: 3 links a minute per member (a failed call counts).
    assert (await browser.post(url, {"csrf": browser.csrf(), "action": "billing"})).status_code == 303
    slowed = await browser.post(url, {"csrf": browser.csrf(), "action": "billing"})
    assert slowed.status_code == 400 and "too often" in slowed.text


async def test_no_billing_account_and_someone_elses_premium_stay_out(hearth: Hearth, stripe_dashboard,
                                                                    stripe_api) -> None:
    g = hearth.guild
    await seed_premium(hearth, g.admin.id, g.guild.id, "lifetime")
    browser, page = await _page(hearth, stripe_dashboard, g.member)
    assert "You don't have premium" in page and "Lifetime" not in page and "Manage billing" not in page
    refused = await browser.post(f"/dashboard/{g.guild.id}/me", {"csrf": browser.csrf(), "action": "billing",
                                                                 "user_id": str(g.admin.id)})
    assert refused.status_code == 400 and "no billing account yet" in refused.text
    assert stripe_api.requests_to("POST", "/v1/billing_portal/sessions") == []


async def test_export_is_the_members_own_data_and_shares_the_commands_limit(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    await seed_premium(hearth, g.member.id, g.guild.id, "yearly")
    await seed_premium(hearth, g.admin.id, g.guild.id, "monthly")
    browser, _ = await _page(hearth, dashboard, g.member)
    url = f"/dashboard/{g.guild.id}/me"
    assert (await browser.post(url, {"action": "export"})).status_code == 403  # no CSRF token
    answer = await browser.post(url, {"csrf": browser.csrf(), "action": "export", "user_id": str(g.admin.id)})
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    assert "attachment" in answer.headers["content-disposition"]
    document = json.loads(answer.content)
    assert document["user_id"] == g.member.id
    assert [row["tier"] for row in document["data"]["premium"]["premium_subs"]] == ["yearly"]
    rows = await hearth.db.fetch("SELECT user_id, kind, via, outcome FROM gdpr_requests")
    assert [tuple(r) for r in rows] == [(g.member.id, "export", "dashboard", "done")]
    page = (await browser.get(url)).text
    assert "<td>Data export</td>" in page and "<td>dashboard</td>" in page
    with hearth.discord.expect_errors(OnCooldown):
        slash = await hearth.discord.slash("export_my_data", user=g.member, guild=g.guild)
    assert "too often" in slash.text
    again = await browser.post(url, {"csrf": browser.csrf(), "action": "export"})
    assert again.status_code == 400 and "too often" in again.text
    assert await hearth.db.fetchval("SELECT count(*) FROM gdpr_requests") == 1


async def test_erasure_needs_confirmation_then_erases_only_the_member(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    levels = await levels_desk(hearth)
    await levels.seed(g.member, 500)
    await levels.seed(g.admin, 700)
    browser, _ = await _page(hearth, dashboard, g.member)
    url = f"/dashboard/{g.guild.id}/me"
    asked = await browser.post(url, {"csrf": browser.csrf(), "action": "erase", "user_id": str(g.admin.id)})
    assert asked.status_code == 200 and 'id="confirm-erase"' in asked.text and "cannot be undone" in asked.text
    assert await levels.xp(g.member) == 500  # nothing yet
    forged = await browser.post(url, {"csrf": "forged", "action": "erase_confirmed"})
    assert forged.status_code == 403 and await levels.xp(g.member) == 500
    done = await browser.post(url, {"csrf": browser.csrf(), "action": "erase_confirmed",
                                    "user_id": str(g.admin.id)})
    assert done.status_code == 200 and "Your data was erased." in done.text and "logged out" in done.text
    assert await levels.xp(g.member) == 0 and await levels.xp(g.admin) == 700
    rows = await hearth.db.fetch("SELECT user_id, kind, via, outcome FROM gdpr_requests")
    assert [tuple(r) for r in rows] == [(g.member.id, "erasure", "dashboard", "done")]
    # Their sessions were part of their data: this browser is logged out.
    assert "Log in" in (await browser.get("/dashboard/")).text
    assert (await browser.get(url)).status_code == 401
    # /delete_my_data shares the limit.
    with hearth.discord.expect_errors(OnCooldown):
        slash = await hearth.discord.slash("delete_my_data", user=g.member, guild=g.guild)
    assert "too often" in slash.text


async def test_only_members_now(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    other = hearth.discord.add_guild("Elsewhere")
    await hearth.discord.settle()
    browser, _ = await _page(hearth, dashboard, g.member)
    assert (await browser.get(f"/dashboard/{other.id}/me")).status_code == 403
    assert (await browser.get("/dashboard/123456789012345678/me")).status_code == 403
    token = browser.csrf()
    g.guild.kick(g.member, by=g.owner)
    await hearth.discord.settle()
    url = f"/dashboard/{g.guild.id}/me"
    assert (await browser.get(url)).status_code == 403
    late = await browser.post(url, {"csrf": token, "action": "export"})
    assert late.status_code == 403
    assert await hearth.db.fetchval("SELECT count(*) FROM gdpr_requests") == 0
