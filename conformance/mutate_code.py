"""`rasim conformance mutate --python`: mutation of the Python code of the pure rules
(simulator/domain) with mutmut, against the unit tests (configuration: [tool.mutmut] of
pyproject.toml). mutmut copies the package into ./mutants (git-ignored), mutates only the domain and
records an exit code per mutant in mutants/simulator/domain/<file>.py.meta; this module runs it and
reads those records into the same report as the catalogue's rules."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
# mutmut's exit codes per mutant (mutmut/stats.py): killed 1 and 3, survived 0, no tests 5 and 33,
# skipped 34, timeout 36, 24, -24 and 152, caught by a type check 37, anything else suspicious
KILLED, SURVIVED, NO_TESTS, TIMEOUT = {1, 3, 37}, {0}, {5, 33}, {36, 24, -24, 152}


@dataclass
class CodeResult:
    counts: dict[str, int] = field(default_factory=dict)
    survivors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    selection: tuple[str, ...] = ()

    @property
    def score(self) -> tuple[int, int]:
        """(killed, judged): a timeout counts as killed (the mutant never finishes); no-test ones are left out."""
        killed = self.counts.get("killed", 0) + self.counts.get("timeout", 0)
        return killed, killed + self.counts.get("survived", 0) + self.counts.get("suspicious", 0)


def outcome(code: int) -> str:
    if code in KILLED:
        return "killed"
    if code in SURVIVED:
        return "survived"
    if code in NO_TESTS:
        return "no tests"
    if code == 34:
        return "skipped"
    if code in TIMEOUT:
        return "timeout"
    return "suspicious"


def run_mutmut(selection: tuple[str, ...] = (), jobs: int = 2, timeout: float = 1800) -> CodeResult:
    """A fresh mutmut run (mutants/ removed first); `selection` are mutant-name globs such as
    "simulator.domain.registration.*" (all of simulator/domain when empty)."""
    if shutil.which("mutmut", path=str(Path(sys.executable).parent)) is None and shutil.which("mutmut") is None:
        raise RuntimeError("mutmut is not installed (pip install 'mutmut>=3.8'; `make install` does it)")
    exe = str(Path(sys.executable).parent / "mutmut")
    shutil.rmtree(MUTANTS, ignore_errors=True)
    started = time.monotonic()
    done = subprocess.run([exe, "run", "--max-children", str(jobs), *selection], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)
    if not MUTANTS.exists():
        raise RuntimeError(f"mutmut did not run (exit code {done.returncode}): {(done.stderr or done.stdout)[-1500:]}")
    result = CodeResult(seconds=time.monotonic() - started, selection=selection)
    for meta in sorted((MUTANTS / "simulator" / "domain").glob("*.py.meta")):
        for name, code in json.loads(meta.read_text(encoding="utf-8")).get("exit_code_by_key", {}).items():
            if code is None:   # not selected
                continue
            what = outcome(int(code))
            result.counts[what] = result.counts.get(what, 0) + 1
            if what in ("survived", "suspicious"):
                result.survivors.append(name)
    if not result.counts:
        raise RuntimeError(f"mutmut ran no mutant (exit code {done.returncode}): {(done.stderr or done.stdout)[-1500:]}")
    return result


def markdown(result: CodeResult) -> str:
    killed, judged = result.score
    pct = f"{killed / judged:.0%}" if judged else "—"
    which = ", ".join(f"`{s}`" for s in result.selection) or "all of `simulator/domain`"
    lines = ["## The Python code of the rules (mutmut)", "",
             f"mutmut mutated {which} and ran `tests/unit` against each mutant "
             f"({result.seconds:.0f} s). **Score: {killed} / {judged} killed ({pct})**; a timeout counts as "
             "killed, mutants no unit test reaches are listed apart.", "",
             "| outcome | mutants |", "| --- | --- |"]
    lines += [f"| {k} | {v} |" for k, v in sorted(result.counts.items())]
    if result.survivors:
        lines += ["", "Surviving mutants (`mutmut show NAME` prints the change):", ""]
        lines += [f"- `{name}`" for name in result.survivors]
    return "\n".join(lines) + "\n"
