"""The catalog data files of bureaus, statuses, procedures, permissions, glossary and notices."""
import csv
import re
import unicodedata
from pathlib import Path

import pytest

CATALOG = Path(__file__).resolve().parents[2] / "simulator" / "catalog"

FILES = {
    "bureaus.csv": "key",
    "certificate_categories.csv": "symbol",
    "application_statuses.csv": ("edition", "key"),
    "procedures.csv": "key",
    "statuses_of_residence.csv": "key",
    "permissions.csv": ("category", "procedure"),
    "glossary.csv": "term_ja",
    "notices.csv": "key",
}
CATEGORY_KEYS = ["foreign_national", "legal_representative", "relative", "lawyer", "scrivener",
                 "host_org_staff", "public_interest_corp_staff", "support_org_staff"]
ASCII_KEY = re.compile(r"[a-z][a-z0-9_]*")


def rows(name: str) -> list[dict[str, str]]:
    with open(CATALOG / name, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        out = list(reader)
    for row in out:
        assert None not in row, f"{name}: too many fields in {row}"
        assert None not in row.values(), f"{name}: too few fields in {row}"
    return out


def by(name: str, key: str = "key") -> dict[str, dict[str, str]]:
    return {r[key]: r for r in rows(name)}


@pytest.mark.parametrize("name,key", FILES.items())
def test_parses_with_unique_keys(name, key):
    data = rows(name)
    assert data, name
    keys = [tuple(r[k] for k in key) if isinstance(key, tuple) else r[key] for r in data]
    assert len(keys) == len(set(keys)), f"duplicate keys in {name}"
    assert all(k for k in keys)


@pytest.mark.parametrize("name", FILES)
def test_has_a_source_column_and_no_stray_whitespace(name):
    data = rows(name)
    assert "source" in data[0]
    for row in data:
        for column, value in row.items():
            assert value == value.strip(), f"{name}:{column}: {value!r}"


@pytest.mark.parametrize("name", ["bureaus.csv", "procedures.csv", "statuses_of_residence.csv",
                                  "application_statuses.csv", "notices.csv"])
def test_keys_are_ascii_snake_case(name):
    for row in rows(name):
        assert ASCII_KEY.fullmatch(row["key"]), row["key"]


@pytest.mark.parametrize("name,column", [
    ("bureaus.csv", "name_ja"), ("certificate_categories.csv", "label_ja"),
    ("application_statuses.csv", "label_ja"), ("procedures.csv", "label_ja"),
    ("statuses_of_residence.csv", "label_ja"), ("glossary.csv", "term_ja"),
    ("notices.csv", "text_ja"),
])
def test_no_empty_japanese_labels(name, column):
    for row in rows(name):
        assert row[column]
        assert any(unicodedata.east_asian_width(ch) == "W" for ch in row[column]), row[column]


def test_eleven_receipt_prefixes_from_faq_q4_16():
    bureaus = rows("bureaus.csv")
    assert [b["receipt_prefix"] for b in bureaus] == [
        "札オン", "仙オン", "東オン", "横オン", "名オン", "阪オン", "神オン", "広オン", "高オン", "福オン", "那オン"]
    for b in bureaus:
        assert b["receipt_prefix"] == b["certificate_office_symbol"] + "オン"
        assert re.fullmatch(r"[0-9]{2}", b["certificate_office_code"])
        assert b["name_ja"].endswith(("出入国在留管理局", "支局"))
        if b["example_receipt_number"]:
            assert b["example_receipt_number"].startswith(b["receipt_prefix"])
            assert b["example_source"]
    parents = {b["key"] for b in bureaus if b["kind"] == "regional_bureau"}
    assert {b["parent_key"] for b in bureaus if b["kind"] == "district_office"} <= parents


def test_certificate_code_table_of_seed_001():
    codes = {b["certificate_office_symbol"]: b["certificate_office_code"] for b in rows("bureaus.csv")}
    assert codes == {"札": "11", "仙": "12", "東": "13", "横": "15", "名": "16", "阪": "17",
                     "神": "18", "高": "19", "広": "20", "福": "22", "那": "24"}
    cats = {(c["symbol"], c["label_ja"], c["code"], c["category"]) for c in rows("certificate_categories.csv")}
    assert cats == {("行", "行政書士", "2", "scrivener"), ("弁", "弁護士", "7", "lawyer")}


def test_application_statuses_per_edition():
    statuses = rows("application_statuses.csv")
    labels = {e: [s["label_ja"] for s in statuses if s["edition"] == e] for e in ("2024", "2026")}
    assert labels["2024"] == ["入力完了（申請未了）", "申請完了", "審査中", "発行待ち", "完了",
                              "エラー(一括登録)", "エラー(申請受付番号取得エラー)"]
    # 003 §7.1's seven, after the row the 2024 screens keep before 申込 while they serve 2026 (rasim)
    assert labels["2026"] == ["入力完了（申請未了）", "処理待ち", "申請完了", "審査中", "発行待ち", "返却中", "完了",
                              "完了(不許可)"]
    assert next(s for s in statuses if s["edition"] == "2026")["source"].startswith("rasim")
    assert {s["edition"] for s in statuses} == {"2024", "2026"}
    for s in statuses:
        assert s["label_en"] and s["description"] and s["description_ja"]


def test_procedures():
    procedures = by("procedures.csv")
    assert len(procedures) == 7
    standalone = {k for k, p in procedures.items() if p["standalone"] == "true"}
    assert standalone == {"coe", "change_of_status", "extension_of_stay", "acquisition_of_status",
                          "work_qualification_certificate"}
    for p in procedures.values():
        assert p["standalone"] in ("true", "false")
        if p["standalone"] == "false":
            assert set(p["only_together_with"].split("|")) == {
                "change_of_status", "extension_of_stay", "acquisition_of_status"}


def test_statuses_of_residence():
    statuses = by("statuses_of_residence.csv")
    top_level = [s for s in statuses.values() if not s["parent_key"]]
    assert len(top_level) == 29
    offline = {s["label_ja"] for s in statuses.values() if s["online"] == "false"}
    assert offline == {"外交", "短期滞在", "特定活動(出国準備期間)"}
    organisation_form = {s["label_ja"] for s in top_level if s["organisation_form_required"] == "true"}
    assert len(organisation_form) == 21  # 000 Q5-11, 002 Q5
    assert {"教授", "家族滞在", "留学", "研修", "技能実習", "特定技能"} <= organisation_form
    for s in statuses.values():
        assert s["online"] in ("true", "false")
        assert s["parent_key"] == "" or s["parent_key"] in statuses
        if s["parent_key"]:
            parent = statuses[s["parent_key"]]
            assert s["organisation_form_required"] == parent["organisation_form_required"]


def test_permission_matrix_covers_every_category_and_procedure():
    permissions = rows("permissions.csv")
    procedures = set(by("procedures.csv"))
    cells = {(p["category"], p["procedure"]): p for p in permissions}
    assert set(cells) == {(c, p) for c in CATEGORY_KEYS for p in procedures}
    assert len(permissions) == len(CATEGORY_KEYS) * len(procedures)
    for p in permissions:
        assert p["allowed"] in ("yes", "no", "conditional")
        assert bool(p["condition_ja"]) == (p["allowed"] == "conditional")
        assert bool(p["condition_en"]) == (p["allowed"] == "conditional")


def test_permission_matrix_matches_seed_001():
    cells = {(p["category"], p["procedure"]): p for p in rows("permissions.csv")}
    assert cells[("relative", "work_qualification_certificate")]["allowed"] == "no"
    assert cells[("relative", "permission_outside_status")]["allowed"] == "no"
    assert cells[("relative", "coe")]["condition_no"] == "2"
    assert cells[("foreign_national", "coe")]["condition_no"] == "1"
    assert cells[("foreign_national", "acquisition_of_status")]["condition_no"] == "1"
    assert cells[("relative", "re_entry_permit")]["condition_ja"] == (
        "手続の対象となる方が、16歳未満の場合又は疾病その他の事由により自ら申請できない場合に限り、申請できます。")
    statuses = set(by("statuses_of_residence.csv"))
    assert set(cells[("relative", "coe")]["condition_status_keys"].split("|")) <= statuses
    for procedure in by("procedures.csv"):
        lawyer = {k: v for k, v in cells[("lawyer", procedure)].items() if k != "category"}
        scrivener = {k: v for k, v in cells[("scrivener", procedure)].items() if k != "category"}
        assert lawyer == scrivener


def test_glossary():
    glossary = rows("glossary.csv")
    assert len(glossary) >= 40
    names = {g["term_ja"]: g["english_name"] for g in glossary}
    assert names["利用者情報登録"] == "registration"
    assert names["利用申出"] == "usage_request"
    assert names["認証ID"] == "auth_id"
    assert names["定期報告"] == "periodic_report"
    assert names["申請等取次者証明書番号"] == "agent_certificate_number"
    assert names["届出済証明書"] == "notification_certificate"
    assert names["利用停止"] == "suspension"
    for g in glossary:
        assert ASCII_KEY.fullmatch(g["english_name"]), g
        assert g["edition"] in ("both", "2024", "2026")
    assert set(CATEGORY_KEYS) <= set(names.values())


def test_notices():
    notices = rows("notices.csv")
    assert {n["kind"] for n in notices} == {"notice", "maintenance_banner"}
    for n in notices:
        assert n["text_ja"] and n["text_en"]
        if n["kind"] == "notice":
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", n["date"])
