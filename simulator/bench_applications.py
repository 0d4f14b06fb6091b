"""`rasim bench applications`: what an individual application costs, on the embedded SQLite database.

(a) One complete application over the API — STEP1, 身分事項1, 身分事項2, STEP3, the photo, a 1 MB PDF,
    submission — through rasim's WSGI app in this process (Flask's test client: no network, no load
    generator), repeated; its median next to the median of a bare INSERT (one row, one commit) on the
    same database file, and the median of each request.
(b) The list page `GET /api/v1/applications` of a user with 1,000 applications, served and loaded as
    `rasim bench requests` does (bench_requests' servers and load generators), as a share of the
    throughput of a Flask hello-world served the same way in the same run.
(c) The check of a 10 MB PDF (simulator.adapters.pdf.inspect_pdf: a capped child process) next to the
    time to read the file.

Figures only: nothing here passes or fails on a timing. Progress goes to stderr, figures to stdout.
"""
from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable

import click

from simulator import bench_requests as br

LIST = "/api/v1/applications"
CLOCK = "2024-04-01T09:00:00"
EVENT_DAY = "2024-03-20"   # the applicants' loss of Japanese nationality: within the 30 days of an acquisition
PASSWORD = "AB12345!"
STEPS = ("start", "step2_1", "step2_2", "completion", "photo", "documents", "submission")


def say(text: str) -> None:
    click.echo(text, err=True)


def median_ms(seconds: list[float]) -> float:
    return statistics.median(seconds) * 1000 if seconds else 0.0


def letters(n: int) -> str:
    """0 → A, 25 → Z, 26 → BA …: a name part of capitals (applicant names are capitals only)."""
    out = ""
    while True:
        out = chr(ord("A") + n % 26) + out
        n //= 26
        if not n:
            return out


# --- the files ----------------------------------------------------------------------------------------------

def photo_bytes() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (300, 400), (200, 180, 160)).save(buf, "JPEG", quality=80)
    return buf.getvalue()


def pdf_bytes(size: int) -> bytes:
    """A valid PDF of about `size` bytes: one page and an uncompressed stream of padding."""
    import pikepdf

    doc = pikepdf.new()
    doc.add_blank_page()
    doc.Root.Padding = doc.make_stream(b"0" * max(0, size - 1200))
    buf = io.BytesIO()
    doc.save(buf, compress_streams=False)
    return buf.getvalue()


# --- (a) one complete application, in process -----------------------------------------------------------------

class InProcess:
    """rasim's app on a fresh SQLite file, driven through Flask's test client."""

    def __init__(self, workdir: Path) -> None:
        from simulator.adapters.migrate import upgrade
        from simulator.web.app import create_app

        self.url = f"sqlite:///{workdir}/bench.sqlite3"
        upgrade(self.url)
        self.app = create_app({"RASIM_DATABASE_URL": self.url, "RASIM_VAR_DIR": str(workdir / "var"),
                               "RASIM_CARDS_DIR": str(workdir / "cards"), "SECRET_KEY": "bench", "TESTING": True})
        self.client = self.app.test_client()
        self.token = ""

    def call(self, method: str, path: str, json: Any = None, expect: int = 200, **kw: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        if json is not None:
            kw["json"] = json
        r = self.client.open(path, method=method, headers=headers, **kw)
        if r.status_code != expect:
            raise click.ClickException(f"{method} {path} answered {r.status_code}: {r.get_data(as_text=True)[:400]}")
        return r.get_json(silent=True)

    def seed_lawyer(self) -> None:
        """A lawyer registered and logged in (agent certificate, registration, the mail's link, password)."""
        import re

        self.call("POST", "/test-support/clock/set", {"now": CLOCK})
        self.call("PUT", "/test-support/registry/agent-certificates",
                  {"number": "132010700050", "kind": "lawyer", "name": "法務太郎", "birth_date": "1980-01-02",
                   "valid_until": "2030-03-31"})
        email = "bench@example.jp"
        self.call("POST", "/api/v1/registrations/agent", {
            "agent_certificate_number": "132010700050", "name": "法務太郎", "birth_date": "1980-01-02",
            "address_pref_city": "東京都千代田区", "address_street": "霞が関１－１－１", "phone": "0312345678",
            "email": email, "email_confirm": email, "agree_terms": True}, expect=201)
        mail = self.call("GET", "/test-support/mails", query_string={"to": email})["mails"][-1]
        link = re.search(r"token=([\w-]+)", mail["url"] or mail["body"]).group(1)   # type: ignore[union-attr]
        auth_id = self.call("POST", "/api/v1/registrations/password",
                            {"token": link, "password": PASSWORD, "password_confirm": PASSWORD})["auth_id"]
        self.token = self.call("POST", "/api/v1/session", {"auth_id": auth_id, "password": PASSWORD}, expect=201)["token"]

    def person(self, n: int) -> dict[str, Any]:
        """A new adult without a card in Yokohama (an acquisition: photo needed, no STEP2-3)."""
        name = f"BENCH PERSON{letters(n)}"
        self.call("PUT", "/test-support/residence-records", {
            "name": name, "nationality": "VNM", "sex": "female", "birth_date": "1990-01-01",
            "address_municipality": "14104", "address_street": "山下町１番地"})
        return {"applicant_name": ",".join(name.split())}

    def one_application(self, who: dict[str, Any], photo: bytes, document: bytes,
                        timings: dict[str, list[float]]) -> float:
        """STEP1 → submission for `who`; the seconds it took (each request's into `timings`)."""
        identity = {"nationality": "VNM", "applicant_name": who["applicant_name"], "birth_date_applicant": "1990-01-01",
                    "sex_applicant": "female", "marital_status": "no", "home_town": "ハノイ市",
                    "residence_pref_city": "14104", "residence_street": "山下町１番地", "has_relatives": "no",
                    "card_receipt_method": "post", "applicant_email": "applicant@example.jp"}
        details = {"acquisition_reason": "loss_of_nationality", "acquisition_event_date": EVENT_DAY,
                   "stay_reason": "家族と暮らすため", "desired_period": "1y", "criminal_record": "no",
                   "mobile_applicant": "09012345678", "agent_name": "法務太郎", "applicant_consent": True}
        requests: list[tuple[str, Callable[[], Any]]] = [
            ("start", lambda: self.call("POST", "/api/v1/application-input", {"values": {
                "procedure": "acquisition_of_status", "status_of_residence": "long_term_resident"}}, expect=201)),
            ("step2_1", lambda: self.call("PUT", "/api/v1/application-input/steps/step2_1", {"values": identity})),
            ("step2_2", lambda: self.call("PUT", "/api/v1/application-input/steps/step2_2", {"values": details})),
            ("completion", lambda: self.call("POST", "/api/v1/application-input/completion", {"values": {
                "confirmed_with_representative": True, "kept_copy": True}}, expect=201)),
        ]
        total = 0.0
        row: dict[str, Any] = {}
        for name, send in requests:
            t0 = time.perf_counter()
            row = send()
            took = time.perf_counter() - t0
            timings[name].append(took)
            total += took
        app_id = row["id"]
        for name, send in (
                ("photo", lambda: self.call("PUT", f"{LIST}/{app_id}/photo", data=photo, content_type="image/jpeg",
                                            query_string={"filename": "face.jpg"})),
                ("documents", lambda: self.call("PUT", f"{LIST}/{app_id}/documents", data=document,
                                                content_type="application/pdf",
                                                query_string={"filename": "documents.pdf"})),
                ("submission", lambda: self.call("POST", f"{LIST}/{app_id}/submission", {}))):
            t0 = time.perf_counter()
            send()
            took = time.perf_counter() - t0
            timings[name].append(took)
            total += took
        return total

    def bare_inserts(self, n: int) -> list[float]:
        """One row, one commit, through SQLAlchemy on the same database file: the floor under any write."""
        from sqlalchemy import text

        engine = self.app.extensions["rasim.engine"]
        with engine.begin() as c:
            c.execute(text("CREATE TABLE IF NOT EXISTS bench_baseline (id INTEGER PRIMARY KEY, payload TEXT)"))
        out = []
        for i in range(n):
            t0 = time.perf_counter()
            with engine.begin() as c:
                c.execute(text("INSERT INTO bench_baseline (payload) VALUES (:p)"), {"p": f"row {i}"})
            out.append(time.perf_counter() - t0)
        return out

    def close(self) -> None:
        self.app.extensions["rasim.engine"].dispose()


def measure_applications(workdir: Path, runs: int, document_size: int) -> tuple[list[float], list[float],
                                                                               dict[str, list[float]]]:
    say("(a) preparing rasim in this process on a fresh SQLite file …")
    workdir.mkdir(parents=True, exist_ok=True)
    rig = InProcess(workdir)
    try:
        rig.seed_lawyer()
        photo, document = photo_bytes(), pdf_bytes(document_size)
        people = [rig.person(n) for n in range(runs + 1)]
        timings: dict[str, list[float]] = defaultdict(list)
        rig.one_application(people[0], photo, document, defaultdict(list))   # warm-up (imports, caches)
        totals = []
        with click.progressbar(people[1:], label=f"(a) {runs} complete applications", file=sys.stderr,
                               show_eta=False) as bar:
            for who in bar:
                totals.append(rig.one_application(who, photo, document, timings))
        baseline = rig.bare_inserts(max(50, runs * 5))
        return totals, baseline, timings
    finally:
        rig.close()


# --- (b) the list page of 1,000 applications, served ------------------------------------------------------------

def insert_applications(database_url: str, token: str, base_url: str, count: int) -> int:
    """`count` applications of the token's user straight into the server's database (a list to load,
    not a flow to time); the account id."""
    import json

    from sqlalchemy import create_engine, insert, select

    from simulator.adapters.db import Account
    from simulator.adapters.db_applications import Application

    status, body = br._get(base_url + "/api/v1/me", {"Authorization": f"Bearer {token}"})
    if status != 200:
        raise click.ClickException(f"GET /api/v1/me answered {status}: {body[:200]!r}")
    auth_id = json.loads(body)["auth_id"]
    engine = create_engine(database_url)
    try:
        with engine.begin() as db:
            owner = db.execute(select(Account.id).where(Account.auth_id == auth_id)).scalar_one()
            procedures = ("extension_of_stay", "change_of_status", "coe", "acquisition_of_status")
            db.execute(insert(Application), [
                {"account_id": owner, "procedure": procedures[i % 4], "status_of_residence": "student",
                 "state": "submitted" if i % 3 else "input_complete", "photo_state": "registered",
                 "document_state": "registered", "receipt_method": "post", "bureau": "tokyo",
                 "applicant_name": f"BENCH,ROW{letters(i)}", "applicant_email": "row@example.jp", "values_json": "{}",
                 "input_completed_at": dt.datetime(2024, 3, 1, 9, 0) + dt.timedelta(minutes=i),
                 "submitted_at": dt.datetime(2024, 3, 2, 9, 0) + dt.timedelta(minutes=i) if i % 3 else None,
                 "received_on": dt.date(2024, 3, 2) if i % 3 else None}
                for i in range(count)])
    finally:
        engine.dispose()
    return owner


def measure_list(workers: int, connections: int, seconds: float, rows: int,
                 generator: str) -> tuple[br.Load, br.Load, str, str]:
    from conformance.server import SimulatorServer, SimulatorServerError

    if generator == "auto":
        generator = "wrk" if shutil.which("wrk") else "python"
    elif generator == "wrk" and not shutil.which("wrk"):
        raise click.ClickException("wrk is not installed (Debian package `wrk`; `make install` as root installs it)")
    load = br.wrk_load if generator == "wrk" else br.python_load
    how = f"gunicorn, {workers} gthread worker(s) each"
    hello = br.HelloServer(workers)
    rasim = SimulatorServer(workers=workers, startup_timeout=120)
    try:
        say(f"(b) starting the hello-world ({how}) …")
        hello.start()
        say("(b) starting rasim (`rasim serve`, a fresh SQLite file) …")
        try:
            rasim.start()
        except SimulatorServerError as exc:
            raise click.ClickException(str(exc)) from None
        say("(b) seeding a lawyer and a session token through the API …")
        token = br.seed_token(rasim.url)
        say(f"(b) inserting {rows:,} applications of that lawyer …")
        assert rasim.database_url is not None
        insert_applications(rasim.database_url, token, rasim.url, rows)
        headers = {"Authorization": f"Bearer {token}"}
        hello_url, list_url = hello.url + "/", rasim.url + LIST
        say("(b) warming up …")
        br._warm(hello_url, {}, "the hello-world")
        br._warm(list_url, headers, f"rasim's {LIST}")
        base = load(hello_url, {}, connections, seconds, f"(b) hello-world GET /                  {seconds:g} s")
        page = load(list_url, headers, connections, seconds, f"(b) rasim       GET {LIST}  {seconds:g} s")
    finally:
        rasim.stop()
        hello.stop()
    gen = (f"wrk ({max(1, min(connections, os.cpu_count() or 2, 4))} threads)" if generator == "wrk"
           else f"python ({connections} threads, http.client keep-alive)")
    return base, page, how, gen


# --- (c) the check of a 10 MB PDF --------------------------------------------------------------------------------

def measure_pdf(workdir: Path, size: int, runs: int) -> tuple[list[float], list[float], bool]:
    from simulator.adapters.pdf import inspect_pdf

    path = workdir / "ten-megabytes.pdf"
    say(f"(c) writing a PDF of {size / 1024 / 1024:.0f} MB …")
    path.write_bytes(pdf_bytes(size))
    reads, checks = [], []
    flagged = False
    with click.progressbar(range(runs), label=f"(c) {runs} reads and checks", file=sys.stderr,
                           show_eta=False) as bar:
        for _ in bar:
            t0 = time.perf_counter()
            with open(path, "rb") as f:
                while f.read(1 << 20):
                    pass
            reads.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            found = inspect_pdf(path)
            checks.append(time.perf_counter() - t0)
            flagged = flagged or found.error_file or not found.is_pdf
    return checks, reads, flagged


# --- the command ---------------------------------------------------------------------------------------------------

@click.command(name="applications")
@click.option("--quick", is_flag=True,
              help="A short run for tests: 5 applications, 1 s of load with 2 connections, 2 PDF checks "
                   "(the list still holds 1,000 applications, the PDF is still 10 MB).")
@click.option("--runs", default=30, show_default=True, type=click.IntRange(1, None),
              help="Complete applications timed for (a).")
@click.option("--rows", default=1000, show_default=True, type=click.IntRange(1, None),
              help="Applications in the list of the user loaded in (b).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="gunicorn workers of each app in (b) (as `rasim serve --workers WORKERS`).")
@click.option("--connections", default=10, show_default=True, type=click.IntRange(1, None),
              help="Concurrent connections of (b)'s load generator.")
@click.option("--seconds", default=5.0, show_default=True, type=click.FloatRange(0.5, None),
              help="Length of each of (b)'s two load runs.")
@click.option("--generator", type=click.Choice(["auto", "wrk", "python"]), default="auto", show_default=True,
              help="(b)'s load generator: wrk when installed (auto), or the Python one.")
@click.option("--pdf-runs", default=5, show_default=True, type=click.IntRange(1, None),
              help="Reads and checks of the 10 MB PDF timed for (c).")
def applications_bench(quick: bool, runs: int, rows: int, workers: int, connections: int,
                       seconds: float, generator: str, pdf_runs: int) -> None:
    """What an individual application costs, on the embedded SQLite database.

    \b
    (a) the median time of one complete application over the API (STEP1 → submission with a photo
        and a 1 MB PDF; rasim's WSGI app in this process) next to a bare INSERT on the same file;
    (b) the throughput of GET /api/v1/applications for a user with 1,000 applications, as a share of a
        Flask hello-world served and loaded the same way in the same run (as `rasim bench requests`);
    (c) the time to check a 10 MB PDF (adapters.pdf.inspect_pdf) next to the time to read it.

    Figures only: nothing fails on a timing. Progress on stderr, figures on stdout.
    """
    if quick:
        runs, seconds, connections, pdf_runs = 5, 1.0, 2, 2
    workdir = Path(tempfile.mkdtemp(prefix="rasim-bench-applications-"))
    try:
        totals, baseline, timings = measure_applications(workdir / "a", runs, 1024 * 1024)
        base, page, how, gen = measure_list(workers, connections, seconds, rows, generator)
        checks, reads, flagged = measure_pdf(workdir, 10 * 1024 * 1024, pdf_runs)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    a, b = median_ms(totals), median_ms(baseline)
    click.echo("rasim bench applications — embedded SQLite (a fresh temporary file each)")
    click.echo(f"(a) one complete application over the API (STEP1 → submission, photo + 1 MB PDF; in process), "
               f"{len(totals)} runs:")
    click.echo(f"    complete application   median {a:10.2f} ms   (min {min(totals) * 1000:.2f} ms, "
               f"max {max(totals) * 1000:.2f} ms)")
    click.echo(f"    bare insert baseline   median {b:10.3f} ms   ({len(baseline)} inserts, one commit each)")
    click.echo(f"    ratio application / bare insert: ×{a / b:.0f}" if b else "    ratio: n/a")
    click.echo("    per request (median): " + ", ".join(f"{s} {median_ms(timings[s]):.2f} ms" for s in STEPS))
    click.echo(f"(b) the list page, {rows:,} applications, 10 a page — {how}; load generator: {gen}; "
               f"{connections} connections, {seconds:g} s each:")
    click.echo(f"    {'':<40}{'requests/s':>12}{'median latency':>17}{'requests':>10}{'non-2xx':>9}{'errors':>8}")
    for name, r in (("hello-world  GET /", base), (f"rasim        GET {LIST}", page)):
        click.echo(f"    {name:<40}{r.rate:>12,.1f}{r.median_ms:>14.2f} ms{r.requests:>10,}{r.non_2xx:>9}{r.errors:>8}")
    share = page.rate / base.rate * 100 if base.rate else 0.0
    click.echo(f"    list page / hello-world: {share:.1f} % of the throughput")
    c, r = median_ms(checks), median_ms(reads)
    click.echo(f"(c) a 10 MB PDF, {len(checks)} runs:")
    click.echo(f"    check (inspect_pdf)    median {c:10.2f} ms" + ("   (flagged!)" if flagged else ""))
    click.echo(f"    read the file          median {r:10.2f} ms")
    click.echo(f"    ratio check / read: ×{c / r:.1f}" if r else "    ratio: n/a")
    if page.non_2xx or page.errors or base.non_2xx or base.errors:
        say("warning: some requests failed (non-2xx or socket errors): the figures of (b) are not comparable")
