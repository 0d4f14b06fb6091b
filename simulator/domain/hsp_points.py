"""The 高度専門職ポイント計算表 of STEP2-4 (S08; 004 §2.4.6): the points of the options chosen, read from the
pull-downs' lists (catalog/lists/<field>.csv, column `points`), and the codes of the warning dialog D1 that
「確認」 shows before STEP3. Pure: no Flask, no SQL.

Rules besides adding up (the point table's notes):
- 年収 scores only for the ages its row names (column `ages`; empty: any age): 400万円 under 30, 500万円
  under 35, 600万円 and 700万円 under 40.
- (7) the JICA training does not count together with (4) 日本の大学を卒業又は大学院の課程を修了 when the
  training used a Japanese university's classes (S08's note to (7)).
- 日本語能力試験N2 does not count together with (4) (the point table; N1 and N2 are one pull-down here)."""
from __future__ import annotations

from typing import Any

from simulator import catalog

ITEMS = ("hsp_education", "hsp_multiple_degrees", "hsp_career", "hsp_income", "hsp_age", "hsp_research", "hsp_license",
         "hsp_innovation", "hsp_sme_research", "hsp_foreign_qualification", "hsp_japanese_university", "hsp_japanese",
         "hsp_growth_field", "hsp_jica", "hsp_designated_university")
PASS_MARK = 70               # WZAAS003M0011 below it
MINIMUM_INCOME = 3_000_000   # WZAAS003M0021 below it (yen)
UNDER_INCOME, UNDER_POINTS, CONFIRM = "WZAAS003M0021", "WZAAS003M0011", "WZAAS003M0031"


def option(item: str, value: Any) -> dict[str, str] | None:
    """The row of the item's list for the value chosen, or None (nothing or an unknown value chosen)."""
    for row in catalog.table(f"lists/{item}.csv"):
        if row["value"] == value:
            return row
    return None


def points(item: str, values: dict[str, Any]) -> int:
    """The points one item gives, the rules of the module's docstring applied."""
    row = option(item, values.get(item))
    if row is None:
        return 0
    if item == "hsp_income" and row.get("ages") and values.get("hsp_age") not in row["ages"].split("|"):
        return 0
    japanese_university = values.get("hsp_japanese_university") == "yes"
    if item == "hsp_jica" and japanese_university and values.get("hsp_jica_university") == "yes":
        return 0
    if item == "hsp_japanese" and row["value"] == "n2" and japanese_university:
        return 0
    return int(row["points"])


def total_points(values: dict[str, Any]) -> int:
    """The total of the point table for the values of the hsp_points form (keyed by field)."""
    return sum(points(item, values) for item in ITEMS)


def income_under_minimum(values: dict[str, Any]) -> bool:
    row = option("hsp_income", values.get("hsp_income"))
    return row is not None and int(row["min_yen"]) < MINIMUM_INCOME


def warnings(values: dict[str, Any]) -> list[str]:
    """The lines of dialog D1 in the order it shows them: income under 3,000,000 yen, total under 70, and
    the confirm line whenever one of the two is shown; empty when 「確認」 goes straight to STEP3."""
    codes = []
    if income_under_minimum(values):
        codes.append(UNDER_INCOME)
    if total_points(values) < PASS_MARK:
        codes.append(UNDER_POINTS)
    return codes + [CONFIRM] if codes else []
