"""`rasim bench requests`: the cost of an authenticated request, next to a hello-world.

Starts two servers in subprocesses, the same way: a Flask hello-world (simulator/bench_hello.py)
and rasim (`rasim serve`, through conformance.server.SimulatorServer), both through web/serving.py
(gunicorn's gthread workers, N of them). Seeds an account and a session
token through the API and test support (agent certificate, registration, the mail's link, initial
password, login), then loads `GET /` of the hello-world and `GET /api/v1/me` (bearer token) of
rasim with the same load generator — wrk when installed, else a Python one (threads, one
keep-alive http.client connection each) — and prints requests/s and median latency of both and
their ratio. Figures only: nothing here passes or fails on a timing.
"""
from __future__ import annotations

import datetime as dt
import http.client
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

import click

ROOT = Path(__file__).resolve().parent.parent
ME = "/api/v1/me"
PASSWORD = "AB12345!"


@dataclass
class Load:
    """What one load run measured."""

    requests: int
    seconds: float
    median_ms: float
    non_2xx: int
    errors: int
    cpu_seconds: float | None = None   # CPU time the server's processes spent during the run

    @property
    def cpu_ms(self) -> float | None:
        return self.cpu_seconds * 1000 / self.requests if self.cpu_seconds is not None and self.requests else None

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


# -- the servers ------------------------------------------------------------------------------------------

class HelloServer:
    """The hello-world in a subprocess (own process group), on a free port, until stop()."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.process: subprocess.Popen[bytes] | None = None
        self.workdir = Path(tempfile.mkdtemp(prefix="rasim-bench-hello-"))
        self.url = ""

    def start(self) -> HelloServer:
        from conformance.server import free_port

        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        # exactly what `rasim serve --workers N` runs, app and ticker aside
        cmd = [sys.executable, "-m", "simulator.bench_hello", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(self.workers)]
        with open(self.workdir / "server.log", "wb") as log:
            self.process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=str(ROOT),
                                            env={**os.environ, "PYTHONUNBUFFERED": "1"}, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise click.ClickException(f"the hello-world exited:\n{self._log()}")
            try:
                if _get(self.url + "/", {})[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        raise click.ClickException(f"the hello-world did not answer within 60 s:\n{self._log()}")

    def _log(self) -> str:
        return (self.workdir / "server.log").read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        proc, self.process = self.process, None
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=10)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
        shutil.rmtree(self.workdir, ignore_errors=True)


def group_cpu_seconds(pgid: int | None) -> float | None:
    """User + system CPU time of the live processes of a process group (the server and its workers),
    from /proc; None where there is no /proc."""
    if pgid is None or not os.path.isdir("/proc"):
        return None
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:   # pgrp; utime and stime follow at 11 and 12
            total += int(fields[11]) + int(fields[12])
    return total / tick


def _get(url: str, headers: dict[str, str], timeout: float = 10) -> tuple[int, bytes]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request("GET", parts.path or "/", headers=headers)
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def seed_token(base_url: str) -> str:
    """A lawyer registered and logged in through the API and test support: the bearer token."""
    from conformance.client import RasimClient

    client = RasimClient.over_http(base_url)
    tag = secrets.randbelow(10**6)
    number, email = f"132010{tag:06d}", f"bench{tag:06d}-{secrets.token_hex(3)}@example.jp"
    valid_until = (dt.date.today() + dt.timedelta(days=3 * 365)).isoformat()

    def ok(reply, what: str):  # noqa: ANN001, ANN202
        if not reply.ok:
            raise click.ClickException(f"seeding failed at {what}: {reply.describe()}")
        return reply.json

    try:
        ok(client.put_agent_certificate(number=number, kind="lawyer", name="法務太郎", birth_date="1980-01-02",
                                        valid_until=valid_until), "the agent certificate")
        ok(client.register_agent(agent_certificate_number=number, name="法務太郎", birth_date="1980-01-02",
                                 address_pref_city="東京都千代田区", address_street="霞が関１－１－１", phone="0312345678",
                                 email=email, email_confirm=email, agree_terms=True), "the registration")
        link = client.link_from_last_mail(email, "registration_received")
        auth_id = ok(client.set_initial_password(link, PASSWORD), "the initial password")["auth_id"]
        return ok(client.login(auth_id, PASSWORD), "the login")["token"]
    finally:
        client.close()


# -- the load generators ----------------------------------------------------------------------------------

def _progress(label: str, seconds: float, done: Callable[[], bool]) -> None:
    """A bar over the seconds of a run (on stderr; only the label when that is no terminal)."""
    steps = max(1, round(seconds * 4))
    start = time.monotonic()
    with click.progressbar(length=steps, label=label, file=sys.stderr, show_eta=False) as bar:
        shown = 0
        while not done():
            time.sleep(0.05)
            due = min(steps, int((time.monotonic() - start) * 4))
            if due > shown:
                bar.update(due - shown)
                shown = due
        bar.update(steps - shown)


_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def parse_wrk(text: str) -> Load:
    """The figures of `wrk --latency` output."""
    done = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)\b", text)
    median = re.search(r"^\s*50%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)
    if not done or not median:
        raise click.ClickException(f"cannot read the output of wrk:\n{text}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    return Load(requests=int(done.group(1)), seconds=float(done.group(2)) * _UNIT_MS[done.group(3)] / 1000,
                median_ms=float(median.group(1)) * _UNIT_MS[median.group(2)],
                non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
                errors=sum(map(int, socket.groups())) if socket else 0)


def wrk_load(url: str, headers: dict[str, str], connections: int, seconds: float, label: str) -> Load:
    threads = max(1, min(connections, os.cpu_count() or 2, 4))
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(seconds))}s", "--latency",
           "--timeout", "30s"]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen([*cmd, url], stdout=out, stderr=subprocess.STDOUT)
        _progress(label, seconds, lambda: proc.poll() is not None)
        proc.wait()
        out.seek(0)
        text = out.read().decode(errors="replace")
    if proc.returncode != 0:
        raise click.ClickException(f"wrk failed ({proc.returncode}):\n{text}")
    return parse_wrk(text)


def python_load(url: str, headers: dict[str, str], connections: int, seconds: float, label: str) -> Load:
    """One thread per connection, each a keep-alive http.client connection, for `seconds`."""
    parts = urlsplit(url)
    path = parts.path or "/"
    latencies: list[list[float]] = [[] for _ in range(connections)]
    non_2xx = [0] * connections
    errors = [0] * connections
    ready = threading.Barrier(connections + 1)
    stop_at = [0.0]

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        mine = latencies[i]
        ready.wait()
        while True:
            t0 = time.perf_counter()
            if t0 >= stop_at[0]:
                break
            try:
                conn.request("GET", path, headers=headers)
                r = conn.getresponse()
                r.read()   # a response that says Connection: close closes; the next request reconnects
            except (OSError, http.client.HTTPException):
                errors[i] += 1
                conn.close()
                continue
            mine.append(time.perf_counter() - t0)
            if not 200 <= r.status < 400:
                non_2xx[i] += 1
        conn.close()

    pool = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(connections)]
    for t in pool:
        t.start()
    start = time.perf_counter()
    stop_at[0] = start + seconds
    ready.wait()
    _progress(label, seconds, lambda: not any(t.is_alive() for t in pool))
    elapsed = time.perf_counter() - start
    every = [x for mine in latencies for x in mine]
    return Load(requests=len(every), seconds=elapsed, median_ms=statistics.median(every) * 1000 if every else 0.0,
                non_2xx=sum(non_2xx), errors=sum(errors))


def _warm(url: str, headers: dict[str, str], what: str, n: int = 30) -> None:
    """A few requests first: each worker imports and connects, and a refused token stops the bench here."""
    for _ in range(n):
        status, body = _get(url, headers)
        if status != 200:
            raise click.ClickException(f"{what} answered HTTP {status}: {body[:300]!r}")


# -- the command ------------------------------------------------------------------------------------------

@click.command(name="requests")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="gunicorn workers of each app (as `rasim serve --workers WORKERS` runs).")
@click.option("--connections", default=20, show_default=True, type=click.IntRange(1, None),
              help="Concurrent connections of the load generator (kept alive where the server allows: "
                   "for both apps alike).")
@click.option("--seconds", default=10.0, show_default=True, type=click.FloatRange(0.5, None),
              help="Length of each of the two load runs (wrk rounds to whole seconds).")
@click.option("--database", default="sqlite", show_default=True, metavar="sqlite|URL",
              help="rasim's database: `sqlite` for a fresh SQLite file in a temporary folder, or a database URL "
                   "(e.g. postgresql+psycopg://user@host/db; an account with a random ID is added to it).")
@click.option("--generator", type=click.Choice(["auto", "wrk", "python"]), default="auto", show_default=True,
              help="Load generator: wrk (Debian package `wrk`), or the Python one (threads + http.client "
                   "keep-alive; its GIL caps it lower than wrk); auto takes wrk when installed.")
def requests_bench(workers: int, connections: int, seconds: float, database: str, generator: str) -> None:
    """The cost of an authenticated request: `GET /api/v1/me` of rasim next to `GET /` of a Flask
    hello-world served the same way, loaded the same way.

    \b
    1. starts the hello-world (simulator/bench_hello.py) and `rasim serve --no-card-stack`, both through
       gunicorn with --workers N threaded workers;
    2. seeds a lawyer's account and a session token through the API and test support;
    3. loads each for --seconds with --connections connections, hello-world first, after a short warm-up;
    4. prints requests/s, median latency and the server's CPU time per request (from /proc: the
       server process and its workers) of both, and the ratios rasim / hello-world.

    The ratio is the figure to watch: both run on the same machine at the same time, so it says what
    rasim costs over Flask itself. Nothing fails on a timing; the load generator used is printed.
    """
    from conformance.server import SimulatorServer, SimulatorServerError

    if generator == "auto":
        generator = "wrk" if shutil.which("wrk") else "python"
    elif generator == "wrk" and not shutil.which("wrk"):
        raise click.ClickException("wrk is not installed (Debian package `wrk`; `make install` as root installs it)")
    load = wrk_load if generator == "wrk" else python_load
    database_url = None if database == "sqlite" else database
    how = f"gunicorn, {workers} gthread worker(s) each"

    def say(text: str) -> None:
        click.echo(text, err=True)

    hello = HelloServer(workers)
    rasim = SimulatorServer(database_url=database_url, workers=workers, startup_timeout=120)
    try:
        say(f"starting the hello-world ({how}) …")
        hello.start()
        say(f"starting rasim (`rasim serve --workers {workers}"
            + f"`, database {'a fresh SQLite file' if database_url is None else 'from --database'}) …")
        try:
            rasim.start()
        except SimulatorServerError as exc:
            raise click.ClickException(str(exc)) from None
        say("seeding an account and a session token through the API …")
        token = seed_token(rasim.url)
        me_headers = {"Authorization": f"Bearer {token}"}
        hello_url, me_url = hello.url + "/", rasim.url + ME
        say("warming up …")
        _warm(hello_url, {}, "the hello-world")
        _warm(me_url, me_headers, f"rasim's {ME}")

        def measured(pid: int | None, *args: object) -> Load:
            before = group_cpu_seconds(pid)
            result = load(*args)
            after = group_cpu_seconds(pid)
            if before is not None and after is not None:
                result.cpu_seconds = after - before
            return result

        base = measured(hello.process and hello.process.pid, hello_url, {}, connections, seconds,
                        f"hello-world GET /           {seconds:g} s")
        me = measured(rasim.process and rasim.process.pid, me_url, me_headers, connections, seconds,
                      f"rasim       GET {ME}  {seconds:g} s")
    finally:
        rasim.stop()
        hello.stop()

    gen = (f"wrk ({max(1, min(connections, os.cpu_count() or 2, 4))} threads)" if generator == "wrk"
           else f"python ({connections} threads, http.client keep-alive)")
    click.echo(f"rasim bench requests — {how}; load generator: {gen}; {connections} connections, "
               f"{seconds:g} s each; database: {'SQLite (temporary file)' if database_url is None else 'from --database'}")
    click.echo(f"{'':<28}{'requests/s':>12}{'median latency':>17}{'server CPU/request':>20}{'requests':>10}"
               f"{'non-2xx':>9}{'errors':>8}")
    for name, r in (("hello-world  GET /", base), (f"rasim        GET {ME}", me)):
        cpu = f"{r.cpu_ms:>17.2f} ms" if r.cpu_ms is not None else f"{'n/a':>20}"
        click.echo(f"{name:<28}{r.rate:>12,.1f}{r.median_ms:>14.2f} ms{cpu}{r.requests:>10,}{r.non_2xx:>9}{r.errors:>8}")
    share = me.rate / base.rate * 100 if base.rate else 0.0
    slower = me.median_ms / base.median_ms if base.median_ms else 0.0
    cpu_ratio = (f", server CPU per request ×{me.cpu_ms / base.cpu_ms:.2f}" if me.cpu_ms and base.cpu_ms else "")
    click.echo(f"ratio rasim / hello-world: {share:.1f} % of the throughput, median latency ×{slower:.2f}{cpu_ratio}")
    if me.non_2xx or me.errors or base.non_2xx or base.errors:
        click.echo("warning: some requests failed (non-2xx or socket errors): the figures are not comparable", err=True)
