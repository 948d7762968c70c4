"""A throwaway PostgreSQL server for the tests that need a real one.

One cluster per test session, made by ``initdb`` in a temporary folder and started by
``pg_ctl`` on a Unix socket only (no TCP port to collide with another run), stopped and
removed at the end. PostgreSQL refuses to run as root: as root the cluster belongs to
the ``postgres`` system user (``runuser``), otherwise to the current user. Each test
gets a database of its own, made from the empty template.

When no server can be started (no PostgreSQL installed, no ``postgres`` user) the
tests that need one skip and say why, unless ``CI`` is set: CI must test PostgreSQL, so
there it is an error.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

SUPERUSER = "postgres"
_PG_ROOTS = (Path("/usr/lib/postgresql"), Path("/usr/local/pgsql"))


@dataclass
class PostgresServer:
    """A running cluster: its socket folder and how to run its tools."""

    socket_dir: Path
    bin_dir: Path
    run_as: list[str]
    _numbers: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def url(self, database: str) -> str:
        """The library URL of a database: the superuser, through the Unix socket."""
        return f"postgresql://{SUPERUSER}@/{database}?host={self.socket_dir}"

    def execute(self, database: str, sql: str) -> list[tuple[object, ...]]:
        """Run one statement outside a transaction (CREATE DATABASE needs that)."""
        import psycopg

        with psycopg.connect(
            host=str(self.socket_dir), user=SUPERUSER, dbname=database, autocommit=True
        ) as connection:
            cursor = connection.execute(sql.encode())
            return cursor.fetchall() if cursor.description else []

    def new_database(self) -> str:
        """A fresh, empty database; returns its name."""
        name = f"rl_test_{os.getpid()}_{next(self._numbers)}"
        self.execute("postgres", f'CREATE DATABASE "{name}" TEMPLATE template0')
        return name

    def drop_database(self, name: str) -> None:
        self.execute("postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _bin_dir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    for root in _PG_ROOTS:
        versions = sorted(root.glob("*/bin/pg_ctl"), key=lambda p: p.parts[-3])
        if versions:
            return versions[-1].parent
        if (root / "bin" / "pg_ctl").exists():
            return root / "bin"
    return None


def _run_as() -> list[str]:
    """How to run the server's tools: as ``postgres`` when we are root."""
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    if runuser is None:
        raise RuntimeError("running as root without runuser: cannot start PostgreSQL")
    import pwd

    try:
        pwd.getpwnam(SUPERUSER)
    except KeyError:
        raise RuntimeError("running as root and there is no 'postgres' user") from None
    return [runuser, "-u", SUPERUSER, "--"]


@contextlib.contextmanager
def running_server() -> Iterator[PostgresServer]:
    """Start a throwaway cluster; stop it and remove its folder after."""
    bin_dir = _bin_dir()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL is not installed (no pg_ctl; apt install postgresql)")
    run_as = _run_as()
    # Short: a Unix socket's path may not exceed 107 bytes.
    folder = Path(tempfile.mkdtemp(prefix="rlpg-", dir="/tmp"))
    data, sockets = folder / "data", folder / "sock"
    sockets.mkdir()
    if run_as:
        shutil.chown(folder, SUPERUSER)
        shutil.chown(sockets, SUPERUSER)
    try:
        subprocess.run(
            [
                *run_as,
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
            ],
            capture_output=True,
            check=True,
        )
        options = f"-c listen_addresses='' -k {sockets} -c fsync=off -c max_connections=200"
        subprocess.run(
            [
                *run_as,
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(folder / "server.log"),
                "-w",
                "start",
            ],
            capture_output=True,
            check=True,
        )
        try:
            yield PostgresServer(sockets, bin_dir, run_as)
        finally:
            subprocess.run(
                [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                capture_output=True,
                check=False,
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The session's server (started at the first test that asks for it)."""
    try:
        context = running_server()
        server = context.__enter__()
    except (RuntimeError, OSError, subprocess.CalledProcessError) as problem:
        said = getattr(problem, "stderr", None) or problem
        reason = f"no PostgreSQL server could be started: {str(said).strip()[:300]}"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI must test PostgreSQL)")
        pytest.skip(reason)
    try:
        yield server
    finally:
        context.__exit__(None, None, None)


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """The URL of a fresh, empty database on the session's server (dropped after)."""
    name = postgres_server.new_database()
    try:
        yield postgres_server.url(name)
    finally:
        postgres_server.drop_database(name)
