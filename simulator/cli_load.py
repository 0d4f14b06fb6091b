"""`rasim load run` (issue 11): a load test on this machine end to end — a throw-away PostgreSQL server,
the migrations, `rasim serve --workers W` with test support on a free port, Locust headless with the users
of load/locustfile.py (distributed over L local worker processes when L > 0), then the invariants checked
straight in the database (simulator/load_invariants.py). Prints Locust's table, the figures and each
invariant; exit code 1 when one fails. Against another deployment run Locust itself (docs/load.md)."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import click

SETTLE_SECONDS = 180      # after Locust: how long the queued uploads may take to be registered


@click.group()
def load() -> None:
    """Load tests with Locust (docs/load.md)."""


@load.command("run")
@click.option("--users", default=10, show_default=True, type=click.IntRange(1), help="Locust users (one is the bulk filer).")
@click.option("--duration", default=60, show_default=True, type=click.IntRange(5), help="Seconds of load.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1), help="gunicorn workers of the server.")
@click.option("--locust-workers", default=0, show_default=True, type=click.IntRange(0),
              help="Local Locust worker processes; 0 runs Locust in one process, more runs a master and these workers.")
@click.option("--spawn-rate", default=None, type=click.FloatRange(0.1), help="Users started a second [default: all at once].")
@click.option("--bulk-rows", default=300, show_default=True, type=click.IntRange(1, 300), help="Applicants in a bulk file.")
@click.option("--bulk-filers", default=1, show_default=True, type=click.IntRange(0),
              help="How many of the users are bulk filers (the rest individual filers and list browsers, 3:1).")
@click.option("--csv-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Keep Locust's CSV files here [default: a temporary folder, removed].")
def run(users: int, duration: int, workers: int, locust_workers: int, spawn_rate: float | None, bulk_rows: int,
        bulk_filers: int, csv_dir: Path | None) -> None:
    """Start PostgreSQL and the server, run Locust, check the invariants in the database."""
    from conformance.server import SimulatorServer, SimulatorServerError
    from simulator.adapters.migrate import upgrade
    from simulator.adapters.postgres_server import PostgresServer, PostgresServerError, create_database

    if bulk_filers > users:
        raise click.BadParameter(f"at most --users ({users})", param_hint="--bulk-filers")
    os.environ["RASIM_LOAD_BULK_FILERS"] = str(bulk_filers)   # read by load/locustfile.py (and its workers)
    folder = Path(tempfile.mkdtemp(prefix="rasim-load-"))
    prefix = (csv_dir or folder) / "locust"
    prefix.parent.mkdir(parents=True, exist_ok=True)
    try:
        with PostgresServer() as pg:
            url = create_database(pg.url, "rasim_load")
            upgrade(url)
            click.echo(f"PostgreSQL on port {pg.port}, database migrated; starting `rasim serve --workers {workers}`")
            with SimulatorServer(database_url=url, workers=workers, startup_timeout=90) as server:
                code = run_locust(server.url, users, duration, spawn_rate or float(users), locust_workers, bulk_rows, prefix)
                if code not in (0, 1):   # 1: Locust's own 'some requests failed', judged below
                    raise click.ClickException(f"Locust exited with {code}\n{server.log_tail()}")
                settle(server.url, url)
                ok = report(url, prefix)
                if not ok:
                    click.echo(f"--- end of the server's log ---\n{server.log_tail(3000)}")
    except (PostgresServerError, SimulatorServerError) as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        if csv_dir is None:
            import shutil

            shutil.rmtree(folder, ignore_errors=True)
    sys.exit(0 if ok else 1)


def locustfile() -> Path:
    import load

    return Path(load.__file__).resolve().parent / "locustfile.py"


def run_locust(host: str, users: int, duration: int, rate: float, locust_workers: int, bulk_rows: int,
               prefix: Path) -> int:
    """Locust headless (`-u N -r R -t S --csv`), a master and local workers when asked; its exit code."""
    from conformance.server import free_port

    env = {**os.environ, "RASIM_LOAD_BULK_ROWS": str(bulk_rows), "PYTHONUNBUFFERED": "1"}
    base = [sys.executable, "-m", "locust", "-f", str(locustfile())]
    cmd = [*base, "--host", host, "--headless", "-u", str(users), "-r", str(rate), "-t", f"{duration}s",
           "--csv", str(prefix), "--only-summary", "--stop-timeout", "5", "--loglevel", "WARNING"]
    helpers: list[subprocess.Popen] = []
    if locust_workers:
        port = free_port()
        cmd += ["--master", "--master-bind-host", "127.0.0.1", "--master-bind-port", str(port),
                "--expect-workers", str(locust_workers), "--expect-workers-max-wait", "60"]
        helpers = [subprocess.Popen([*base, "--worker", "--master-host", "127.0.0.1", "--master-port", str(port),
                                     "--loglevel", "WARNING"], env=env) for _ in range(locust_workers)]
    click.echo(f"Locust: {users} users for {duration} s" + (f", {locust_workers} worker processes" if helpers else ""))
    try:
        return subprocess.run(cmd, env=env, timeout=duration + 240).returncode
    finally:
        for p in helpers:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def settle(host: str, database_url: str) -> None:
    """Let the uploads Locust confirmed be registered (each request runs what fell due), then move the clock
    past the error mails' few minutes so that they are sent."""
    import requests
    from sqlalchemy import func, select

    from simulator import catalog
    from simulator.adapters.db import make_engine
    from simulator.adapters.db_applications import BulkInput

    engine = make_engine(database_url)
    deadline = time.monotonic() + SETTLE_SECONDS
    try:
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                queued = conn.execute(select(func.count()).where(BulkInput.state == "queued")).scalar()
            if not queued:
                break
            requests.get(f"{host}/test-support/clock", timeout=SETTLE_SECONDS)
            time.sleep(0.5)
    finally:
        engine.dispose()
    minutes = catalog.edition(os.environ.get("RASIM_EDITION") or None).bulk_error_mail_minutes + 1
    requests.post(f"{host}/test-support/clock/advance", json={"minutes": minutes}, timeout=120).raise_for_status()


def report(database_url: str, prefix: Path) -> bool:
    from simulator.adapters.db import make_engine, make_session_factory
    from simulator.load_invariants import all_invariants, figures

    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as db:
            found = all_invariants(db, prefix)
    finally:
        engine.dispose()
    click.echo(f"figures: {figures(prefix)}")
    click.echo("invariants:")
    for inv in found:
        click.echo(f"  {inv.line()}")
    ok = all(inv.ok for inv in found)
    click.echo("load run: " + ("every invariant holds" if ok else "FAILED"))
    return ok
