"""Pure rules of simulator/domain: password policy, field checks, login rule order, date arithmetic."""
from __future__ import annotations

import datetime as dt

import pytest

from simulator import catalog
from simulator.domain import accounts as rules
from simulator.domain.accounts import AgentCertificateStatus, LoginFacts, ReportStatus, Status
from simulator.domain.errors import Problems
from simulator.domain.passwords import password_problems, policy_text_ja
from simulator.domain.validation import check, check_one, is_fullwidth

E2024 = catalog.edition("2024")
E2026 = catalog.edition("2026")


# --- password policy ------------------------------------------------------------------------------

@pytest.mark.parametrize("password", ["AB12345!", "abc123$%", "a1$" + "x" * 29, "Zz9.?" + "q" * 3, "pass_wd9"])
def test_2024_accepts(password):
    assert not password_problems(password, E2024)


@pytest.mark.parametrize("password, why", [
    ("Ab1!", "too short"),
    ("Ab12345", "7 characters"),
    ("a1$" + "x" * 30, "33 characters"),
    ("abcdefgh", "letters only"),
    ("abcd1234", "no symbol"),
    ("abcd$%&=", "no digit"),
    ("1234$%&=", "no letter"),
    ("abc123*-", "* and - are symbols of 2026 only"),
    ("abc123!あ", "full-width character"),
    ("ＡＢＣ123!!", "full-width letters"),
    ("abc 123!x", "space"),
])
def test_2024_refuses(password, why):
    assert password_problems(password, E2024), why


@pytest.mark.parametrize("password", ["Abcdef123!", "aB3*-aB3*-", "Zz9-" + "x" * 16])
def test_2026_accepts(password):
    assert not password_problems(password, E2026)


@pytest.mark.parametrize("password, why", [
    ("Abcde123!", "9 characters"),
    ("Abcdef123!" + "x" * 11, "21 characters"),
    ("abcdef123!", "no upper case"),
    ("ABCDEF123!", "no lower case"),
    ("Abcdefgh!!", "no digit"),
    ("Abcdef1234", "no symbol"),
    ("Abcdef123.", ". is a 2024 symbol only"),
])
def test_2026_refuses(password, why):
    assert password_problems(password, E2026), why


def test_policy_text_names_the_edition_limits():
    assert "8文字以上32文字以内" in policy_text_ja(E2024)
    assert "10文字以上20文字以内" in policy_text_ja(E2026)
    assert "英大文字" in policy_text_ja(E2026) and "英大文字" not in policy_text_ja(E2024)


# --- field checks -----------------------------------------------------------------------------------

def _codes(values: dict, required: list[str], optional: list[str] | None = None) -> list[tuple[str, str | None]]:
    problems = Problems()
    check(values, required, optional or [], problems)
    return [(p.code, p.field) for p in problems.items]


@pytest.mark.parametrize("values, required, expected", [
    ({}, ["name"], ("WZBAM001E", "name")),
    ({"name": "   "}, ["name"], ("WZBAM001E", "name")),
    ({"name": "山" * 105}, ["name"], ("WZBAM003E", "name")),
    ({"phone": "03-1234"}, ["phone"], ("WZBAM005E", "phone")),
    ({"phone": 312345678}, ["phone"], ("WZBAM005E", "phone")),
    ({"phone": "０３１２３４"}, ["phone"], ("WZBAM005E", "phone")),
    ({"address_pref_city": "Tokyo"}, ["address_pref_city"], ("WZBAM008E", "address_pref_city")),
    ({"address_pref_city": "東京都𠮷野町"}, ["address_pref_city"], ("WZBAM011E", "address_pref_city")),
    ({"name": "𠮷田"}, ["name"], ("WZBAM011E", "name")),
    ({"name": "山田  太郎"}, ["name"], ("WZBAM019E", "name")),
    ({"name": "山田\u3000\u3000太郎"}, ["name"], ("WZBAM019E", "name")),
    ({"name": "山田\x07太郎"}, ["name"], ("WZBAM020E", "name")),
    ({"email": "a\x00@b.jp"}, ["email"], ("WZBAM020E", "email")),
    ({"email": "not-an-address"}, ["email"], ("WZBAM021E", "email")),
    ({"email": "a@localhost"}, ["email"], ("WZBAM021E", "email")),
    ({"email": "a" * 56 + "@b.jp"}, ["email"], ("WZBAM003E", "email")),
    ({"birth_date": "2023-02-29"}, ["birth_date"], ("WZBAM111E", "birth_date")),
    ({"birth_date": "2024-13-01"}, ["birth_date"], ("WZBAM111E", "birth_date")),
    ({"birth_date": "1980/01/02"}, ["birth_date"], ("WZBAM005E", "birth_date")),
    ({"sex": "other"}, ["sex"], ("WZBAM005E", "sex")),
    ({"agree_terms": False}, ["agree_terms"], ("WZBAM256E", "agree_terms")),
    ({}, ["agree_terms"], ("WZBAM256E", "agree_terms")),
])
def test_field_codes(values, required, expected):
    assert _codes(values, required) == [expected]


def test_messages_carry_the_field_label():
    problems = Problems()
    check({"name": "山" * 105}, ["name"], [], problems)
    p = problems.items[0]
    ja, _ = catalog.message(p.code).render(p.params)
    assert "氏名" in ja and "104" in ja and "【" not in ja


def test_cleaned_values():
    problems = Problems()
    out = check({"name": " 法務 太郎 ", "birth_date": "1980-01-02", "phone": "0312345678", "agree_terms": True,
                 "email": " a@example.jp "}, ["name", "birth_date", "phone", "agree_terms", "email"], [], problems)
    assert not problems
    assert out == {"name": "法務 太郎", "birth_date": dt.date(1980, 1, 2), "phone": "0312345678",
                   "agree_terms": True, "email": "a@example.jp"}


def test_optional_fields_may_be_missing():
    assert _codes({}, [], ["sex", "phone"]) == []


def test_every_wrong_type_is_a_code_not_an_exception():
    for key in ("name", "email", "birth_date", "phone", "address_street", "sex", "category", "auth_id"):
        for value in (1, 1.5, [], {}, True):
            problems = Problems()
            check_one(key, value, problems)
            assert [p.code for p in problems.items] == ["WZBAM005E"], (key, value)


def test_fullwidth():
    assert is_fullwidth("東京都千代田区１－１")
    assert not is_fullwidth("東京都1-1")


# --- login rules ------------------------------------------------------------------------------------

NOW = dt.datetime(2024, 4, 1, 9, 0)


def facts(**kw) -> LoginFacts:
    base = dict(status=Status.ACTIVE, route="agent_certificate", valid_until=NOW + dt.timedelta(days=90),
                password_expires_at=NOW + dt.timedelta(days=90), locked_until=None,
                certificate_status=AgentCertificateStatus.ACTIVE, certificate_valid_until=dt.date(2024, 6, 30))
    base.update(kw)
    return LoginFacts(**base)


def test_a_good_account_passes_every_rule():
    f = facts()
    assert (rules.state_code(f), rules.lock_code(f, NOW), rules.validity_code(f, NOW),
            rules.password_code(f, NOW)) == (None, None, None, None)


@pytest.mark.parametrize("status, code", [(Status.DELETED, "WZBAM156E"), (Status.SUSPENDED, "WZBAM155E"),
                                          (Status.PENDING_PASSWORD, "WZBAM150E"), (Status.LAPSED, "WZBAM150E")])
def test_state_codes(status, code):
    assert rules.state_code(facts(status=status)) == code


def test_lock_lasts_until_its_end():
    f = facts(locked_until=NOW + dt.timedelta(hours=24))
    assert rules.lock_code(f, NOW + dt.timedelta(hours=23, minutes=59, seconds=59)) == "WZBAM153E"
    assert rules.lock_code(f, NOW + dt.timedelta(hours=24)) is None


def test_agent_certificate_order_cancelled_before_suspended_before_expired():
    past = dt.date(2024, 3, 1)
    assert rules.validity_code(facts(certificate_status="cancelled", certificate_valid_until=past), NOW) == "WZBAM257E"
    assert rules.validity_code(facts(certificate_status="suspended", certificate_valid_until=past), NOW) == "WZBAM259E"
    assert rules.validity_code(facts(certificate_valid_until=past), NOW) == "WZBAM258E"
    assert rules.validity_code(facts(certificate_number_matches=False), NOW) == "WZBAM257E"
    # the last day of the certificate is still a valid day
    assert rules.validity_code(facts(certificate_valid_until=NOW.date()), NOW) is None


def test_usage_request_order_refused_before_lapsed():
    lapsed = NOW - dt.timedelta(seconds=1)
    assert rules.validity_code(facts(route="usage_request", report_status=ReportStatus.REFUSED,
                                     valid_until=lapsed), NOW) == "WZBAM152E"
    assert rules.validity_code(facts(route="usage_request", valid_until=lapsed), NOW) == "WZBAM151E"
    assert rules.validity_code(facts(route="usage_request", valid_until=NOW), NOW) == "WZBAM151E"
    assert rules.validity_code(facts(route="usage_request", valid_until=NOW + dt.timedelta(seconds=1)), NOW) is None


def test_card_route_expiry():
    assert rules.validity_code(facts(route="card", valid_until=NOW), NOW) == "WZBAM157E"


def test_password_expiry():
    assert rules.password_code(facts(password_expires_at=NOW), NOW) == "WZBAM158E"
    assert rules.password_code(facts(password_expires_at=NOW + dt.timedelta(seconds=1)), NOW) is None


def test_new_auth_id_follows_the_edition_pattern():
    import re

    seen = {rules.new_auth_id(E2024) for _ in range(200)}
    assert all(re.fullmatch(r"[a-z]{5}[2-9]{5}", s) for s in seen)
    assert not any(c in s for s in seen for c in "lo01")
    assert len(seen) > 190
    taken = {"abcde23456"}
    assert rules.new_auth_id(E2024, taken) not in taken


# --- date arithmetic --------------------------------------------------------------------------------

@pytest.mark.parametrize("start, months, expected", [
    ((2024, 1, 31), 1, (2024, 2, 29)),
    ((2023, 1, 31), 1, (2023, 2, 28)),
    ((2024, 3, 31), 1, (2024, 4, 30)),
    ((2024, 12, 15), 1, (2025, 1, 15)),
    ((2024, 1, 15), -2, (2023, 11, 15)),
    ((2025, 4, 30), -2, (2025, 2, 28)),
    ((2025, 3, 31), -1, (2025, 2, 28)),
    ((2024, 5, 31), -3, (2024, 2, 29)),
    ((2024, 6, 10), 0, (2024, 6, 10)),
    ((2024, 6, 10), 24, (2026, 6, 10)),
    ((2024, 6, 10), -18, (2022, 12, 10)),
])
def test_add_months(start, months, expected):
    got = rules.add_months(dt.datetime(*start, 9, 30), months)
    assert got == dt.datetime(*expected, 9, 30)


@pytest.mark.parametrize("start, years, expected", [
    ((2024, 2, 29), 1, (2025, 2, 28)),
    ((2024, 2, 29), 4, (2028, 2, 29)),
    ((2024, 2, 29), -1, (2023, 2, 28)),
    ((2023, 4, 1), 1, (2024, 4, 1)),
    ((2024, 12, 31), 1, (2025, 12, 31)),
])
def test_add_years(start, years, expected):
    assert rules.add_years(dt.datetime(*start, 0, 0), years) == dt.datetime(*expected, 0, 0)


# --- the login sequence as pure rules (the order the service follows) ---------------------------------

def test_state_before_lock_before_password():
    deleted_and_locked = facts(status=Status.DELETED, locked_until=NOW + dt.timedelta(hours=1))
    assert rules.before_password_code(deleted_and_locked, NOW) == "WZBAM156E"
    assert rules.before_password_code(facts(locked_until=NOW + dt.timedelta(hours=1)), NOW) == "WZBAM153E"
    assert rules.before_password_code(facts(locked_until=NOW), NOW) is None


@pytest.mark.parametrize("failures, expected", [(1, ("WZBAM270E", False)), (4, ("WZBAM270E", False)),
                                                (5, ("WZBAM153E", True)), (6, ("WZBAM153E", True))])
def test_the_fifth_consecutive_failure_locks(failures, expected):  # noqa: ANN001
    assert rules.failure_outcome(failures, E2024) == expected
    assert rules.failure_outcome(failures, E2024, "WZBAM154E")[0] == ("WZBAM154E" if failures < 5 else "WZBAM153E")


def test_admission_after_the_password_route_then_validity_then_expiry():
    lapsed_and_expired = facts(route="usage_request", valid_until=NOW, password_expires_at=NOW)
    assert rules.admission_code(lapsed_and_expired, NOW, False, 0) == "WZBAM151E"
    card_without_card = facts(route="card", valid_until=NOW + dt.timedelta(days=9), password_expires_at=NOW)
    assert rules.admission_code(card_without_card, NOW, False, 0) == "WZBAM167E"
    assert rules.admission_code(card_without_card, NOW, True, 0) == "WZBAM158E"


def test_card_route_without_the_card():
    """Q13-3 and seed 001: card categories log in with the card; with the ID alone only when the card's
    certificate expired while an application is in progress."""
    valid = facts(route="card", valid_until=NOW + dt.timedelta(days=1))
    expired = facts(route="card", valid_until=NOW)          # valid_until == now: expired
    assert rules.card_route_code(valid, NOW, True, 0) is None
    assert rules.card_route_code(valid, NOW, False, 0) == "WZBAM167E"
    assert rules.card_route_code(valid, NOW, False, 3) == "WZBAM167E"
    assert rules.card_route_code(expired, NOW, False, 0) == "WZBAM157E"
    assert rules.card_route_code(expired, NOW, False, 1) is None
    assert rules.card_route_code(facts(route="card", valid_until=None), NOW, False, 1) == "WZBAM167E"
    assert rules.card_route_code(facts(route="agent_certificate"), NOW, False, 0) is None
    assert rules.admission_code(facts(route="card", valid_until=NOW, application_grace=True), NOW, False, 1) is None
