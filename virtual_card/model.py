"""The card holder's basic four facts (基本4情報) and their encodings.

Sex is kept as the ISO/IEC 5218 code the card-info AP uses: "1" male, "2" female,
"9" not applicable, "0" not known.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

_SEX_ALIASES = {
    "1": "1", "m": "1", "male": "1", "男": "1", "男性": "1",
    "2": "2", "f": "2", "female": "2", "女": "2", "女性": "2",
    "9": "9", "x": "9", "other": "9", "0": "0", "unknown": "0",
}

# Japanese eras as the JPKI signature certificate numbers them (1 明治 … 5 令和)
_ERAS = [(5, date(2019, 5, 1)), (4, date(1989, 1, 8)), (3, date(1926, 12, 25)),
         (2, date(1912, 7, 30)), (1, date(1868, 10, 23))]


def parse_sex(text: str) -> str:
    code = _SEX_ALIASES.get(text.strip().lower())
    if code is None:
        raise ValueError(f"unknown sex {text!r}: use M, F, X or an ISO 5218 digit")
    return code


def era_digit(day: date) -> int:
    for digit, start in _ERAS:
        if day >= start:
            return digit
    return 0


@dataclass(frozen=True)
class BasicFour:
    name: str
    address: str
    date_of_birth: date
    sex: str  # ISO 5218 code

    @property
    def sex_label(self) -> str:
        return {"1": "male", "2": "female", "9": "not applicable"}.get(self.sex, "not known")

    def to_json(self) -> dict:
        d = asdict(self)
        d["date_of_birth"] = self.date_of_birth.isoformat()
        return d

    @classmethod
    def from_json(cls, d: dict) -> BasicFour:
        return cls(d["name"], d["address"], date.fromisoformat(d["date_of_birth"]), d["sex"])

    # -- JPKI signature certificate forms ----------------------------------------------
    @property
    def cert_gender(self) -> str:
        """1 male, 2 female, 3 not known (the certificate's coding differs from ISO 5218)."""
        return {"1": "1", "2": "2"}.get(self.sex, "3")

    @property
    def cert_date_of_birth(self) -> str:
        """Era digit followed by the Gregorian YYYYMMDD, e.g. ``419900415``."""
        return f"{era_digit(self.date_of_birth)}{self.date_of_birth:%Y%m%d}"
