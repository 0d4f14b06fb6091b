"""`rasim bench bulk`: what a bulk file of 300 persons costs, on the embedded SQLite database, in this
process (rasim's WSGI app through Flask's test client: no network, no load generator).

(a) the offline check of the file (services.bulk_rows.check_file, what `rasim bulk validate` runs);
(b) its upload (STEP2: the file checked as a whole) and its registration by the worker (every row checked
    and stored in one transaction), per file and per row, with the peak of Python memory allocated while
    registering (tracemalloc);
each next to a bare INSERT (one row, one commit) on the same database file, measured in the same run.

Figures only: nothing here passes or fails on a timing. Progress goes to stderr, figures to stdout.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

import click

from simulator.bench_applications import InProcess, median_ms, say

TODAY = dt.date(2024, 4, 1)


def one_file(bench: InProcess, rows: int, seed: int, memory: bool = False, resident: bool = False) -> dict[str, float]:
    """One file uploaded and registered; with `memory` under tracemalloc (slower: its time is not reported), with
    `resident` the resident set sampled meanwhile."""
    from simulator.bulk_generate import generate

    made = generate(rows, "extension_of_stay", "professor", category="lawyer", seed=seed, today=TODAY)
    bench.call("POST", "/test-support/residence-record-batches", {"records": made.records})
    t0 = time.perf_counter()
    bulk = bench.call("POST", "/api/v1/bulk-inputs", data=made.csv, content_type="text/csv", expect=201,
                      query_string={**made.step1, "filename": "bench.csv"})
    upload = time.perf_counter() - t0
    bench.call("POST", f"/api/v1/bulk-inputs/{bulk['id']}/completion", {"bulk_confirmed": True, "kept_copy": True},
               expect=202)
    if memory:
        tracemalloc.start()
    rss = RssPeak() if resident else None
    t0 = time.perf_counter()
    with rss or contextlib.nullcontext():
        done = bench.call("GET", f"/api/v1/bulk-inputs/{bulk['id']}")   # the due batch runs in this unit of work
    register = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] if memory else 0
    tracemalloc.stop()
    if done["state"] != "processed" or done["accepted"] != rows:
        raise click.ClickException(f"the batch was not registered whole: {done}")
    return {"upload": upload, "register": register, "peak": peak, "bytes": len(made.csv),
            "rss_idle": rss.idle if rss else 0, "rss_peak": rss.peak if rss else 0}


def rss_bytes() -> int:
    """The resident set of this process now (Linux: /proc/self/statm), 0 where that cannot be read."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


class RssPeak:
    """The highest resident set while the block runs, sampled every 2 ms by a thread, and the one before it."""

    def __enter__(self) -> "RssPeak":
        self.idle = self.peak = rss_bytes()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._done.wait(0.002):
            self.peak = max(self.peak, rss_bytes())

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()
        self.peak = max(self.peak, rss_bytes())


def offline(rows: int, seed: int) -> float:
    from simulator.bulk_generate import generate
    from simulator.services.bulk_offline import validate_file

    made = generate(rows, "extension_of_stay", "professor", category="lawyer", seed=seed, today=TODAY)
    t0 = time.perf_counter()
    report = validate_file(made.csv, "bench.csv", made.step1, "2024", "lawyer", made.records, TODAY)
    took = time.perf_counter() - t0
    if not report["ok"]:
        raise click.ClickException(f"the generated file has defects: {report['defects'][:3]}")
    return took


def format_check(rows: int, seed: int, repeat: int = 5) -> float:
    """Seconds per file of the checks of the file alone, on one core: decode, rows, cells → values, each
    step's form (every field rule), without the database (the registry and the rules across applications)."""
    from simulator import catalog
    from simulator.bulk_generate import generate
    from simulator.domain import bulk_format, input_plan
    from simulator.domain.errors import Problems
    from simulator.domain.forms import validate_form

    made = generate(rows, "extension_of_stay", "professor", category="lawyer", seed=seed, today=TODAY)
    lay = made.layout
    ed = catalog.edition(lay.edition)
    forms = [(step, catalog.form(key, ed)) for step, key in input_plan.plan("lawyer", "extension_of_stay", "professor").steps
             if step not in (input_plan.STEP1, input_plan.STEP3)]
    data, best = made.csv, float("inf")   # (the property writes the file each time it is read)
    for _ in range(repeat):
        t0 = time.perf_counter()
        _header, body = bulk_format.read_rows(data)
        for _line, cells in body:
            values = bulk_format.step_values(lay, cells)
            problems = Problems()
            for step, form in forms:
                validate_form(form, values.get(step, {}), problems)
            if problems.items:
                raise click.ClickException(f"the generated file fails its forms: {problems.items[:3]}")
        best = min(best, time.perf_counter() - t0)
    return best


@click.command(name="bulk")
@click.option("--rows", default=300, show_default=True, type=click.IntRange(1, 300), help="Persons per file.")
@click.option("--runs", default=3, show_default=True, type=click.IntRange(1, None), help="Files timed.")
@click.option("--quick", is_flag=True, help="A short run for tests: one file (still --rows persons).")
def bulk_bench(rows: int, runs: int, quick: bool) -> None:
    """What a bulk file costs: its offline check, its upload and its registration by the worker, per file and
    per row, with the peak memory of the registration, next to a bare INSERT measured in the same run.

    Figures only: nothing fails on a timing. Progress on stderr, figures on stdout."""
    runs = 1 if quick else runs
    workdir = Path(tempfile.mkdtemp(prefix="rasim-bench-bulk-"))
    try:
        bench = InProcess(workdir)
        try:
            bench.seed_lawyer()
            results = []
            with click.progressbar(range(runs), label=f"{runs} files of {rows} persons", file=sys.stderr) as bar:
                for n in bar:
                    results.append(one_file(bench, rows, seed=100 + n))
            say("one more file under tracemalloc, for the memory …")
            measured = one_file(bench, rows, seed=999, memory=True)
            say("and one with the resident set sampled …")
            measured |= {k: v for k, v in one_file(bench, rows, seed=998, resident=True).items() if k.startswith("rss")}
            baseline = bench.bare_inserts(200)
        finally:
            bench.close()
        say("the offline check …")
        checks = [offline(rows, seed=100 + n) for n in range(runs)]
        say("the checks of the file alone …")
        pure = format_check(rows, seed=100)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    up, reg = median_ms([r["upload"] for r in results]), median_ms([r["register"] for r in results])
    base = median_ms(baseline)
    click.echo(f"rasim bench bulk — {rows} persons a file, {runs} file(s), embedded SQLite, in process")
    click.echo(f"    offline check (rasim bulk validate) median {median_ms(checks):10.1f} ms "
               f"({median_ms(checks) / rows:.2f} ms a row; with its throw-away database)")
    click.echo(f"    the file's own checks (one core, no database) {pure * 1000:7.1f} ms   ({rows / pure:,.0f} rows/s)")
    click.echo(f"    upload (STEP2, the file as a whole) median {up:10.1f} ms   ({results[0]['bytes']:,} bytes)")
    click.echo(f"    registration by the worker          median {reg:10.1f} ms   ({reg / rows:.2f} ms a row)")
    click.echo(f"    bare insert baseline                median {base:10.3f} ms   (one row, one commit)")
    click.echo(f"    a registered row / a bare insert: ×{reg / rows / base:.1f}" if base else "    ratio: n/a")
    click.echo(f"    peak Python memory while registering: {measured['peak'] / 2**20:.1f} MiB (tracemalloc, one file)")
    if measured["rss_idle"]:
        click.echo(f"    resident set while registering: {measured['rss_peak'] / 2**20:.1f} MiB at its peak, "
                   f"{(measured['rss_peak'] - measured['rss_idle']) / 2**20:+.1f} MiB above the "
                   f"{measured['rss_idle'] / 2**20:.1f} MiB of the process before (the baseline)")
