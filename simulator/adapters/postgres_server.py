"""A throw-away PostgreSQL server (Debian's postgresql package), for the tests and `rasim load run`.

As root the server runs as the ``postgres`` user (initdb refuses to run as root); otherwise as
the current user. Data folder, socket and log live in one temporary folder that is removed on
stop. If the server cannot start, ``PostgresServerError`` says why and carries the log: the
tests then fail, they never skip; `rasim load run` stops with the reason.
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa


class PostgresServerError(RuntimeError):
    """The PostgreSQL server could not be found, initialised or started."""


def find_bin_dir() -> Path:
    """The newest /usr/lib/postgresql/<version>/bin holding initdb and pg_ctl."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                        key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0)
    for path in reversed(candidates):
        if (Path(path) / "initdb").exists() and (Path(path) / "pg_ctl").exists():
            return Path(path)
    raise PostgresServerError("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin; "
                              "install Debian's postgresql package (apt-get install -y postgresql)")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """``with PostgresServer() as server: server.url`` -> postgresql+psycopg://postgres@127.0.0.1:PORT"""

    def __init__(self, port: int | None = None, start_timeout: float = 30.0) -> None:
        self.port = port or free_port()
        self.start_timeout = start_timeout
        self.bin_dir: Path | None = None
        self.base: Path | None = None
        self._started = False

    # -- paths ------------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}"

    @property
    def data_dir(self) -> Path:
        assert self.base is not None
        return self.base / "data"

    @property
    def log_path(self) -> Path:
        assert self.base is not None
        return self.base / "server.log"

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-8000:]
        except (OSError, AssertionError):
            return "(no log)"

    # -- running commands as the server's user ---------------------------------------------------------
    def _as_owner(self, argv: list[str]) -> list[str]:
        if os.geteuid() != 0:
            return argv
        runuser = shutil.which("runuser")
        if runuser:
            return [runuser, "-u", "postgres", "--", *argv]
        return ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(f"'{a}'" for a in argv)]

    def _run(self, argv: list[str], what: str, timeout: float = 120) -> None:
        try:
            proc = subprocess.run(self._as_owner(argv), capture_output=True, text=True, timeout=timeout)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PostgresServerError(f"{what} failed: {exc}\n--- server log ---\n{self.log()}") from exc
        if proc.returncode != 0:
            raise PostgresServerError(
                f"{what} failed (exit {proc.returncode}): {' '.join(argv)}\n--- stdout ---\n{proc.stdout}"
                f"\n--- stderr ---\n{proc.stderr}\n--- server log ---\n{self.log()}")

    # -- lifecycle ------------------------------------------------------------------------------------------
    def start(self) -> "PostgresServer":
        self.bin_dir = find_bin_dir()
        self.base = Path(tempfile.mkdtemp(prefix="rasim-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self.base, user="postgres", group="postgres")
        os.chmod(self.base, 0o700)
        self._run([str(self.bin_dir / "initdb"), "-D", str(self.data_dir), "-A", "trust", "-U", "postgres",
                   "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], "initdb")
        options = (f"-k {self.base} -p {self.port} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        self._run([str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-o", options, "-l", str(self.log_path),
                   "-w", "-t", str(int(self.start_timeout)), "start"], "pg_ctl start")
        self._started = True
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            try:
                engine = sa.create_engine(self.url + "/postgres")
                with engine.connect() as conn:
                    conn.execute(sa.text("select 1"))
                engine.dispose()
                return
            except Exception as exc:  # noqa: BLE001 - any failure means "not yet"
                last = exc
                time.sleep(0.2)
        self.stop()
        raise PostgresServerError(f"PostgreSQL did not accept connections on port {self.port}: {last}"
                                  f"\n--- server log ---\n{self.log()}")

    def stop(self) -> None:
        if self._started and self.bin_dir is not None:
            self._started = False
            try:
                self._run([str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "immediate", "-w",
                           "stop"], "pg_ctl stop", timeout=60)
            except PostgresServerError:
                pass
        if self.base is not None:
            shutil.rmtree(self.base, ignore_errors=True)
            self.base = None

    def __enter__(self) -> "PostgresServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def create_database(server_url: str, name: str) -> str:
    """Create an empty database on the server; returns its SQLAlchemy URL."""
    if not name.replace("_", "").isalnum():
        raise ValueError(f"not a safe database name: {name!r}")
    engine = sa.create_engine(server_url.rstrip("/") + "/postgres", isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\''))
    finally:
        engine.dispose()
    return f"{server_url.rstrip('/')}/{name}"
