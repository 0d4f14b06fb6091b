"""An edition's form declarations of its own (catalog/forms/<edition.forms>/): its fields.csv rows replace
the shared limits and labels, a form file of the same name replaces the shared one, and every site reads
the forms through its edition. Edition 2026 (seed 003 §4.2.1): 月額給与 8 digits, 40-character texts, the
re-entry permit's item 1.6; edition 2024 keeps the official forms' declarations."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from simulator import catalog
from simulator.catalog import forms as form_files
from simulator.domain import bulk_format
from simulator.domain.errors import Problems
from simulator.domain.forms import validate_form

E2024, E2026 = catalog.edition("2024"), catalog.edition("2026")


def test_the_2026_rows_replace_the_shared_limits_and_labels() -> None:
    assert (catalog.field("salary", E2026).max_len, catalog.field("salary", E2024).max_len) == (8, 10)
    assert catalog.field("salary", E2026).label_ja == "月額給与・月額報酬(税引き前の支払額)"
    assert catalog.field("salary", E2024).label_ja == catalog.field("salary").label_ja == "給与・報酬（税引き前）"
    assert (catalog.field("current_activity", E2026).max_len, catalog.field("current_activity", E2024).max_len) == (40, 600)
    assert catalog.field("travel_purpose", E2026) == catalog.field("travel_purpose", E2024)   # no row: shared


def test_a_form_of_the_overlay_replaces_the_shared_file() -> None:
    keys = {e.name: [f.key for f in catalog.form("companion_re_entry_permit", e).fields] for e in (E2024, E2026)}
    assert "passport_unobtainable_reason" in keys["2026"] and "passport_unobtainable_reason" not in keys["2024"]
    assert [k for k in keys["2026"] if k != "passport_unobtainable_reason"] == keys["2024"]
    item = catalog.form("companion_re_entry_permit", E2026).field("passport_unobtainable_reason")
    assert (item.item, item.required, item.spec.max_len) == ("1.6", False, 40)


def test_the_forms_carry_the_edition_s_limits_into_validation_and_the_bulk_columns() -> None:
    def salary_codes(ed: catalog.Edition) -> list[str]:
        problems = Problems()
        validate_form(catalog.form("activity_n", ed), {"salary": "123456789"}, problems, only=["salary"])
        return [p.code for p in problems.items]

    assert salary_codes(E2026) == ["WZBAM003E"] and salary_codes(E2024) == []
    headers = {e.name: [c.header for c in bulk_format.layout("host_org_staff", "extension_of_stay",
                                                              "engineer_specialist_humanities_international",
                                                              e.name).columns if c.field == "salary"]
               for e in (E2024, E2026)}
    assert headers["2026"] != headers["2024"] and headers["2026"][0].endswith("月額給与・月額報酬(税引き前の支払額)")


def test_every_overlay_belongs_to_an_edition_and_replaces_only_shared_forms() -> None:
    named = {catalog.edition(n).forms for n in catalog.edition_names()} - {""}
    assert set(form_files.overlays()) == named
    for overlay in form_files.overlays():
        for path in (form_files.FOLDER / overlay).glob("*.toml"):
            assert path.stem in form_files.form_names(), f"{path}: no shared form {path.stem} to replace"
            catalog.form(path.stem, catalog.edition(next(n for n in catalog.edition_names()
                                                          if catalog.edition(n).forms == overlay)))


@pytest.fixture
def catalogue_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "catalog"
    shutil.copytree(catalog.HERE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    monkeypatch.setattr(catalog, "HERE", copy)
    monkeypatch.setattr(catalog, "FIELD_FILES", copy / "fields")
    catalog._fields.cache_clear()
    yield copy
    catalog._fields.cache_clear()


def test_an_overlay_row_without_a_shared_row_stops_the_load(catalogue_copy: Path) -> None:
    rows = catalogue_copy / "forms" / "2026" / "fields.csv"
    rows.write_text(rows.read_text(encoding="utf-8") + "salary_typo,月額給与,Monthly,digits,,8,,test\n", encoding="utf-8")
    with pytest.raises(ValueError, match="salary_typo.*no shared row"):
        catalog.field("salary", E2026)
