"""`rasim conformance run` over real HTTP against a simulator started by conformance/server.py,
on a subset of FAQ tags: the reports exist and have the agreed shape; a failing scenario gives a
non-zero exit code and a `failed` row with its reason; `rasim conformance coverage` lists only
FAQ items without scenario and without coverage entry."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conformance.faq import load_coverage, load_items, scenario_tags
from conformance.server import SimulatorServer

ROOT = Path(__file__).resolve().parents[2]
ISSUE_ITEMS = (["Q1-1", "Q1-2", "Q1-3"] + [f"Q2-{n}" for n in (1, 2, 3, 4, 5, 6, 10, 13, 14, 15, 16, 17)]
               + [f"Q3-{n}" for n in range(1, 9)] + ["Q3-11"] + [f"Q9-{n}" for n in range(1, 7)]
               + [f"Q10-{n}" for n in range(1, 5)] + [f"Q12-{n}" for n in range(1, 9)] + ["Q13-1", "Q13-2"])
# Q2-12 (filing for two children) is a matter of applications now; its card side is Q2-10's scenario
CARD_ITEMS = (["Q1-2"] + [f"Q2-{n}" for n in (7, 8, 9, 10, 11, 16, 18, 19, 20)] + ["Q11-3", "Q12-1", "Q13-3"])


def rasim(*args: str, env: dict[str, str] | None = None, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "simulator.cli", *args], cwd=ROOT, capture_output=True, text=True, check=False,
                          timeout=timeout, env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def server():
    with SimulatorServer() as s:
        yield s


def test_run_over_http_writes_the_reports(server: SimulatorServer, tmp_path: Path) -> None:
    report = tmp_path / "report"
    done = rasim("conformance", "run", "--target", server.url, "--report", str(report), "--tags", "Q12-7,Q2-14")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert "[  1/" in done.stdout   # progress, one line per scenario

    doc = json.loads((report / "report.json").read_text(encoding="utf-8"))
    assert set(doc) == {"target", "edition", "results"}
    assert doc["target"] == server.url and doc["edition"] == "2024"
    assert doc["results"], "no results"
    for r in doc["results"]:
        assert set(r) == {"faq", "scenario", "outcome", "reason"}
        assert r["faq"] in ("Q12-7", "Q2-14") and r["outcome"] == "passed" and r["scenario"]
    expected = scenario_tags()
    assert sum(r["faq"] == "Q12-7" for r in doc["results"]) == expected["Q12-7"]
    assert sum(r["faq"] == "Q2-14" for r in doc["results"]) >= expected["Q2-14"]   # outlines: one per example

    suite = ET.parse(report / "junit.xml").getroot()
    cases = suite.findall(".//testcase")
    assert len(cases) == len(doc["results"])
    assert {p.get("value") for p in suite.iter("property") if p.get("name") == "faq"} == {"Q12-7", "Q2-14"}
    assert not suite.findall(".//failure")

    html = (report / "report.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.count("<tr style=") == 2   # one row per FAQ number
    assert "Q12-7" in html and "Q2-14" in html
    md = (report / "report.md").read_text(encoding="utf-8")
    assert re.search(r"^\| Q12-7 \|", md, re.MULTILINE) and re.search(r"^\| Q2-14 \|", md, re.MULTILINE)


def test_a_failing_scenario_fails_the_run(server: SimulatorServer, tmp_path: Path) -> None:
    features = tmp_path / "features"
    features.mkdir()
    (features / "Q99_broken.feature").write_text(
        "# language: ja\n機能: 壊れた期待\n\n  @Q12-7\n  シナリオ: 誤った期待はレポートで不合格になる\n"
        "    前提 テスト時計を「2024-04-01T09:00:00」に設定する\n"
        "    かつ 弁護士「田中」が利用者情報登録を完了している\n"
        "    もし 「田中」が誤ったパスワードで1回ログインする\n"
        "    ならば エラー「WZBAM153E」で拒否される\n", encoding="utf-8")
    report = tmp_path / "report"
    done = rasim("conformance", "run", "--target", server.url, "--report", str(report),
                 env={"RASIM_FEATURES_DIR": str(features)})
    assert done.returncode != 0, done.stdout[-3000:]
    doc = json.loads((report / "report.json").read_text(encoding="utf-8"))
    [row] = doc["results"]
    assert row["outcome"] == "failed" and row["faq"] == "Q12-7"
    assert "エラー「WZBAM153E」で拒否される" in row["reason"] and "WZBAM270E" in row["reason"]
    assert ET.parse(report / "junit.xml").getroot().findall(".//failure")


def test_coverage_lists_only_uncovered_items() -> None:
    done = rasim("conformance", "coverage")
    assert done.returncode == 0, done.stderr
    listed = re.findall(r"^(Q\d+-\d+)\s", done.stdout, re.MULTILINE)
    tags, coverage = scenario_tags(), load_coverage()
    assert listed, "nothing listed: are all 137 items covered?"
    for faq in listed:
        assert faq not in tags and faq not in coverage, faq
    all_items = {it.faq for it in load_items()}
    assert len(all_items) == 137
    assert set(listed) == {f for f in all_items if f not in tags and f not in coverage}
    for faq in ISSUE_ITEMS:   # the account items of this issue: a scenario or a reason each
        assert faq not in listed, f"{faq} has neither a scenario nor a coverage entry"

    table = rasim("conformance", "coverage", "--all")
    assert table.returncode == 0
    rows = re.findall(r"^(Q\d+-\d+)\s+(\S+)", table.stdout, re.MULTILINE)
    assert len(rows) == 137
    assert dict(rows)["Q12-7"] == "scenarios" and dict(rows)["Q3-3"] == "offline" and dict(rows)["Q2-10"] == "scenarios"
    for faq in CARD_ITEMS:   # the My Number Card items: a scenario, or a reason other than "later-issue"
        assert faq not in listed and dict(rows)[faq] != "later-issue", faq


def test_card_scenarios_over_http_need_the_cards_folder(server: SimulatorServer, tmp_path: Path) -> None:
    """Against an external target a run that selects card scenarios is refused, with the reason,
    unless --cards-dir names the folder whose CA the target trusts (then they pass over HTTP) or
    --without-card-scenarios leaves them out on purpose."""
    report = tmp_path / "without"
    done = rasim("conformance", "run", "--target", server.url, "--report", str(report), "--tags", "Q2-10")
    assert done.returncode != 0, done.stdout[-4000:]
    assert "--cards-dir" in done.stdout + done.stderr and "--without-card-scenarios" in done.stdout + done.stderr

    report = tmp_path / "left-out"
    done = rasim("conformance", "run", "--target", server.url, "--report", str(report), "--tags", "Q2-10,Q12-3",
                 "--without-card-scenarios")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    doc = json.loads((report / "report.json").read_text(encoding="utf-8"))
    assert doc["results"] and {r["faq"] for r in doc["results"]} == {"Q12-3"}, doc
    assert all(r["outcome"] == "passed" for r in doc["results"]), doc

    report = tmp_path / "with"
    done = rasim("conformance", "run", "--target", server.url, "--cards-dir", str(server.cards_dir),
                 "--report", str(report), "--tags", "Q2-10,Q2-9")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    doc = json.loads((report / "report.json").read_text(encoding="utf-8"))
    rows = [r for r in doc["results"] if r["faq"] == "Q2-10"]
    assert rows and all(r["outcome"] == "passed" for r in rows), doc
    assert sum(r["faq"] == "Q2-9" and r["outcome"] == "passed" for r in doc["results"]) >= 4, doc
