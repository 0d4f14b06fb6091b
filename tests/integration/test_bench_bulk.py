"""`rasim bench bulk --quick` runs end to end: a 300-person file generated, checked offline, uploaded and
registered whole, next to a bare insert of the same run. The figures must be printed; their values are not
checked (nothing fails on a timing)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MS = r"[\d,]+\.\d+ ms"


def test_bench_bulk_prints_every_figure() -> None:
    done = subprocess.run([sys.executable, "-m", "simulator.cli", "bench", "bulk", "--quick"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=False,
                          env={**os.environ, "RASIM_PASSWORD_HASH": "scrypt:16384:8:1"})
    assert done.returncode == 0, done.stdout + done.stderr
    for pattern in (
            r"^rasim bench bulk — 300 persons a file, 1 file\(s\)",
            rf"^\s+offline check \(rasim bulk validate\) median\s+{MS}",
            r"^\s+the file's own checks \(one core, no database\)\s+[\d.]+ ms\s+\([\d,]+ rows/s\)$",
            rf"^\s+upload \(STEP2, the file as a whole\) median\s+{MS}\s+\([\d,]+ bytes\)$",
            rf"^\s+registration by the worker\s+median\s+{MS}\s+\([\d.]+ ms a row\)$",
            rf"^\s+bare insert baseline\s+median\s+{MS}",
            r"^\s+a registered row / a bare insert: ×[\d.]+$",
            r"^\s+peak Python memory while registering: [\d.]+ MiB"):
        assert re.search(pattern, done.stdout, re.M), (pattern, done.stdout)
