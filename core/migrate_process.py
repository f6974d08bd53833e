"""Start-up migrations in a child process, so that Alembic and SQLAlchemy (~28 MiB resident, needed for a second
at start-up) never load into the long-running bot process.

`bot.py` calls `upgrade_in_child`; the child (`python -m core.migrate_process`, the URL on its stdin, never on its
command line) runs `core.migrations.upgrade_to_head`: the same advisory lock, the same refusal of a database from
a newer Hearth. Tests and tools call `core.migrations` directly. Figures: docs/scaling.md, "Memory at start-up".
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

from core.migration_errors import UnknownRevisionError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
UNKNOWN_REVISION_EXIT = 3  # the child's exit status for a database at a revision this code does not know
UNREACHABLE_EXIT = 4  # the child could not reach the database

log = logging.getLogger(__name__)


async def upgrade_in_child(database_url: str) -> str:
    """Migrate the database to head in a child process and return the revision (see `upgrade_to_head`).

    Raises `UnknownRevisionError` for a database from the future, `OSError` when the database cannot be reached
    and `RuntimeError` (with the child's output) for anything else."""
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "core.migrate_process", cwd=PROJECT_ROOT,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await child.communicate(database_url.encode())
    output = err.decode(errors="replace").strip()
    if child.returncode == 0:
        for line in output.splitlines():  # what Alembic said (the upgrades it ran), as the bot's own log
            log.info("%s", line)
        return out.decode().strip()
    if child.returncode == UNKNOWN_REVISION_EXIT:
        raise UnknownRevisionError(output)
    if child.returncode == UNREACHABLE_EXIT:
        raise OSError(output)
    raise RuntimeError(f"migrating the database failed (exit status {child.returncode}):\n{output}")


def main() -> int:
    """The child: read the URL from stdin, upgrade, print the revision; the error alone on stderr."""
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s", stream=sys.stderr)
    # Alembic and SQLAlchemy: in this child only (UnknownRevisionError lives apart, in core.migration_errors).
    from core.migrations import upgrade_to_head

    try:
        revision = asyncio.run(upgrade_to_head(sys.stdin.read().strip()))
    except UnknownRevisionError as exc:
        print(exc, file=sys.stderr)
        return UNKNOWN_REVISION_EXIT
    except (OSError, TimeoutError) as exc:
        print(exc, file=sys.stderr)
        return UNREACHABLE_EXIT
    print(revision)
    return 0


if __name__ == "__main__":
    sys.exit(main())
