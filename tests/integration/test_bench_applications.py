"""`rasim bench applications --quick` runs end to end: a few complete applications in process, the list
page of a user with 1,000 applications next to a hello-world served the same way, a 10 MB PDF checked and
read. The figures must be printed; their values are not checked (nothing fails on a timing)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MS = r"[\d,]+\.\d+ ms"


def test_bench_applications_prints_every_figure() -> None:
    done = subprocess.run([sys.executable, "-m", "simulator.cli", "bench", "applications", "--quick",
                           "--generator", "python"], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          check=False, env={**os.environ, "RASIM_PASSWORD_HASH": "scrypt:16384:8:1"})
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    for pattern in (
            r"^\(a\) one complete application over the API .* 5 runs:$",
            rf"^\s+complete application\s+median\s+{MS}\s+\(min {MS}, max {MS}\)$",
            rf"^\s+bare insert baseline\s+median\s+{MS}\s+\(\d+ inserts, one commit each\)$",
            r"^\s+ratio application / bare insert: ×[\d,]+$",
            r"^\s+per request \(median\): start [\d.]+ ms, step2_1 [\d.]+ ms, step2_2 [\d.]+ ms, completion [\d.]+ ms, "
            r"photo [\d.]+ ms, documents [\d.]+ ms, submission [\d.]+ ms$",
            r"^\(b\) the list page, 1,000 applications, 10 a page .* load generator: python",
            rf"^\s+hello-world\s+GET /\s+[\d,]+\.\d\s+{MS}\s+[\d,]+\s+0\s+0$",
            rf"^\s+rasim\s+GET /api/v1/applications\s+[\d,]+\.\d\s+{MS}\s+[\d,]+\s+0\s+0$",
            r"^\s+list page / hello-world: [\d.]+ % of the throughput$",
            r"^\(c\) a 10 MB PDF, 2 runs:$",
            rf"^\s+check \(inspect_pdf\)\s+median\s+{MS}$",   # a valid PDF: not flagged
            rf"^\s+read the file\s+median\s+{MS}$",
            r"^\s+ratio check / read: ×[\d.]+$"):
        assert re.search(pattern, out, re.M), (pattern, out)
    assert "(a) preparing rasim" in done.stderr and "(b) inserting 1,000 applications" in done.stderr
    assert "(c) writing a PDF of 10 MB" in done.stderr   # progress goes to stderr
