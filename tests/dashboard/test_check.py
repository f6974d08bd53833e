"""`python bot.py --check` says what the enabled dashboard still needs; a bad address is a configuration error."""

from __future__ import annotations

from tests.foundation.test_cli import run_bot


def test_check_names_what_the_dashboard_needs(database_url: str) -> None:
    env = {"DATABASE_URL": database_url, "DASHBOARD_ENABLED": "true", "DISCORD_CLIENT_ID": "1234"}
    result = run_bot("--check", "--cogs", "dashboard", env=env)
    assert result.returncode == 0, result.stderr
    assert ("Dashboard: missing PUBLIC_URL, DISCORD_CLIENT_SECRET (the dashboard is off until they are set)"
            in result.stdout)
    ready = run_bot("--check", "--cogs", "dashboard", env={
        **env, "PUBLIC_URL": "https://hearth.example.org/", "DISCORD_CLIENT_SECRET": "s"})
    assert "Dashboard: on at https://hearth.example.org/dashboard/" in ready.stdout
    off = run_bot("--check", "--cogs", "dashboard", env={"DATABASE_URL": database_url})
    assert "Dashboard:" not in off.stdout


def test_a_base_url_that_is_no_address_is_a_configuration_error() -> None:
    result = run_bot("--check", env={"PUBLIC_URL": "hearth.example.org"})
    assert result.returncode == 2
    assert "PUBLIC_URL: must be an http(s):// address" in result.stderr
    client = run_bot("--check", env={"DISCORD_CLIENT_ID": "my-app"})
    assert result.returncode == 2 and "DISCORD_CLIENT_ID: must be the application's numeric client id" in client.stderr
