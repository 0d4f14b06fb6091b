"""The conformance reports: report.json (the contract of the design notes), and a table with one
row per FAQ number as HTML and Markdown for people who do not read code. JUnit XML is written by
pytest itself (--junitxml)."""
from __future__ import annotations

import datetime as dt
import html
import json
from dataclasses import dataclass
from pathlib import Path

from conformance.faq import faq_key, load_coverage, load_items

OUTCOME_JA = {"passed": "合格", "failed": "不合格", "skipped": "未実施"}


@dataclass
class ScenarioResult:
    faq: str
    scenario: str
    outcome: str          # passed | failed | skipped
    reason: str = ""
    nodeid: str = ""
    duration: float = 0.0

    def as_json(self) -> dict[str, str]:
        return {"faq": self.faq, "scenario": self.scenario, "outcome": self.outcome, "reason": self.reason}


def report_document(target: str, edition: str, results: list[ScenarioResult]) -> dict:
    ordered = sorted(results, key=lambda r: (faq_key(r.faq), r.nodeid))   # the contract: these three keys only
    return {"target": target, "edition": edition, "results": [r.as_json() for r in ordered]}


def faq_rows(results: list[ScenarioResult]) -> list[dict]:
    """One row per FAQ number: scenarios, the combined outcome, the reasons of failures."""
    by_faq: dict[str, list[ScenarioResult]] = {}
    for r in results:
        by_faq.setdefault(r.faq, []).append(r)
    rows = []
    for faq in sorted(by_faq, key=faq_key):
        rs = by_faq[faq]
        outcomes = {r.outcome for r in rs}
        outcome = "failed" if "failed" in outcomes else ("passed" if "passed" in outcomes else "skipped")
        rows.append({"faq": faq, "outcome": outcome, "scenarios": rs,
                     "passed": sum(r.outcome == "passed" for r in rs),
                     "failed": sum(r.outcome == "failed" for r in rs),
                     "skipped": sum(r.outcome == "skipped" for r in rs)})
    return rows


def _not_tested(results: list[ScenarioResult]) -> list[tuple[str, str, str]]:
    tested = {r.faq for r in results}
    coverage = load_coverage()
    return [(faq, e.status, e.reason) for faq, e in sorted(coverage.items(), key=lambda kv: faq_key(kv[0]))
            if faq not in tested]


COVERAGE_2026 = Path(__file__).resolve().parent / "coverage-2026.csv"


def coverage_2026() -> list[dict[str, str]]:
    """The numbered rules of the current system (003, digest §0), each with what checks it."""
    import csv

    with COVERAGE_2026.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def rules_without_scenario() -> list[tuple[str, str, str]]:
    return [(f"§0-{r['rule']} {r['value']}", r["status"], f"{r['checked_by']}: {r['reason']}")
            for r in coverage_2026() if r["status"] != "scenario"]


def _glosses() -> dict[str, str]:
    try:
        return {it.faq: it.gloss for it in load_items()}
    except OSError:
        return {}


def write_reports(folder: Path, target: str, edition: str, results: list[ScenarioResult],
                  elapsed: float = 0.0, selection: str | None = None) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    doc = report_document(target, edition, results)
    json_path = folder / "report.json"
    json_path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    rows = faq_rows(results)
    from conformance.bdd import suite_edition

    # what no scenario tests: the FAQ's coverage file (2024), or the rules of 003 §0 without a scenario (2026)
    not_tested = [] if selection else _not_tested(results) if suite_edition() == "2024" else rules_without_scenario()
    glosses = _glosses()
    html_path = folder / "report.html"
    html_path.write_text(_html(target, edition, rows, not_tested, glosses, results, elapsed, selection),
                         encoding="utf-8")
    md_path = folder / "report.md"
    md_path.write_text(_markdown(target, edition, rows, not_tested, glosses, results, elapsed, selection),
                       encoding="utf-8")
    return [json_path, html_path, md_path]


def _source() -> str:
    from conformance.bdd import SOURCES, suite_edition

    return f"suite {suite_edition()}: {SOURCES[suite_edition()]}"


def _summary(results: list[ScenarioResult]) -> dict[str, int]:
    seen: dict[str, str] = {}
    for r in results:
        seen[r.nodeid or r.scenario] = r.outcome if seen.get(r.nodeid or r.scenario) != "failed" else "failed"
    return {k: sum(v == k for v in seen.values()) for k in ("passed", "failed", "skipped")}


def _html(target: str, edition: str, rows: list[dict], not_tested: list[tuple[str, str, str]],
          glosses: dict[str, str], results: list[ScenarioResult], elapsed: float, selection: str | None) -> str:
    e = html.escape
    s = _summary(results)
    colour = {"passed": "#d8f0d8", "failed": "#f6d0d0", "skipped": "#eeeeee"}
    out = [
        "<!DOCTYPE html>", '<html lang="ja"><head><meta charset="utf-8">',
        "<title>rasim 適合性レポート / conformance report</title>",
        ("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%}"
         "td,th{border:1px solid #999;padding:.4em;vertical-align:top;text-align:left}"
         "th{background:#333;color:#fff}ul{margin:0;padding-left:1.2em}.r{font-size:.9em;color:#600}</style>"),
        "</head><body>",
        "<h1>FAQ 適合性レポート (conformance report)</h1>",
        (f"<p>対象 (target): <code>{e(target)}</code> — 版 (edition): {e(edition)} — "
         f"出典 (source): {e(_source())} — "
         f"作成 (written): {dt.datetime.now():%Y-%m-%d %H:%M} — 所要 (took): {elapsed:.1f} s"
         + (f" — 選択 (selection): <code>{e(selection)}</code>" if selection else "") + "</p>"),
        (f"<p><b>合格 passed {s['passed']}</b> / <b>不合格 failed {s['failed']}</b> / 未実施 skipped {s['skipped']} "
         f"(シナリオ数 scenarios)</p>"),
        ("<table><tr><th>FAQ</th><th>内容 (question)</th><th>結果 (outcome)</th><th>シナリオ (scenarios)</th>"
         "<th>理由 (reason)</th></tr>"),
    ]
    for row in rows:
        items = "".join(f"<li>{'✔' if r.outcome == 'passed' else ('✘' if r.outcome == 'failed' else '–')} "
                        f"{e(r.scenario)}</li>" for r in row["scenarios"])
        reasons = "".join(f"<li class='r'>{e(r.scenario)}: {e(r.reason)}</li>" for r in row["scenarios"] if r.reason)
        out.append(f"<tr style='background:{colour[row['outcome']]}'><td><b>{e(row['faq'])}</b></td>"
                   f"<td>{e(glosses.get(row['faq'], ''))}</td>"
                   f"<td>{OUTCOME_JA[row['outcome']]} ({row['outcome']})<br>{row['passed']}/{len(row['scenarios'])}</td>"
                   f"<td><ul>{items}</ul></td><td><ul>{reasons}</ul></td></tr>")
    out.append("</table>")
    if not_tested:
        out += ["<h2>シナリオのないFAQ項目 (items without scenarios)</h2>",
                "<table><tr><th>FAQ</th><th>内容 (question)</th><th>区分 (status)</th><th>理由 (reason)</th></tr>"]
        out += [f"<tr><td>{e(f)}</td><td>{e(glosses.get(f, ''))}</td><td>{e(st)}</td><td>{e(rs)}</td></tr>"
                for f, st, rs in not_tested]
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _markdown(target: str, edition: str, rows: list[dict], not_tested: list[tuple[str, str, str]],
              glosses: dict[str, str], results: list[ScenarioResult], elapsed: float, selection: str | None) -> str:
    s = _summary(results)
    lines = ["# FAQ 適合性レポート (conformance report)", "",
             f"- target: `{target}`", f"- edition: {edition}", f"- source: {_source()}", f"- took: {elapsed:.1f} s"]
    if selection:
        lines.append(f"- selection: `{selection}`")
    lines += [f"- scenarios: {s['passed']} passed, {s['failed']} failed, {s['skipped']} skipped", "",
              "| FAQ | question | outcome | scenarios | reason |", "| --- | --- | --- | --- | --- |"]
    for row in rows:
        names = "<br>".join(("✔ " if r.outcome == "passed" else "✘ " if r.outcome == "failed" else "– ")
                            + _md_cell(r.scenario) for r in row["scenarios"])
        reasons = "<br>".join(_md_cell(f"{r.scenario}: {r.reason}") for r in row["scenarios"] if r.reason)
        lines.append(f"| {row['faq']} | {_md_cell(glosses.get(row['faq'], ''))} | "
                     f"{OUTCOME_JA[row['outcome']]} ({row['outcome']}) {row['passed']}/{len(row['scenarios'])} | "
                     f"{names} | {reasons} |")
    if not_tested:
        lines += ["", "## Items without scenarios", "", "| FAQ | question | status | reason |",
                  "| --- | --- | --- | --- |"]
        lines += [f"| {f} | {_md_cell(glosses.get(f, ''))} | {st} | {_md_cell(rs)} |" for f, st, rs in not_tested]
    return "\n".join(lines) + "\n"
