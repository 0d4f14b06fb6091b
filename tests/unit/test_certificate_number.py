"""申請等取次者証明書番号: the 12 digits, and the conversion of seed 001's 「変換例」."""
import pytest

from simulator.domain.certificate_number import (
    InvalidCertificateNumber,
    NotificationCertificateNumber,
    category_codes,
    normalize_agent_certificate_number,
    office_codes,
    parse_notification_certificate_number,
)

OFFICES = {"札": "11", "仙": "12", "東": "13", "横": "15", "名": "16", "阪": "17",
           "神": "18", "高": "19", "広": "20", "福": "22", "那": "24"}
CATEGORIES = {"行": "2", "弁": "7"}


@pytest.mark.parametrize("printed", [
    "(東) 弁10第50号",          # as printed in seed 001
    "（東）弁10第50号",          # full-width brackets
    "東弁10第50号",              # no brackets
    "（東）　弁１０第５０号",     # full-width digits and ideographic space
    " (東)弁10第00050号 ",
])
def test_seed_001_worked_example(printed):
    assert normalize_agent_certificate_number(printed) == "132010700050"


def test_code_tables_come_from_the_catalog():
    assert dict(office_codes()) == OFFICES
    assert dict(category_codes()) == CATEGORIES


@pytest.mark.parametrize("symbol,code", sorted(OFFICES.items()))
@pytest.mark.parametrize("category,category_code", sorted(CATEGORIES.items()))
def test_every_office_and_category(symbol, code, category, category_code):
    assert normalize_agent_certificate_number(f"({symbol}) {category}23第12345号") == (
        f"{code}2023{category_code}12345"
    )


def test_parse_keeps_the_parts():
    parsed = parse_notification_certificate_number("（横）行05第7号")
    assert parsed == NotificationCertificateNumber("横", "行", 2005, 7)
    assert parsed.agent_certificate_number == "152005200007"


@pytest.mark.parametrize("typed,expected", [
    ("132010700050", "132010700050"),
    ("１３２０１０７０００５０", "132010700050"),
    ("1320-1070-0050", "132010700050"),
    ("13 2010 7 00050", "132010700050"),
    ("１３２０－１０７０－００５０", "132010700050"),
    ("123456789012", "123456789012"),   # 004's input example: not checked against the tables
    ("201203100011", "201203100011"),   # 004's display example
])
def test_twelve_digits(typed, expected):
    assert normalize_agent_certificate_number(typed) == expected


@pytest.mark.parametrize("bad", [
    "",
    "   ",
    "13201070005",        # 11 digits
    "1320107000500",      # 13 digits
    "13201070005a",
    "京弁10第50号",        # unknown office
    "(東)医10第50号",      # unknown category
    "(東弁10第50号",       # unbalanced bracket
    "(東)弁2010第50号",    # four-digit year
    "(東)弁1第50号",       # one-digit year
    "(東)弁10第123456号",  # six-digit serial
    "(東)弁10第0号",       # serial 0
    "(東)弁10第50",        # no 号
    "(東)弁10-50",
    "東京弁10第50号",
    "١٣٢٠١٠٧٠٠٠٥٠",      # Arabic-Indic digits
])
def test_rejects(bad):
    with pytest.raises(InvalidCertificateNumber):
        normalize_agent_certificate_number(bad)


def test_rejects_non_text_and_is_a_value_error():
    with pytest.raises(ValueError):
        normalize_agent_certificate_number(132010700050)  # type: ignore[arg-type]
    assert issubclass(InvalidCertificateNumber, ValueError)
