"""The coverage file of the current system's suite (conformance/coverage-2026.csv): every numbered rule of
003's "numbers and limits" (the digest's §0, rules 1–29) once, each with what checks it — section tags that
scenarios of features/2026/ really carry, test files that exist — and a reason where no scenario does.
The 2026 report lists the rules without a scenario."""
from __future__ import annotations

import re
from pathlib import Path

from conformance.report import coverage_2026, rules_without_scenario

ROOT = Path(__file__).resolve().parents[2]
STATUSES = {"scenario", "test", "partial", "offline"}


def tags_in_features() -> set[str]:
    found: set[str] = set()
    for feature in (ROOT / "features" / "2026").glob("*.feature"):
        found |= set(re.findall(r"@003-[\d.]+\b", feature.read_text(encoding="utf-8")))
    return found


def test_every_rule_once_with_a_known_status() -> None:
    rows = coverage_2026()
    assert [int(r["rule"]) for r in rows] == list(range(1, 30))
    for r in rows:
        assert r["status"] in STATUSES, r
        assert r["value"].strip() and r["reason"].strip(), r


def test_what_checks_a_rule_exists() -> None:
    tags = tags_in_features()
    for r in coverage_2026():
        named = r["checked_by"].split()
        assert named, r["rule"]
        for item in named:
            if item.startswith("@"):
                assert item in tags, f"rule {r['rule']}: no scenario carries {item}"
            else:
                assert (ROOT / item).is_file(), f"rule {r['rule']}: {item} does not exist"
        if r["status"] == "scenario":
            assert any(i.startswith("@") for i in named), f"rule {r['rule']}: a scenario rule names no scenario tag"


def test_the_report_lists_the_rules_without_a_scenario() -> None:
    listed = {item.split()[0] for item, _status, _reason in rules_without_scenario()}
    expected = {f"§0-{r['rule']}" for r in coverage_2026() if r["status"] != "scenario"}
    assert listed == expected and listed, listed


def test_the_2026_suite_lints_clean_and_the_lint_sees_a_wrong_tag(tmp_path: Path) -> None:
    from conformance import lint as linting

    assert linting.lint_2026(ROOT / "features" / "2026").findings == []
    for feature in (ROOT / "features" / "2026").glob("*.feature"):
        text = feature.read_text(encoding="utf-8")
        (tmp_path / feature.name).write_text(text.replace("@003-2.6", "@003-2.9"), encoding="utf-8")
    found = linting.lint_2026(tmp_path).findings
    assert {f.rule for f in found} == {"coverage-agrees"} and any("@003-2.6" in f.what for f in found)
