"""Property tests of every validator kind (simulator/domain/validators.py): a valid value passes, a
value broken in the kind's own way is refused with the system's code, and no input makes a
validator raise anything but Invalid."""
from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.catalog import FieldSpec
from simulator.domain import validators as v

FAST = settings(max_examples=60, deadline=None, derandomize=True)


def spec(kind: str, max_len: int | None = None, exact: int | None = None, min_len: int | None = None) -> FieldSpec:
    return FieldSpec(key="f", label_ja="項目", label_en="Item", kind=kind, min_len=min_len, max_len=max_len,
                     exact_len=exact)


def code(s: FieldSpec, value: object) -> str | None:
    try:
        v.validate(s, value)
    except v.Invalid as invalid:
        return invalid.code
    return None


UPPER = st.characters(min_codepoint=ord("A"), max_codepoint=ord("Z"))
DIGIT = st.characters(min_codepoint=ord("0"), max_codepoint=ord("9"))
KANJI = st.sampled_from(list("法務太郎東京都千代田区霞が関一二三山田花子あいうえおアイウエオ１２３－"))


def test_every_kind_of_the_catalogue_has_a_validator():
    from simulator import catalog

    kinds = {catalog.field(r["key"]).kind for r in catalog.table("fields.csv")}
    for k in kinds:
        base = "choice" if k.startswith("choice:") else k
        assert base in v.REGISTRY or base in ("accept", "id"), k


@FAST
@given(st.text(max_size=80))
def test_no_input_raises_anything_but_invalid(text: str):
    for kind in list(v.REGISTRY) + ["choice:a|b", "accept"]:
        code(spec(kind, max_len=40), text)


@FAST
@given(st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=6, max_size=20))
def test_ascii(text: str):
    s = spec("ascii", max_len=20, min_len=6)
    assert code(s, text) is None
    assert code(s, text[:3] + "あ" + text[3:19]) == "WZBAM005E"
    assert code(s, text[:5]) == "WZBAM005E"          # shorter than the minimum
    assert code(s, text + "x" * 21) == "WZBAM003E"


@FAST
@given(st.text(alphabet=DIGIT, min_size=1, max_size=12))
def test_digits_and_phone(text: str):
    for kind in ("digits", "phone"):
        s = spec(kind, max_len=12)
        assert code(s, text) is None
        assert code(s, text + "-") == "WZBAM005E" or len(text) == 12
        assert code(s, "a" + text[1:]) == "WZBAM005E"


@FAST
@given(st.from_regex(r"[a-z0-9._]{1,20}@[a-z0-9]{1,10}\.(jp|com|co\.jp)", fullmatch=True))
def test_email(address: str):
    s = spec("email", max_len=60)
    assert code(s, address) is None
    assert code(s, address.replace("@", "")) == "WZBAM021E"
    assert code(s, address.replace("@", "@@")) == "WZBAM021E"


@FAST
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_date(day: dt.date):
    s = spec("date")
    assert v.validate(s, day.isoformat()) == day
    assert code(s, day.strftime("%Y/%m/%d")) == "WZBAM005E"
    assert code(s, f"{day.year:04d}-13-01") == "WZBAM111E"
    assert code(s, f"{day.year:04d}-02-30") == "WZBAM111E"


@FAST
@given(st.text(alphabet=KANJI, min_size=1, max_size=20))
def test_fullwidth(text: str):
    s = spec("fullwidth", max_len=40)
    assert code(s, text) is None
    assert code(s, text + "1") == "WZBAM008E"
    assert code(s, text + "髙") == "WZBAM011E"       # IBM extension (cp932 FBFC): not JIS X 0208
    assert code(s, text + "𠮷") == "WZBAM011E"      # outside the character set altogether


@FAST
@given(st.text(alphabet=KANJI, min_size=1, max_size=20))
def test_text(text: str):
    s = spec("text", max_len=104)
    assert code(s, text) is None
    assert code(s, "山田  太郎") == "WZBAM019E"
    assert code(s, text + "\x07") == "WZBAM020E"
    assert code(s, text + "髙") == "WZBAM011E"       # IBM extension: 外字 for the system


@FAST
@given(st.lists(st.text(alphabet=UPPER, min_size=1, max_size=10), min_size=1, max_size=4))
def test_roman_name(words: list[str]):
    s = spec("roman_name", max_len=100)
    assert code(s, " ".join(words)) is None
    assert code(s, ",".join(words)) is None
    assert code(s, " ".join(words).lower() + "a") == "WZBAM005E"
    assert code(s, " ".join(words) + "1") == "WZBAM005E"


@FAST
@given(st.text(alphabet=UPPER, min_size=2, max_size=2), st.text(alphabet=DIGIT, min_size=8, max_size=8),
       st.text(alphabet=UPPER, min_size=2, max_size=2))
def test_residence_card_number(head: str, digits: str, tail: str):
    s = spec("residence_card_number", exact=12)
    assert code(s, head + digits + tail) is None
    assert code(s, head.lower() + digits + tail) == "WZBAM251E"
    assert code(s, head + digits + "1" + tail[1]) == "WZBAM251E"
    assert code(s, head + digits + tail + "X") == "WZBAM004E"


@FAST
@given(st.text(alphabet=DIGIT, min_size=3, max_size=3), st.text(alphabet=DIGIT, min_size=4, max_size=4))
def test_postal_code(first: str, second: str):
    s = spec("postal_code", max_len=8)
    assert v.validate(s, f"{first}-{second}") == first + second
    assert v.validate(s, first + second) == first + second
    assert code(s, f"{first}-{second[:3]}") == "WZBAM005E"
    assert code(s, f"{first}ー{second}") == "WZBAM005E"


@FAST
@given(st.sampled_from(["male", "female"]), st.text(max_size=10))
def test_choice(choice: str, other: str):
    s = spec("choice:male|female")
    assert code(s, choice) is None
    if other.strip() not in ("male", "female"):
        assert code(s, other or "x") in ("WZBAM005E", "WZBAM020E")


def test_accept_and_id():
    assert v.validate(spec("accept"), True) is True
    assert code(spec("accept"), False) == "WZBAM256E"
    assert v.validate(spec("id"), 7) == 7
    assert code(spec("id"), 0) == "WZBAM005E" and code(spec("id"), True) == "WZBAM005E"


def test_lengths_are_checked_before_the_kind():
    assert code(spec("email", max_len=10), "a" * 11) == "WZBAM003E"
    assert code(spec("digits", exact=12), "123") == "WZBAM004E"
