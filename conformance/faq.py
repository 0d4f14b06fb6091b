"""FAQ items, their kinds, and the coverage file: which items have scenarios, which do not and why."""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
FAQ_ITEMS = HERE / "faq-items.csv"
COVERAGE = HERE / "coverage.csv"
FEATURES = HERE.parent / "features"
TAG = re.compile(r"^Q(\d+)-(\d+)$")
SECTION_TAG = re.compile(r"^003-(\d+(?:\.\d+)*)$")   # a section of seed 003 (the edition 2026 suite): @003-5.3.1


def is_source_tag(name: str) -> bool:
    """An FAQ number (@Q4-23) or a section of seed 003 (@003-5.3.1): what a scenario checks, for the reports."""
    return bool(TAG.match(name) or SECTION_TAG.match(name))


@dataclass(frozen=True)
class FaqItem:
    faq: str
    section: str
    kind: str
    gloss: str


@dataclass(frozen=True)
class CoverageEntry:
    faq: str
    status: str      # offline | later-issue
    reason: str


def faq_key(faq: str) -> tuple[int, ...]:
    m = TAG.match(faq)
    if m:
        return (int(m.group(1)), int(m.group(2)))
    section = SECTION_TAG.match(faq)
    return (1000, *(int(n) for n in section.group(1).split("."))) if section else (9999,)


def load_items(path: Path = FAQ_ITEMS) -> list[FaqItem]:
    with open(path, encoding="utf-8", newline="") as f:
        return [FaqItem(r["faq"], r["section"], r["kind"], r["gloss"]) for r in csv.DictReader(f)]


def load_coverage(path: Path = COVERAGE) -> dict[str, CoverageEntry]:
    with open(path, encoding="utf-8", newline="") as f:
        return {r["faq"]: CoverageEntry(r["faq"], r["status"], r["reason"]) for r in csv.DictReader(f)}


def scenario_tags(features_dir: Path = FEATURES) -> dict[str, int]:
    """FAQ number -> how many scenarios carry its tag, read from the feature files."""
    counts: dict[str, int] = {}
    for path in sorted(features_dir.glob("*.feature")):
        pending: list[str] = []
        for line in path.read_text(encoding="utf-8").splitlines():
            text = line.strip()
            if text.startswith("@"):
                pending += [t[1:] for t in text.split() if TAG.match(t[1:])]
            elif text.startswith(("シナリオ", "Scenario")):
                for tag in pending:
                    counts[tag] = counts.get(tag, 0) + 1
                pending = []
            elif text and not text.startswith("#"):
                pending = []
    return counts


def derive_items_from_digest(digest: Path) -> list[FaqItem]:
    """Read faq-rules.md section 3 (one `### Qn-m` entry per item) into FaqItems."""
    items: list[FaqItem] = []
    current: dict[str, str] | None = None
    in_items = False
    for line in digest.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            in_items = line.startswith("## 3.")
            continue
        if not in_items:
            continue
        m = re.match(r"^### (Q\d+-\d+)\s*$", line)
        if m:
            if current:
                items.append(FaqItem(**current))
            current = {"faq": m.group(1), "section": m.group(1).split("-")[0], "kind": "", "gloss": ""}
            continue
        if current is None:
            continue
        if line.startswith("**Gloss:**"):
            current["gloss"] = line.removeprefix("**Gloss:**").strip()
        elif line.startswith("**Kind:**"):
            current["kind"] = line.removeprefix("**Kind:**").strip()
    if current:
        items.append(FaqItem(**current))
    return items


def write_items(items: list[FaqItem], path: Path = FAQ_ITEMS) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["faq", "section", "kind", "gloss"])
        for it in items:
            w.writerow([it.faq, it.section, it.kind, it.gloss])


def status_table(features_dir: Path = FEATURES) -> list[dict[str, str]]:
    """Every FAQ item with its status: scenarios (n), offline, later-issue, or missing."""
    tags = scenario_tags(features_dir)
    coverage = load_coverage()
    rows = []
    for it in load_items():
        n = tags.get(it.faq, 0)
        entry = coverage.get(it.faq)
        if n:
            status = "scenarios"
        elif entry:
            status = entry.status
        else:
            status = "missing"
        rows.append({"faq": it.faq, "kind": it.kind, "scenarios": str(n), "status": status,
                     "reason": entry.reason if entry else "", "gloss": it.gloss})
    return rows
