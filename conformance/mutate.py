"""`rasim conformance mutate`: does the FAQ suite pin the rules of the catalogue?

Every numeric setting of the 2024 edition (simulator/catalog/editions.py) whose source comment
cites the FAQ (`# FAQ Q12-7, WZBAM153E`) becomes mutants: the number ±1 (for a tuple, each element
±1). Each mutant is applied through the test hook RASIM_EDITION_OVERRIDES of
`simulator.catalog.edition()` — nothing in the working tree changes — and the in-process scenarios
tagged with the cited FAQ numbers run against it (tests/test_conformance_inprocess.py, `-m "Q12-7
or …"`). A mutant is *killed* when that run fails, *survived* when it passes. Settings whose source
is not the FAQ (`# 004 §2.15.7`, `# rasim`) have no scenario tag: they are listed as "no scenario
cites it", or run against the whole suite with `untagged="suite"` (slow: ~1 min each).
A line without a comment inherits the source of the line above (`password_max` after `password_min`).
"""
from __future__ import annotations

import dataclasses
import json
import os
import random
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EDITIONS_PY = ROOT / "simulator" / "catalog" / "editions.py"
SUITE = "tests/test_conformance_inprocess.py"
EDITION = "2024"
SEED = 20240319
_FIELD = re.compile(r"^\s{4}(\w+)\s*:\s*[^=]+=.*?(?:\s{2,}#\s*(.*?))?\s*$")   # comment: 2+ spaces, #
_FAQ = re.compile(r"\bQ\d+-\d+\b")
_MANUAL = re.compile(r"\b(00[34]) §(\d+(?:\.\d+)*)")   # a section of a manual: 004 §2.15.7


@dataclass(frozen=True)
class Rule:
    name: str
    value: int | tuple[int, ...]
    source: str             # the source comment, e.g. "FAQ Q12-7, WZBAM153E"
    tags: tuple[str, ...]   # the FAQ numbers it cites, e.g. ("Q12-7",)


@dataclass(frozen=True)
class Mutant:
    rule: Rule
    value: int | tuple[int, ...]

    @property
    def label(self) -> str:
        return f"{_show(self.rule.value)} → {_show(self.value)}"


@dataclass
class Outcome:
    mutant: Mutant
    outcome: str            # killed | survived | no scenario | error
    seconds: float = 0.0
    detail: str = ""


def _show(v: int | tuple[int, ...]) -> str:
    return "(" + ", ".join(map(str, v)) + ")" if isinstance(v, tuple) else str(v)


def faq_tags(comment: str) -> tuple[str, ...]:
    """The scenario tags a source comment cites: FAQ numbers ("FAQ Q12-7, Q2-6" → ("Q12-7", "Q2-6"))
    and sections of the manuals ("004 §2.15.7" → ("004-2.15.7",)); "rasim" → ()."""
    at = comment.find("FAQ")
    faq = _FAQ.findall(comment[at:]) if at >= 0 else []
    manual = [f"{m.group(1)}-{m.group(2)}" for m in _MANUAL.finditer(comment)]
    return tuple(dict.fromkeys(faq + manual))


def source_comments(text: str) -> dict[str, str]:
    """Field name → source comment of the Edition class body (inherited from the line above when absent)."""
    out: dict[str, str] = {}
    last = ""
    body = text.split("class Edition", 1)[1]
    for line in body.splitlines():
        if line.strip().startswith(("@", "def ")):
            break
        m = _FIELD.match(line)
        if m:
            last = m.group(2) or last
            out[m.group(1)] = last
    return out


def rules(path: Path = EDITIONS_PY) -> list[Rule]:
    """The numeric settings of the 2024 edition with their source."""
    from simulator.catalog.editions import Edition

    comments = source_comments(path.read_text(encoding="utf-8"))
    out = []
    for f in dataclasses.fields(Edition):
        v = f.default
        numeric = (isinstance(v, int) and not isinstance(v, bool)) or (
            isinstance(v, tuple) and v and all(isinstance(x, int) for x in v))
        if numeric:
            src = comments.get(f.name, "")
            out.append(Rule(f.name, v, src, faq_tags(src)))
    return out


def mutants(rule: Rule) -> list[Mutant]:
    if isinstance(rule.value, int):
        return [Mutant(rule, rule.value + d) for d in (-1, 1)]
    out = []
    for i in range(len(rule.value)):
        for d in (-1, 1):
            v = list(rule.value)
            v[i] += d
            out.append(Mutant(rule, tuple(v)))
    return out


def select(all_rules: Iterable[Rule], rule: str | None = None, tag: str | None = None,
           sample: int | None = None) -> list[Mutant]:
    chosen = [r for r in all_rules if (rule is None or r.name == rule) and (tag is None or tag in r.tags)]
    ms = [m for r in chosen for m in mutants(r)]
    if sample is not None and sample < len(ms):
        ms = sorted(random.Random(SEED).sample(ms, sample), key=ms.index)
    return ms


def run_suite(marker: str | None, overrides: dict | None, timeout: float = 900) -> tuple[int, str]:
    """Run the in-process scenarios (those with `marker`, or all) under the overrides; (rc, tail)."""
    env = {**os.environ, "RASIM_EDITION_OVERRIDES": json.dumps({EDITION: overrides or {}})}
    env.pop("PYTEST_ADDOPTS", None)
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--no-header", "-x",
           "--tb=line", "-W", "ignore::DeprecationWarning", SUITE]
    if marker:
        cmd += ["-m", marker]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    lines = (done.stdout + done.stderr).strip().splitlines()
    return done.returncode, lines[-1] if lines else ""


def marker_of(rule: Rule) -> str:
    return " or ".join(rule.tags)


def run_mutant(m: Mutant, untagged: str) -> Outcome:
    if not m.rule.tags and untagged != "suite":
        return Outcome(m, "no scenario", 0.0, "no scenario cites it")
    started = time.monotonic()
    value = list(m.value) if isinstance(m.value, tuple) else m.value
    rc, tail = run_suite(marker_of(m.rule) or None, {m.rule.name: value})
    took = time.monotonic() - started
    outcome = {0: "survived", 1: "killed", 5: "no scenario"}.get(rc, "error")
    return Outcome(m, outcome, took, tail)


def baseline(ms: list[Mutant]) -> tuple[int, str]:
    """The unmutated run of every tag the selection uses: it must pass, or 'killed' means nothing."""
    tags = sorted({t for m in ms for t in m.rule.tags})
    if not tags:
        return 0, ""
    return run_suite(" or ".join(tags), None)


def mutate(ms: list[Mutant], jobs: int, untagged: str = "skip",
           progress: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    results: list[Outcome] = []
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(run_mutant, m, untagged) for m in ms]
        for fut in as_completed(futures):
            o = fut.result()
            results.append(o)
            if progress:
                progress(o)
    order = {id(m): i for i, m in enumerate(ms)}
    return sorted(results, key=lambda o: order[id(o.mutant)])


def score(results: list[Outcome]) -> tuple[int, int]:
    """(killed, mutants run against scenarios): rasim's own choices without a scenario do not count."""
    ran = [o for o in results if o.outcome in ("killed", "survived", "error")]
    return sum(o.outcome == "killed" for o in ran), len(ran)


def progress_line(o: Outcome) -> str:
    tags = ",".join(o.mutant.rule.tags) or "-"
    return (f"{o.mutant.rule.name:<32} {o.mutant.label:<18} {tags:<18} {o.outcome.upper():<12} "
            f"{o.seconds:6.1f} s")


def as_json(results: list[Outcome]) -> dict:
    killed, total = score(results)
    return {"edition": EDITION, "killed": killed, "mutants": total,
            "score": round(killed / total, 4) if total else None,
            "results": [{"rule": o.mutant.rule.name, "source": o.mutant.rule.source,
                         "tags": list(o.mutant.rule.tags), "original": o.mutant.rule.value,
                         "mutant": o.mutant.value, "outcome": o.outcome, "seconds": round(o.seconds, 1),
                         "detail": o.detail} for o in results]}


def markdown(results: list[Outcome], command: str = "rasim conformance mutate") -> str:
    killed, total = score(results)
    pct = f"{100 * killed / total:.0f} %" if total else "n/a"
    faq = [o for o in results if o.mutant.rule.tags]
    own = [o for o in results if not o.mutant.rule.tags]

    def table(rows: list[Outcome]) -> list[str]:
        out = ["| rule | source | mutant | scenarios | outcome |", "| --- | --- | --- | --- | --- |"]
        for o in rows:
            scen = ", ".join(f"@{t}" for t in o.mutant.rule.tags) or ("whole suite" if o.seconds else "—")
            mark = {"killed": "killed", "survived": "**survived**"}.get(o.outcome, o.outcome)
            out.append(f"| `{o.mutant.rule.name}` | {o.mutant.rule.source or '—'} | {o.mutant.label} | "
                       f"{scen} | {mark} |")
        return out

    survivors = [o for o in results if o.outcome == "survived"]
    lines = [f"# Mutation score of the FAQ suite (edition {EDITION})", "",
             f"Produced by `{command}`. Each numeric setting of the 2024 edition "
             "(`simulator/catalog/editions.py`) is changed by ±1 through `RASIM_EDITION_OVERRIDES`, and the "
             "in-process scenarios tagged with the FAQ numbers and manual sections (@004-2.15.7) of its source "
             "comment run against the mutant. "
             "Killed = a scenario failed.", "",
             f"**Score: {killed} / {total} killed ({pct}).**", ""]
    if survivors:
        lines += ["Survivors: " + ", ".join(f"`{o.mutant.rule.name}` {o.mutant.label}" for o in survivors), ""]
    lines += ["## Rules the FAQ or a manual states", ""] + table(faq)
    lines += ["", "## rasim's own choices", "",
              "Settings whose source is rasim itself (values the seeds leave open): no scenario cites them, so they "
              "do not count in the score (run them against the whole suite with `--untagged suite`).", ""]
    lines += table(own) if own else ["(none selected)"]
    return "\n".join(lines) + "\n"
