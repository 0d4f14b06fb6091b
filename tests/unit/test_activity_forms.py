"""STEP2-3 活動に関する事項 (the activity forms of status_groups.csv) and STEP2-4 高度専門職ポイント計算表:
the declarations load, a complete set of values passes, and the rules of the sources hold — 派遣先 always
required with a dummy value accepted (FAQ Q4-22), 住民税の納税額 never required (FAQ Q4-40), 「その他」 and
「有」 with their text (WZBAM101E), six 職歴 rows at most (WZBAM024E), full-width and 外字 (WZBAM008E/011E),
and the points and dialog D1 of STEP2-4 (004 §2.4.6)."""
from __future__ import annotations

import re
from typing import Any

import pytest

from simulator import catalog
from simulator.domain import hsp_points
from simulator.domain.errors import Problems
from simulator.domain.forms import validate_form

ACTIVITY_FORMS = ["activity_n", "activity_p", "activity_v", "activity_r", "activity_t", "activity_generic"]
CHIYODA = "13101"   # 東京都千代田区, a municipality code as 「検索」 gives it (catalog.places)

VALID: dict[str, dict[str, Any]] = {
    "activity_n": {
        "employer_name": "株式会社法務", "employer_pref_city": CHIYODA, "employer_street": "霞が関一丁目１番１号",
        "employer_phone": "0312345678",
        "education_location": "abroad", "education_level": "master", "education_school_name": "北京大学",
        "graduation_date": "2015-07-01", "major_university": "engineering",
        "it_qualification": "yes", "it_qualification_name": "基本情報技術者試験",
        "career": [{"career_employer": "ABC Software", "career_joined": "2015-09", "career_left": "2020-03"},
                   {"career_employer": "株式会社法務", "career_joined": "2020-04"}],
        "org_name": "株式会社法務", "org_corporate_number": "1234567890123", "org_insurance_number": "12345678901",
        "org_industry": "information_communications", "org_pref_city": CHIYODA, "org_street": "霞が関一丁目１番１号",
        "org_phone": "0312345678", "org_capital": "10000000", "org_annual_sales": "500000000", "org_employees": "120",
        "org_foreign_employees": "8",
        "contract_form": "employment", "work_term": "fixed", "work_term_months": "36", "employment_start": "2020-04-01",
        "salary": "400000", "salary_basis": "monthly", "work_experience_years": "5", "position_title": "主任",
        "occupation_code": "2", "activity_detail": "社内システムの設計及び開発に従事する。", "employment_type": "full_time",
        "dispatch_name": "なし",
    },
    "activity_p": {
        "school_name": "法務大学", "school_pref_city": CHIYODA, "school_street": "霞が関一丁目１番１号",
        "study_years": "14", "student_enrolment": "enrolled", "student_school_type": "bachelor",
        "student_school_name": "法務大学", "student_graduation": "2026-03",
        "japanese_exam_name": "日本語能力試験", "japanese_exam_result": "N2",
        "funding": [{"funding_method": "self", "funding_amount": "50000"},
                    {"funding_method": "overseas_supporter", "funding_amount": "80000"}],
        "remittance_kind": "remitted", "sponsor_name": "王大明", "sponsor_relationship": "father",
        "outside_activity": "yes", "outside_activity_content": "飲食店での接客", "employer_name_outside": "株式会社法務食堂",
        "weekly_hours": "28", "outside_activity_pay": "100000", "outside_activity_pay_basis": "monthly",
        "after_graduation": "work_in_japan",
    },
    "activity_v": {
        "ssw_org_name": "株式会社法務介護", "ssw_org_pref_city": CHIYODA, "ssw_org_street": "霞が関一丁目１番１号",
        "ssw_org_phone": "0312345678", "ssw_skill_evaluation": "exam", "ssw_skill_exam": "介護技能評価試験",
        "ssw_skill_exam_place": "abroad", "ssw_japanese_evaluation": "exam", "ssw_japanese_exam": "国際交流基金日本語基礎テスト",
        "ssw_total_years": "1", "ssw_total_months": "6",
        "ssw_contract_from": "2025-04-01", "ssw_contract_to": "2026-03-31", "ssw_field": "nursing_care",
        "ssw_work_category": "介護", "ssw_monthly_pay": "220000", "ssw_dispatch_name": "なし",
    },
    "activity_r": {
        "supporter_name": "NGUYEN,VAN,AN", "supporter_birth_date": "1990-01-01", "supporter_nationality": "VNM",
        "supporter_card_number": "AB12345678CD", "supporter_status": "engineer_specialist_humanities_international",
        "supporter_period": "3y", "supporter_expires_on": "2027-03-31", "supporter_relationship": "husband",
        "supporter_employer": "株式会社法務", "supporter_annual_income": "4500000",
        "notification_japan_office": "千代田区役所", "notification_japan_date": "2022-05-01",
        "expense_method_r": "relative", "outside_activity": "no",
    },
    "activity_t": {
        "personal_status": "spouse_of_japanese", "spouse_name": "法務花子", "spouse_birth_date": "1988-03-03",
        "spouse_identity": "japanese", "spouse_occupation": "会社員", "marriage_date": "2023-06-01",
        "marriage_office": "千代田区役所", "marriage_notified_on": "2023-06-01", "spouse_living_together": "yes",
        "applicant_employer": "株式会社法務", "applicant_annual_income": "3000000", "expense_method_t": "self",
        "guarantor_name": "法務花子", "guarantor_phone": "09012345678",
    },
    "activity_generic": {
        "institution_name": "法務大学", "org_pref_city": CHIYODA, "org_street": "霞が関一丁目１番１号",
        "org_phone": "0312345678", "activity_detail": "大学における教授活動", "planned_period_months": "60",
    },
}

HSP_NONE = {"hsp_education": "none", "hsp_multiple_degrees": "no", "hsp_career": "none", "hsp_income": "3m",
            "hsp_age": "40_or_over", "hsp_research": "none", "hsp_license": "none", "hsp_innovation": "no",
            "hsp_sme_research": "no", "hsp_foreign_qualification": "no", "hsp_japanese_university": "no",
            "hsp_japanese": "none", "hsp_growth_field": "no", "hsp_jica": "no", "hsp_designated_university": "no"}


def hsp(**chosen: str) -> dict[str, str]:
    return {**HSP_NONE, **chosen}


def check(form_key: str, values: dict[str, Any]) -> list[tuple[str, str | None]]:
    problems = Problems()
    validate_form(catalog.form(form_key), values, problems)
    return [(p.code, p.field) for p in problems.items]


def without(values: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k not in keys}


@pytest.mark.parametrize("key", ACTIVITY_FORMS + ["hsp_points"])
def test_the_form_loads_with_its_one_step(key: str):
    form = catalog.form(key)
    assert [s.key for s in form.steps] == ["step2_4" if key == "hsp_points" else "step2_3"]
    assert form.fields and form.always_required


def test_every_activity_form_of_status_groups_exists():
    named = {r["activity_form"] for r in catalog.table("status_groups.csv")}
    assert {f"activity_{name}" for name in named} == set(ACTIVITY_FORMS)


@pytest.mark.parametrize("key", ACTIVITY_FORMS + ["hsp_points"])
def test_the_label_keys_of_the_form_resolve(key: str):
    form = catalog.form(key)
    ja = catalog.labels()["ja"]
    keys = [form.title] + [s.title for s in form.steps] + [x for s in form.steps[0].sections for x in (s.title, s.intro)]
    keys += [getattr(f, a) for f in form.fields + tuple(p for f in form.fields for p in f.parts)
             for a in ("hint", "example", "note")]
    assert [k for k in keys if k and k not in ja] == []


@pytest.mark.parametrize("key", ACTIVITY_FORMS)
def test_a_complete_set_of_values_passes(key: str):
    problems = Problems()
    cleaned = validate_form(catalog.form(key), VALID[key], problems)
    assert problems.items == []
    assert set(cleaned) == set(VALID[key])


def test_a_complete_point_table_passes():
    assert check("hsp_points", hsp(hsp_education="doctorate")) == []


@pytest.mark.parametrize("key", ACTIVITY_FORMS)
def test_every_always_required_field_is_refused_when_empty(key: str):
    form = catalog.form(key)
    for name in form.always_required:
        code = form.field(name).missing_code or "WZBAM001E"
        assert (code, name) in check(key, without(VALID[key], name)), name


@pytest.mark.parametrize(("key", "name"), [("activity_n", "org_name"), ("activity_v", "ssw_org_name"),
                                           ("activity_generic", "institution_name")])
def test_an_empty_organisation_name_is_wzbam243e(key: str, name: str):
    assert check(key, without(VALID[key], name)) == [("WZBAM243E", name)]   # 「機関名を入力してください。」


@pytest.mark.parametrize(("key", "name"), [("activity_n", "dispatch_name"), ("activity_v", "ssw_dispatch_name")])
def test_the_place_of_dispatch_is_required_and_a_dummy_value_passes(key: str, name: str):
    # FAQ Q4-22: required even for a directly employed worker; a 仮の値 is accepted, the rest stays empty
    assert check(key, without(VALID[key], name)) == [("WZBAM001E", name)]
    assert check(key, {**VALID[key], name: ""}) == [("WZBAM001E", name)]
    assert check(key, {**VALID[key], name: "なし"}) == []


def test_the_resident_tax_may_stay_empty_even_for_part_time_work():
    # S07 (7) asks for it when 非常勤 is chosen, but FAQ Q4-40: no input is needed
    part_time = {**VALID["activity_n"], "employment_type": "part_time"}
    assert "resident_tax" not in part_time
    assert check("activity_n", part_time) == []
    assert check("activity_n", {**part_time, "resident_tax": "1000"}) == []
    assert check("activity_n", {**part_time, "resident_tax": "千円"}) == [("WZBAM005E", "resident_tax")]


def test_other_without_its_text_gives_101e_with_the_item_and_the_choice():
    problems = Problems()
    validate_form(catalog.form("activity_n"), {**VALID["activity_n"], "education_level": "other"}, problems)
    assert [(p.code, p.field) for p in problems.items] == [("WZBAM101E", "education_level_other")]
    assert problems.items[0].params == {"入力項目名": "最終学歴", "選択肢": "その他"}
    assert check("activity_n", {**VALID["activity_n"], "education_level": "other", "education_level_other": "〇〇学校卒業"}) == []


@pytest.mark.parametrize(("key", "values", "expected"), [
    ("activity_n", {"it_qualification": "yes", "it_qualification_name": ""}, [("WZBAM101E", "it_qualification_name")]),
    ("activity_n", {"work_term": "fixed", "work_term_months": ""}, [("WZBAM101E", "work_term_months")]),
    ("activity_n", {"contract_form": "other"}, [("WZBAM101E", "contract_form_other")]),
    ("activity_p", {"after_graduation": "other"}, [("WZBAM101E", "after_graduation_other")]),
    ("activity_v", {"ssw_skill_evaluation": "exam", "ssw_skill_exam": ""}, [("WZBAM101E", "ssw_skill_exam")]),
    ("activity_t", {"spouse_living_together": "no"}, [("WZBAM101E", "separation_reason")]),
    ("activity_r", {"expense_method_r": "other"}, [("WZBAM101E", "expense_method_r_other")]),
])
def test_a_choice_that_asks_for_text_gives_101e_without_it(key: str, values: dict[str, str], expected: list):
    assert check(key, {**VALID[key], **values}) == expected


@pytest.mark.parametrize("key", ["activity_p", "activity_r"])
def test_activity_outside_status_asks_for_its_details_when_yes(key: str):
    bare = {**without(VALID[key], "outside_activity_content", "employer_name_outside", "weekly_hours", "outside_activity_pay",
                      "outside_activity_pay_basis"), "outside_activity": "yes"}
    assert check(key, bare) == [("WZBAM101E", "outside_activity_content"), ("WZBAM101E", "employer_name_outside"),
                                ("WZBAM101E", "weekly_hours"), ("WZBAM101E", "outside_activity_pay"),
                                ("WZBAM102E", "outside_activity_pay_basis")]
    assert check(key, {**bare, "outside_activity": "no"}) == []


def test_the_spouse_items_are_required_for_the_spouse_statuses_only():
    t = VALID["activity_t"]
    long_term = {"personal_status": "long_term_notified", "expense_method_t": "self", "guarantor_name": "法務花子",
                 "guarantor_phone": "09012345678"}
    assert check("activity_t", long_term) == []
    assert ("WZBAM001E", "spouse_name") in check("activity_t", without(t, "spouse_name"))
    # a Japanese spouse has no nationality on the list; a permanent resident's must be given
    assert check("activity_t", {**t, "spouse_identity": "permanent_resident"}) == [("WZBAM001E", "spouse_nationality")]
    assert check("activity_t", {**t, "spouse_identity": "permanent_resident", "spouse_nationality": "CHN"}) == []


def test_a_family_notification_is_given_in_japan_or_at_home():
    r = without(VALID["activity_r"], "notification_japan_office", "notification_japan_date")
    assert check("activity_r", r) == [("WZBAM105E", "notification_japan_office"), ("WZBAM105E", "notification_home_office")]
    home = {**r, "notification_home_office": "ベトナム・ハノイ市"}
    assert check("activity_r", {**home, "notification_home_date": "2022-04-01"}) == []
    assert check("activity_r", home) == [("WZBAM001E", "notification_home_date")]


def test_six_career_rows_pass_and_a_seventh_gives_024e():
    row = {"career_employer": "〇〇会社", "career_joined": "2010-04", "career_left": "2011-03"}
    assert check("activity_n", {**VALID["activity_n"], "career": [row] * 6}) == []
    problems = Problems()
    validate_form(catalog.form("activity_n"), {**VALID["activity_n"], "career": [row] * 7}, problems)
    assert [(p.code, p.field, p.params.get("件数")) for p in problems.items] == [("WZBAM024E", "career", "6")]


def test_a_career_row_needs_its_employer_and_joining_month_only():
    rows = [{"career_employer": "〇〇会社", "career_joined": "2010-04"}, {"career_left": "2012-13"}]
    assert check("activity_n", {**VALID["activity_n"], "career": rows}) == [
        ("WZBAM001E", "career[1].career_employer"), ("WZBAM001E", "career[1].career_joined"),
        ("WZBAM111E", "career[1].career_left")]


@pytest.mark.parametrize(("key", "name"), [("activity_n", "education_school_name"), ("activity_p", "school_name"),
                                           ("activity_v", "ssw_org_street")])
def test_full_width_fields_refuse_half_width_and_gaiji(key: str, name: str):
    assert check(key, {**VALID[key], name: "Peking University"}) == [("WZBAM008E", name)]
    assert check(key, {**VALID[key], name: "ＰＥＫＩＮＧ　ＵＮＩＶＥＲＳＩＴＹ"}) == []
    assert check(key, {**VALID[key], name: "𠮷田大学"}) == [("WZBAM011E", name)]


def test_text_fields_refuse_gaiji_and_lengths_and_formats_hold():
    n = VALID["activity_n"]
    assert check("activity_n", {**n, "employer_name": "𠮷野家"}) == [("WZBAM011E", "employer_name")]
    assert check("activity_n", {**n, "activity_detail": "あ" * 601}) == [("WZBAM003E", "activity_detail")]
    assert check("activity_n", {**n, "activity_detail": "あ" * 600}) == []
    assert check("activity_n", {**n, "org_corporate_number": "123456789012"}) == [("WZBAM004E", "org_corporate_number")]
    assert check("activity_n", {**n, "org_insurance_number": "1234-567890-1"}) == [("WZBAM004E", "org_insurance_number")]
    assert check("activity_n", {**n, "org_pref_city": "99999"}) == [("WZBAM103E", "org_pref_city")]
    assert check("activity_n", {**n, "occupation_code": "19"}) == [("WZBAM005E", "occupation_code")]


def test_hsp_total_of_75_with_income_over_3m_gives_no_dialog():
    values = hsp(hsp_education="doctorate", hsp_career="7y", hsp_income="6m", hsp_age="under_35")
    assert hsp_points.total_points(values) == 30 + 15 + 20 + 10
    assert hsp_points.warnings(values) == []


def test_hsp_total_of_65_gives_the_points_line_and_the_confirm_line():
    values = hsp(hsp_education="master", hsp_career="5y", hsp_income="6m", hsp_age="under_30")
    assert hsp_points.total_points(values) == 65
    assert hsp_points.warnings(values) == ["WZAAS003M0011", "WZAAS003M0031"]


def test_hsp_income_under_3m_gives_the_income_line_and_the_confirm_line():
    values = hsp(hsp_education="doctorate", hsp_career="10y", hsp_income="under_3m", hsp_age="under_30",
                 hsp_research="patent")
    assert hsp_points.total_points(values) == 80
    assert hsp_points.warnings(values) == ["WZAAS003M0021", "WZAAS003M0031"]
    assert hsp_points.warnings({**values, "hsp_research": "none"}) == ["WZAAS003M0021", "WZAAS003M0011", "WZAAS003M0031"]
    assert hsp_points.warnings({**values, "hsp_income": "3m"}) == []


def test_hsp_income_scores_only_for_the_ages_of_its_bracket():
    assert hsp_points.points("hsp_income", hsp(hsp_income="4m", hsp_age="under_30")) == 10
    assert hsp_points.points("hsp_income", hsp(hsp_income="4m", hsp_age="under_35")) == 0
    assert hsp_points.points("hsp_income", hsp(hsp_income="7m", hsp_age="under_40")) == 25
    assert hsp_points.points("hsp_income", hsp(hsp_income="7m", hsp_age="40_or_over")) == 0
    assert hsp_points.points("hsp_income", hsp(hsp_income="8m", hsp_age="40_or_over")) == 30


def test_jica_training_and_a_japanese_university_do_not_both_count_when_the_training_used_its_classes():
    both = hsp(hsp_japanese_university="yes", hsp_jica="yes", hsp_jica_university="no")
    assert hsp_points.total_points(both) == 10 + 5
    assert hsp_points.total_points({**both, "hsp_jica_university": "yes"}) == 10
    assert hsp_points.total_points({**both, "hsp_japanese_university": "no", "hsp_jica_university": "yes"}) == 5
    # the question is asked when (7) is chosen (a pull-down: 102E)
    assert check("hsp_points", without(both, "hsp_jica_university")) == [("WZBAM102E", "hsp_jica_university")]
    assert check("hsp_points", both) == []


def test_jlpt_n2_does_not_count_with_a_japanese_university_but_n1_does():
    assert hsp_points.total_points(hsp(hsp_japanese="n2")) == 10
    assert hsp_points.total_points(hsp(hsp_japanese="n2", hsp_japanese_university="yes")) == 10
    assert hsp_points.total_points(hsp(hsp_japanese="n1", hsp_japanese_university="yes")) == 25


def test_every_point_table_item_is_a_required_pull_down_whose_options_carry_ascii_values_and_points():
    form = catalog.form("hsp_points")
    assert [f.key for f in form.fields if f.required] == list(hsp_points.ITEMS)
    for item in hsp_points.ITEMS:
        assert form.field(item).kind == f"list:{item}"
        rows = catalog.table(f"lists/{item}.csv")
        assert rows and all(re.fullmatch(r"[a-z0-9_]+", r["value"]) and r["points"].isdigit() for r in rows), item
        assert min(int(r["points"]) for r in rows) == 0, item   # 「該当なし」 or the lowest bracket scores nothing
    assert check("hsp_points", {}) == [("WZBAM001E", item) for item in hsp_points.ITEMS]


def test_unknown_or_missing_choices_score_nothing():
    assert hsp_points.total_points({}) == 0
    assert hsp_points.total_points({"hsp_education": "honorary"}) == 0
    assert hsp_points.warnings({}) == ["WZAAS003M0011", "WZAAS003M0031"]
