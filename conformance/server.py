"""Start a rasim simulator as a subprocess on a free port, wait until it answers, stop it.

    with SimulatorServer() as server:          # fresh SQLite database in a temporary folder
        print(server.url)                      # http://127.0.0.1:<port>

    SimulatorServer(database_url="postgresql+psycopg://…/db", workers=4)   # several workers
    SimulatorServer(edition="2026")            # `rasim serve --edition 2026`: the current system

The server runs ``python -m simulator.cli serve --port P`` with RASIM_DATABASE_URL,
RASIM_VAR_DIR and RASIM_CARDS_DIR pointing at the temporary folder (or the given database).
``server.cards_dir`` is the cards folder whose test JPKI CA the server trusts: issue virtual cards
there (conformance/card.py) to register and log in with the My Number Card. A RASIM_CARDS_DIR
given in ``env`` wins. Its output goes to
``server.log`` in that folder; when it cannot start, ``SimulatorServerError`` carries the end
of the log. The temporary folder is removed on stop unless ``keep=True``.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

STATUS_PATH = "/api/v1/system/status"


class SimulatorServerError(RuntimeError):
    """The simulator did not start or did not answer in time."""


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class SimulatorServer:
    def __init__(self, database_url: str | None = None, workers: int = 1, host: str = "127.0.0.1",
                 port: int | None = None, env: dict[str, str] | None = None, startup_timeout: float = 60.0,
                 keep: bool = False, python: str | None = None, edition: str | None = None) -> None:
        self.requested_database_url = database_url
        self.workers = workers
        self.host = host
        self.port = port
        self.extra_env = dict(env or {})
        self.startup_timeout = startup_timeout
        self.keep = keep
        self.python = python or sys.executable
        self.edition = edition   # `serve --edition`: None leaves it to RASIM_EDITION
        self.workdir: Path | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self.database_url: str | None = None
        self.cards_dir: Path | None = None

    @property
    def url(self) -> str:
        if self.port is None:
            raise SimulatorServerError("the server has not been started")
        return f"http://{self.host}:{self.port}"

    @property
    def log_path(self) -> Path:
        assert self.workdir is not None
        return self.workdir / "server.log"

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except (OSError, AssertionError):
            return ""

    # -- lifecycle ---------------------------------------------------------------------------------------
    def start(self) -> SimulatorServer:
        if self.process is not None:
            return self
        self.workdir = Path(tempfile.mkdtemp(prefix="rasim-conformance-"))
        self.port = self.port or free_port(self.host)
        self.database_url = self.requested_database_url or f"sqlite:///{self.workdir}/rasim.sqlite3"
        env = dict(os.environ)
        env.update({"RASIM_DATABASE_URL": self.database_url, "RASIM_VAR_DIR": str(self.workdir / "var"),
                    "RASIM_CARDS_DIR": str(self.workdir / "cards"), "RASIM_TEST_SUPPORT": "1",
                    "PYTHONUNBUFFERED": "1"})
        env.update(self.extra_env)
        self.cards_dir = Path(env["RASIM_CARDS_DIR"])
        cmd = [self.python, "-m", "simulator.cli", "serve", "--host", self.host, "--port", str(self.port),
               "--workers", str(self.workers), "--no-card-stack"]   # scenarios use the card in-process
        if self.edition:
            cmd += ["--edition", self.edition]
        log = open(self.log_path, "wb")  # noqa: SIM115 - kept open for the child's lifetime
        try:
            self.process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env,
                                            cwd=str(Path(__file__).resolve().parent.parent),
                                            start_new_session=True)
        finally:
            log.close()
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_until_ready(self) -> None:
        import requests

        assert self.process is not None
        deadline = time.monotonic() + self.startup_timeout
        last_error: Any = None
        while time.monotonic() < deadline:
            code = self.process.poll()
            if code is not None:
                raise SimulatorServerError(f"the simulator exited with code {code} before answering:\n"
                                           f"{self.log_tail()}")
            try:
                r = requests.get(self.url + STATUS_PATH, timeout=2)
                if r.status_code == 200:
                    return
                last_error = f"HTTP {r.status_code}"
            except requests.RequestException as exc:
                last_error = exc
            time.sleep(0.1)
        raise SimulatorServerError(f"the simulator did not answer {STATUS_PATH} within "
                                   f"{self.startup_timeout:.0f} s (last: {last_error}):\n{self.log_tail()}")

    def stop(self) -> None:
        proc, self.process = self.process, None
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)   # the whole group: gunicorn's workers too
            except ProcessLookupError:
                pass
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait(timeout=5)
        if self.workdir is not None and not self.keep:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None
            self.cards_dir = None

    def __enter__(self) -> SimulatorServer:  # noqa: PYI034 - start() returns self
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
