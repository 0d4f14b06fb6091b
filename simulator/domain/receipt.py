"""Receipt methods and numbers. How a procedure's result may be received (FAQ Q5-1: COE by e-mail or
post, a residence card or work certificate by post or at a counter) with the receiving-office rules of
S17 (WZBAM139E/140E/285E); who must attach a photo (WZBAM179E/180E); the numbers of 004 §5.1–§5.2:
申請受付仮番号 96 + year + 10 digits, 申請受付番号 <office>オン<type>[<group>]<YY><6-digit serial>.
Pure: no Flask, no SQL."""
from __future__ import annotations

import datetime as dt

from simulator.domain.accounts import add_years
from simulator.domain.eligibility import age_on
from simulator.domain.person_checks import add_months
from simulator.domain.errors import Problem

METHODS = {"coe": ("mail", "post")}
CARD_METHODS = ("post", "counter")
PHOTO_AGE = 16                                    # WZBAM179E
PHOTO_NEVER = ("work_qualification_certificate",)  # no card is issued: 対象外 (004 §2.7 rows)
GROUPLESS = ("W", "A")                            # 札オンW22000000, 札オンA22000000 (004 §2.7)


def method_field(procedure: str) -> str:
    return "coe_receipt_method" if procedure == "coe" else "card_receipt_method"


def methods(procedure: str) -> tuple[str, ...]:
    return METHODS.get(procedure, CARD_METHODS)


def receipt_problems(procedure: str, method: str | None, office: str | None) -> list[Problem]:
    field = method_field(procedure)
    if not method:
        return [Problem("WZBAM001E", field)]
    if method not in methods(procedure):
        return [Problem("WZBAM005E", field, {"入力項目名": "受領方法"})]
    if method == "counter" and not office:
        return [Problem("WZBAM140E", "receiving_office")]
    if method == "post" and office:
        return [Problem("WZBAM139E", "receiving_office")]
    if method == "mail" and office:
        return [Problem("WZBAM285E", "receiving_office")]
    return []


def photo_required(procedure: str, birth_date: dt.date | None, today: dt.date) -> bool:
    """A COE always; a card procedure for an applicant of 16 or more (WZBAM179E)."""
    if procedure == "coe":
        return True
    if procedure in PHOTO_NEVER or birth_date is None:
        return procedure not in PHOTO_NEVER
    return age_on(birth_date, today) >= PHOTO_AGE


def initial_photo_state(procedure: str, birth_date: dt.date | None, today: dt.date) -> str:
    return "none" if photo_required(procedure, birth_date, today) else "exempt"


def provisional_number(year: int, application_id: int) -> str:
    """申請受付仮番号: 96, the year, ten digits (the reading of 004 §5.2's 9620190000011324)."""
    return f"96{year:04d}{application_id:010d}"


def bulk_number(year: int, bulk_id: int) -> str:
    """一括申請番号 (003 §5.3.5; its format is not stated): rasim's B, the year, ten digits."""
    return f"B{year:04d}{bulk_id:010d}"


def coe_number(prefix: str, group: str, year: int, serial: int) -> str:
    """在留資格認定証明書番号 (004 §5.3): e.g. coe_number('札オン', 'I', 2022, 82) == '札オン認(XP)I22-000082'."""
    return f"{prefix}認(XP){group}{year % 100:02d}-{serial:06d}"


def postal_exclusion(rules: dict, status_of_residence: str | None, desired_period: str | None,
                     birth_date: dt.date | None, today: dt.date) -> str | None:
    """Why a residence card may not be received by post (FAQ Q5-1 (1) and (3), Q6-7), or None. `rules` is
    catalog.receipt()["postal_exclusions"]. Exclusion (2), a kanji name added, is asked for at the counter
    (Q5-4): the system cannot know it."""
    if status_of_residence in rules["no_card_statuses"] or desired_period in rules["no_card_periods"]:
        return rules["reason_no_card"]
    if birth_date is not None and age_on(birth_date, today) < PHOTO_AGE:
        months = rules["sixteenth_birthday_months"]
        sixteenth = add_years(birth_date, PHOTO_AGE)   # type: ignore[arg-type]   (a date: replace() as well)
        limit = add_months(today, months)
        if sixteenth <= limit:
            return rules["reason_sixteen"]
    return None


def receipt_number(prefix: str, type_code: str, group: str, year: int, serial: int) -> str:
    """e.g. receipt_number('東オン', 'E', 'N', 2026, 1) == '東オンEN26000001'."""
    group_part = "" if type_code in GROUPLESS else group
    return f"{prefix}{type_code}{group_part}{year % 100:02d}{serial:06d}"
