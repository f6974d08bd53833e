"""The migration error the bot catches at start-up, apart from Alembic: `bot.py` and the migration child process
import it without importing Alembic (core/migrate_process.py), and `core.migrations` raises it."""


class UnknownRevisionError(RuntimeError):
    """The database carries a migration revision this code does not know."""
