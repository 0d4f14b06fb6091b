"""`rasim bench requests` runs end to end for a second: both servers start, an account and a token
are seeded, and the output carries both figures and the ratio. Figures only: no timing is checked."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# requests/s, median latency, server CPU per request, requests, and no failures
ROW = r"\s+[\d,]+\.\d\s+[\d.]+ ms\s+(?:[\d.]+ ms|n/a)\s+[\d,]+\s+0\s+0$"

RUNS = [pytest.param("1", "python", id="1-worker-python"), pytest.param("2", "wrk", id="2-workers-wrk")]


@pytest.mark.parametrize(("workers", "generator"), RUNS)
def test_bench_prints_both_figures_and_the_ratio(workers: str, generator: str) -> None:
    if generator == "wrk" and not shutil.which("wrk"):   # a real part: fail with the reason, never skip
        pytest.fail("wrk is not installed: `make install` as root installs it (Debian package wrk)", pytrace=False)
    done = subprocess.run([sys.executable, "-m", "simulator.cli", "bench", "requests", "--workers", workers,
                           "--generator", generator, "--seconds", "1", "--connections", "2"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
                          env={**os.environ, "RASIM_PASSWORD_HASH": "scrypt:16384:8:1"})
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert f"load generator: {generator}" in out, out
    assert re.search(r"^hello-world\s+GET /" + ROW, out, re.M), out
    assert re.search(r"^rasim\s+GET /api/v1/me" + ROW, out, re.M), out
    ratio = r"^ratio rasim / hello-world: [\d.]+ % of the throughput, median latency ×[\d.]+(, server CPU per request ×[\d.]+)?$"
    assert re.search(ratio, out, re.M), out
    assert "seeding an account" in done.stderr   # progress goes to stderr
