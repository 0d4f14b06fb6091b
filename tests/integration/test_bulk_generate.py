"""`rasim bulk generate` (issue 11 point 6): the same seed gives the same bytes; a generated file without
defects passes the offline validator whole (its persons are in the records it writes); with defects, the
validator reports exactly the planted ones — line, column header and code — and nothing else."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from simulator.bulk_generate import generate
from simulator.cli import main
from simulator.services.bulk_offline import validate_file

TODAY = dt.date(2024, 4, 1)
STEP1 = {"procedure": "extension_of_stay", "status_of_residence": "professor"}


def _report(made):
    return validate_file(made.csv, "generated.csv", made.step1, "2024", made.category, made.records, TODAY)


def test_the_same_seed_gives_the_same_file_and_another_seed_another():
    a = generate(20, "extension_of_stay", "professor", seed=7, today=TODAY, defects=0.3)
    b = generate(20, "extension_of_stay", "professor", seed=7, today=TODAY, defects=0.3)
    c = generate(20, "extension_of_stay", "professor", seed=8, today=TODAY, defects=0.3)
    assert a.csv == b.csv and a.records == b.records and a.defects == b.defects
    assert a.csv != c.csv
    assert a.csv.decode("cp932")   # the official encoding


@pytest.mark.parametrize("procedure,status", [("extension_of_stay", "professor"),
                                              ("change_of_status", "engineer_specialist_humanities_international"),
                                              ("coe", "student")])
def test_a_sound_file_passes_the_validator_whole(procedure, status):
    made = generate(15, procedure, status, seed=3, today=TODAY)
    report = validate_file(made.csv, "sound.csv", made.step1, "2024", made.category, made.records, TODAY)
    assert report["file_error"] is None
    assert report["rows"] == 15
    assert report["defects"] == [], report["defects"][:3]
    assert report["ok"]


@pytest.mark.parametrize("seed", [1, 2])
def test_the_validator_reports_exactly_the_planted_defects(seed):
    made = generate(40, "extension_of_stay", "professor", seed=seed, today=TODAY, defects=0.5)
    assert len({d.line for d in made.defects}) == 20
    report = _report(made)
    found = sorted((d["line"], d["column"], d["code"]) for d in report["defects"])
    planted = sorted((d.line, d.column, d.code) for d in made.defects)
    assert found == planted
    assert not report["ok"]


def test_every_kind_of_defect_is_planted_and_found():
    made = generate(120, "extension_of_stay", "professor", seed=11, today=TODAY, defects=1.0)
    from simulator.bulk_defects import kinds
    assert {d.kind for d in made.defects} == set(kinds("extension_of_stay"))
    found = sorted((d["line"], d["column"], d["code"]) for d in _report(made)["defects"])
    assert found == sorted((d.line, d.column, d.code) for d in made.defects)


def test_the_command_writes_the_file_and_records_and_validate_agrees(tmp_path):
    out = tmp_path / "g.csv"
    runner = CliRunner()
    made = runner.invoke(main, ["bulk", "generate", "--rows", "12", "--procedure", "extension_of_stay", "--status",
                                "professor", "--defects", "0.25", "--seed", "5", "--today", "2024-04-01",
                                "--output", str(out)])
    assert made.exit_code == 0, made.output
    assert "planted 3 defects" in made.output or "planted" in made.output
    records = json.loads((tmp_path / "g.records.json").read_text(encoding="utf-8"))["records"]
    assert records and all("residence_card_number" in r for r in records)
    checked = runner.invoke(main, ["bulk", "validate", str(out), "--procedure", "extension_of_stay", "--status",
                                   "professor", "--records", str(tmp_path / "g.records.json"), "--today", "2024-04-01",
                                   "--json"])
    assert checked.exit_code == 1, checked.output
    report = json.loads(checked.output[checked.output.index("{"):])
    assert len({d["line"] for d in report["defects"]}) == 3


def test_a_choice_the_system_refuses_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["bulk", "generate", "--rows", "2", "--procedure", "coe", "--status", "nope",
                                       "--output", str(tmp_path / "x.csv")])
    assert result.exit_code == 2
    assert "--status" in result.output
