"""`rasim conformance lint`: check the feature files (features/*.feature) against the rules of the
suite, and check that conformance/coverage.csv agrees with them.

Rules (the name in parentheses ends each finding):

- (faq-tag) every scenario (シナリオ, シナリオアウトライン) carries at least one FAQ tag of its own,
  e.g. `@Q12-7` on the line above it. Tags on the feature (機能) do not count: `rasim conformance
  coverage` and the reports count only the scenario's own tags.
- (known-tag) every tag is an FAQ item listed in conformance/faq-items.csv, a section of seed 003
  (the manual of the 2026 edition; `@003-3.2`), or a marker tag the suite knows (`@jpki`).
- (refusal-outcome) a step that says a request is refused names what the refusal is: an error code
  (「エラー「WZBAM153E」で拒否される」, 「エラー「<コード>」で拒否される」 with a code in every example row),
  or it checks an effect (「「山田」は元のパスワードではログインできない」, or one of the refusals of
  conformance/steps/effects.py: 「拒否され、「佐藤」の利用者情報は登録されない」). The step definitions in
  conformance/steps/ have one refusal without a code, `拒否される` (common.py): it passes on any 4xx
  with any code, so it says nothing about *which* rule refused the request.
- (coverage-agrees) conformance/coverage.csv agrees with the feature files: an FAQ item whose entry
  says it has a scenario (`the scenario @Q3-6 …`) has one with that tag; a tag used on a scenario is
  an item without an entry (covered by scenarios) or one whose entry names that scenario tag; every
  entry is an FAQ item with a known status.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from conformance import faq

ROOT = faq.HERE.parent

RULES = {
    "faq-tag": "every scenario carries at least one FAQ tag of its own (@Q12-7 on the line above シナリオ); "
               "a section tag of seed 003 (@003-3.2) also counts; tags on 機能 do not",
    "known-tag": "every tag is an FAQ item of conformance/faq-items.csv, a section of seed 003 (the manual of "
                 "the 2026 edition, @003-3.2) or the marker @jpki",
    "refusal-outcome": "a step that says a request is refused names the error code (エラー「WZBAM153E」で拒否される; "
                       "in an outline, a code in every example row) or checks an effect; a bare 「拒否される」 is flagged",
    "coverage-agrees": "conformance/coverage.csv agrees with the tags: an entry that names a scenario (@Q3-6) has "
                       "one; a tagged FAQ item has no entry, or one that names that tag; entries are FAQ items "
                       "with status offline, browser or later-issue",
}

MARKER_TAGS = frozenset({"jpki"})                 # conformance/pytest_plugin.py CARD_TAG
SEED_TAG = re.compile(r"^00[34]-\d+(?:\.\d+)*$")  # a section of a manual: 003 (2026) or 004 (2024)
COVERAGE_STATUSES = frozenset({"offline", "browser", "later-issue"})

_TAG_LINE = re.compile(r"^@\S+(?:\s+@\S+)*(?:\s+#.*)?$")
_FEATURE = re.compile(r"^(?:機能|フィーチャ|Feature)\s*:")
_RULE = re.compile(r"^(?:ルール|Rule)\s*:")
_BACKGROUND = re.compile(r"^(?:背景|Background)\s*:")
_OUTLINE = re.compile(r"^(?:シナリオアウトライン|シナリオテンプレート|シナリオテンプレ|テンプレ"
                      r"|Scenario Outline|Scenario Template)\s*:")
_SCENARIO = re.compile(r"^(?:シナリオ|Scenario|Example)\s*:")
_EXAMPLES = re.compile(r"^(?:例|サンプル|Examples|Scenarios)\s*:")
_STEP = re.compile(r"^(前提|もし|ならば|且つ|かつ|然し|しかし|但し|ただし|\*|Given|When|Then|And|But)\s*(.*)$")
# a step that says the request was refused / an error came back (the step text, after the keyword)
_REFUSAL = re.compile(r"拒否され|エラーが返|エラーとなる|エラーになる")
# the refusals of conformance/steps/effects.py: where the seeds give no code, the step checks an effect
_EFFECT = re.compile(r"拒否され、.+(されない|変わっていない|のままである|記録されない)$")
# what names the outcome: an error code in 「」, or an outline placeholder in 「」 (checked in the examples)
_CODE = re.compile(r"「([A-Z]{2,}\d{3}[A-Z]?)」")
_PLACEHOLDER_CODE = re.compile(r"「<([^>]+)>」")


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    what: str
    rule: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what} ({self.rule})"


@dataclass
class _Scenario:
    line: int
    name: str
    outline: bool
    tags: list[tuple[str, int]]
    steps: list[tuple[str, int]] = field(default_factory=list)
    examples: list[list[tuple[list[str], int]]] = field(default_factory=list)   # tables of (cells, line)


@dataclass
class LintResult:
    findings: list[Finding]
    files: int
    scenarios: int

    def summary(self) -> str:
        if not self.findings:
            return f"lint: no findings in {self.files} feature files ({self.scenarios} scenarios)"
        per_rule: dict[str, int] = {}
        for f in self.findings:
            per_rule[f.rule] = per_rule.get(f.rule, 0) + 1
        rules = ", ".join(f"{n} {rule}" for rule, n in sorted(per_rule.items()))
        return (f"lint: {len(self.findings)} finding(s) in {self.files} feature files "
                f"({self.scenarios} scenarios): {rules}")


def display(path: Path) -> str:
    """The path as the findings show it: relative to the project when it is inside it."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def parse_feature(text: str) -> tuple[list[tuple[str, int]], list[_Scenario]]:
    """The tags that appear anywhere (tag, line), and the scenarios with their own tags, steps, examples."""
    all_tags: list[tuple[str, int]] = []
    scenarios: list[_Scenario] = []
    pending: list[tuple[str, int]] = []
    current: _Scenario | None = None
    table: list[tuple[list[str], int]] | None = None   # the examples table being read
    in_doc: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if in_doc:
            if line.startswith(in_doc):
                in_doc = None
            continue
        if line.startswith(('"""', "```")):
            in_doc = line[:3]
            continue
        if not line or line.startswith("#"):
            continue
        if line.startswith("@") and _TAG_LINE.match(line):
            tags = [(t[1:], number) for t in line.split("#")[0].split()]
            all_tags += tags
            pending += tags
            continue
        if _OUTLINE.match(line) or _SCENARIO.match(line):
            current = _Scenario(number, line.split(":", 1)[1].strip(), bool(_OUTLINE.match(line)), pending)
            scenarios.append(current)
            pending, table = [], None
        elif _EXAMPLES.match(line):
            pending, table = [], []
            if current is not None:
                current.examples.append(table)
        elif _FEATURE.match(line) or _RULE.match(line) or _BACKGROUND.match(line):
            pending, table, current = [], None, None
        elif line.startswith("|"):
            if table is not None:
                table.append((_cells(line), number))
        else:
            m = _STEP.match(line)
            if m and current is not None:
                current.steps.append((m.group(2), number))
            pending = []
    return all_tags, scenarios


def _tag_kind(tag: str, items: set[str]) -> str | None:
    """'faq', 'seed', 'marker', or None for an unknown tag."""
    if tag in items:
        return "faq"
    if SEED_TAG.match(tag):
        return "seed"
    if tag in MARKER_TAGS:
        return "marker"
    return None


def lint_text(text: str, path: str, items: set[str]) -> tuple[list[Finding], list[_Scenario]]:
    """The findings of one feature file (all rules but coverage-agrees)."""
    findings: list[Finding] = []
    all_tags, scenarios = parse_feature(text)
    for tag, line in all_tags:
        if _tag_kind(tag, items) is None:
            hint = " (not in conformance/faq-items.csv)" if faq.TAG.match(tag) else ""
            findings.append(Finding(path, line, f"unknown tag @{tag}{hint}", "known-tag"))
    for sc in scenarios:
        if not any(faq.TAG.match(t) or SEED_TAG.match(t) for t, _ in sc.tags):
            findings.append(Finding(path, sc.line, f"scenario 「{sc.name}」 has no FAQ tag", "faq-tag"))
        for step, line in sc.steps:
            if not _REFUSAL.search(step) or _CODE.search(step) or _EFFECT.search(step):
                continue
            placeholder = _PLACEHOLDER_CODE.search(step)
            if placeholder and sc.outline:
                findings += _codeless_examples(sc, placeholder.group(1), step, path)
                continue
            findings.append(Finding(path, line, f"refusal step 「{step}」 names no error code", "refusal-outcome"))
    return findings, scenarios


def _codeless_examples(sc: _Scenario, column: str, step: str, path: str) -> list[Finding]:
    found = []
    for table in sc.examples:
        if not table:
            continue
        header, rows = table[0][0], table[1:]
        if column not in header:
            found.append(Finding(path, table[0][1], f"examples have no column <{column}> for 「{step}」", "refusal-outcome"))
            continue
        at = header.index(column)
        for cells, line in rows:
            value = cells[at] if at < len(cells) else ""
            if not re.fullmatch(r"[A-Z]{2,}\d{3}[A-Z]?", value):
                found.append(Finding(path, line, f"example row gives no error code for <{column}> "
                                                 f"(「{value}」) in 「{step}」", "refusal-outcome"))
    return found


def read_coverage(path: Path) -> list[tuple[faq.CoverageEntry, int]]:
    """The entries of coverage.csv with the line each starts on."""
    entries = []
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader, [])
        start = reader.line_num + 1
        for row in reader:
            rec = dict(zip(header, row, strict=False))
            entries.append((faq.CoverageEntry(rec.get("faq", ""), rec.get("status", ""), rec.get("reason", "")), start))
            start = reader.line_num + 1
    return entries


def coverage_findings(usage: dict[str, list[tuple[str, int]]], items: set[str], coverage_path: Path) -> list[Finding]:
    """Where coverage.csv and the scenario tags disagree. `usage`: FAQ tag -> [(file, line of the tag)]."""
    where = display(coverage_path)
    findings: list[Finding] = []
    named: dict[str, set[str]] = {}
    status: dict[str, str] = {}
    for entry, line in read_coverage(coverage_path):
        status[entry.faq] = entry.status
        if entry.faq not in items:
            findings.append(Finding(where, line, f"entry {entry.faq or '(empty)'} is not an FAQ item of faq-items.csv",
                                    "coverage-agrees"))
        if entry.status not in COVERAGE_STATUSES:
            findings.append(Finding(where, line, f"entry {entry.faq} has the unknown status 「{entry.status}」 "
                                                 f"(one of {', '.join(sorted(COVERAGE_STATUSES))})", "coverage-agrees"))
        tags = set(re.findall(r"@(Q\d+-\d+)\b", entry.reason))
        named[entry.faq] = tags
        for tag in sorted(tags, key=faq.faq_key):
            if tag not in usage:
                findings.append(Finding(where, line, f"entry {entry.faq} says the scenario @{tag} exists, "
                                                     f"but no scenario carries @{tag}", "coverage-agrees"))
    for tag in sorted(usage, key=faq.faq_key):
        if tag in named and tag not in named[tag]:
            for path, line in usage[tag]:
                findings.append(Finding(path, line, f"scenario tagged @{tag}, but coverage.csv lists {tag} as "
                                                    f"「{status[tag]}」 without naming a scenario @{tag}", "coverage-agrees"))
    return findings


def lint(features_dir: Path = faq.FEATURES, items_path: Path = faq.FAQ_ITEMS,
         coverage_path: Path | None = faq.COVERAGE) -> LintResult:
    """Lint every features_dir/*.feature; with coverage_path, also check that coverage file."""
    items = {it.faq for it in faq.load_items(items_path)}
    findings: list[Finding] = []
    usage: dict[str, list[tuple[str, int]]] = {}
    files = scenarios = 0
    for path in sorted(features_dir.glob("*.feature")):
        shown = display(path)
        found, parsed = lint_text(path.read_text(encoding="utf-8"), shown, items)
        findings += found
        files += 1
        scenarios += len(parsed)
        for sc in parsed:
            for tag, line in sc.tags:
                if faq.TAG.match(tag) and tag in items:
                    usage.setdefault(tag, []).append((shown, line))
    if coverage_path is not None:
        findings += coverage_findings(usage, items, coverage_path)
    return LintResult(findings, files, scenarios)


def lint_2026(features_dir: Path, check_coverage: bool = True) -> LintResult:
    """The current system's suite: the same checks of the files, and conformance/coverage-2026.csv — every
    section tag it names is carried by a scenario (rule `coverage-agrees`)."""
    result = lint(features_dir, coverage_path=None)
    if not check_coverage:
        return result
    from conformance.report import COVERAGE_2026, coverage_2026

    carried: set[str] = set()
    for path in features_dir.glob("*.feature"):
        carried |= set(re.findall(r"@003-[\d.]+\b", path.read_text(encoding="utf-8")))
    findings = list(result.findings)
    for n, row in enumerate(coverage_2026(), start=2):
        for tag in row["checked_by"].split():
            if tag.startswith("@") and tag not in carried:
                findings.append(Finding(display(COVERAGE_2026), n, f"rule {row['rule']} names {tag}, but no scenario "
                                        "carries it", "coverage-agrees"))
    return LintResult(findings, result.files, result.scenarios)


def coverage_disagreements(features_dir: Path = faq.FEATURES, items_path: Path = faq.FAQ_ITEMS,
                           coverage_path: Path = faq.COVERAGE) -> list[Finding]:
    """Only the coverage-agrees findings (for `rasim conformance coverage`)."""
    return [f for f in lint(features_dir, items_path, coverage_path).findings if f.rule == "coverage-agrees"]


def rules_help(names: Iterable[str] = RULES) -> str:
    return "\n".join(f"  {name}: {RULES[name]}" for name in names)
