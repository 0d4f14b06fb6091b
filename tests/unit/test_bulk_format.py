"""The bulk file's layout and cells (domain/bulk_format.py): the columns come from the form declarations
(a field added to a form is a column), every STEP1 choice has a layout, the cells the export writes read
back as the same values, the spellings the sources disagree on are read alike, and what cannot be read is
passed on for the form to refuse."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator import catalog
from simulator.domain import bulk_format as bf

STATUSES = [r["key"] for r in catalog.table("statuses_of_residence.csv") if r["online"] == "true"]


@pytest.mark.parametrize("procedure", ["extension_of_stay", "change_of_status", "coe"])
def test_every_online_status_has_a_layout_that_starts_with_step1(procedure: str) -> None:
    for status in STATUSES:
        lay = bf.layout("host_org_staff", procedure, status)
        assert lay.headers[:3] == ["申請種別及び在留資格選択_申請種別", "申請種別及び在留資格選択_在留資格",
                                   "申請種別及び在留資格選択_主たる活動内容"]
        assert lay.sheets[0].name == catalog_sheet(procedure)
        assert len(lay.headers) == len({(c.step, c.path) for c in lay.columns})   # one column per field


def catalog_sheet(procedure: str) -> str:
    return bf.settings()["sheets"][procedure]


def test_the_columns_are_the_forms_fields() -> None:
    lay = bf.layout("host_org_staff", "extension_of_stay", "engineer_specialist_humanities_international")
    identity = catalog.form("identity")
    step2_1 = [c for c in lay.columns if c.step == "step2_1"]
    expected = sum(f.repeat_max * len(f.parts) if f.repeat_max else 1 for f in identity.fields if f.screen)
    assert len(step2_1) == expected
    assert "身分事項_在日親族及び同居者6_在日親族及び同居者_続柄" in lay.headers
    assert "受領方法等_在留カードの受領方法" in lay.headers
    assert [s.name for s in lay.sheets] == ["申請情報入力(在留期間更新許可申請)", "申請情報入力(区分N)"]
    assert any(h.startswith("活動に関する事項_勤務先_") for h in lay.headers)


def test_a_foreign_national_s_file_stops_at_step2_2() -> None:   # FAQ Q5-11: the same plan as the screens
    lay = bf.layout("foreign_national", "extension_of_stay", "professor")
    assert {c.step for c in lay.columns} == {"step1", "step2_1", "step2_2"} and len(lay.sheets) == 1


@pytest.mark.parametrize(("kind_key", "texts", "value"), [
    ("has_relatives", ["有", "有 Yes", "1", "yes"], "yes"),
    ("sex_applicant", ["女", "女 Female", "2", "female"], "female"),
    ("status_of_residence", ["教授", "professor"], "professor"),
    ("procedure", ["在留期間更新許可申請", "extension_of_stay"], "extension_of_stay"),
    ("residence_pref_city", ["東京都千代田区", "13101", "東京都 千代田区"], "13101"),
    ("birth_date_applicant", ["19900506"], "1990-05-06"),
    ("applicant_consent", ["1", "○", "TRUE"], True),
])
def test_the_spellings_the_sources_disagree_on_are_read_alike(kind_key: str, texts: list[str], value: object) -> None:
    spec = catalog.field(kind_key)
    assert {bf.to_value(spec, t) for t in texts} == {value}


@pytest.mark.parametrize(("key", "text"), [("sex_applicant", "男性"), ("birth_date_applicant", "1990/05/06"),
                                          ("residence_pref_city", "東京都架空区"), ("applicant_consent", "いいえ")])
def test_what_cannot_be_read_is_passed_on_as_written(key: str, text: str) -> None:
    assert bf.to_value(catalog.field(key), text) == text


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_the_exported_cells_read_back_as_the_same_values(data: st.DataObject) -> None:
    lay = bf.layout("host_org_staff", "extension_of_stay", "professor")
    values: dict[str, dict] = {}
    for col in lay.columns:
        if col.part is not None:
            continue
        choices = [v for v, _words in bf._choices(col.spec)]
        if choices and data.draw(st.booleans()):
            values.setdefault(col.step, {})[col.field] = data.draw(st.sampled_from(choices))
    cells = bf.row_cells(lay, values)
    assert bf.step_values(lay, cells) == {k: v for k, v in values.items() if v}


def test_read_rows_skips_the_rules_row_and_empty_rows_and_numbers_the_lines() -> None:
    lay = bf.layout("host_org_staff", "extension_of_stay", "professor")
    row = [""] * len(lay.headers)
    row[0] = "在留期間更新許可申請"
    data = bf.write_rows(lay, [row, [""] * len(lay.headers), row], rules=True)
    header, rows = bf.read_rows(data)
    assert header == lay.headers and [n for n, _ in rows] == [3, 5]


@pytest.mark.parametrize("data", [b"", b"\x82\xa0\x00", b"\xef\xbb\xbf\xff\xfe", b'"a,b\r\n'])
def test_read_rows_refuses_what_is_no_csv_with_141E(data: bytes) -> None:
    with pytest.raises(bf.FileRefused) as refused:
        bf.read_rows(data)
    assert refused.value.code == "WZBAM141E"
