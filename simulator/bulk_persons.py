"""The applicants of a generated bulk file (`rasim bulk generate`, the load tests): realistic persons from
Faker — names of their nationality's locale romanised to capitals (HOUMU MIDDLE TAROU on the card,
HOUMU,MIDDLE,TAROU in the form), an address in Japan in full-width characters, a residence card number
unique in the file, a stay that ends where the date rules of the procedure let it be filed — and the
residence record the bureau holds of each (the body of putResidenceRecord). catalog/bulk_generate.toml
says which nationalities and how often. Deterministic for a given random.Random."""
from __future__ import annotations

import datetime as dt
import random
import re
import string
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

from faker import Faker

from simulator import catalog
from simulator.catalog import places
from simulator.domain import eligibility
from simulator.domain.person_checks import add_months
from simulator.domain.validators import Invalid, validate

# letters NFKD leaves whole: their plain Latin spelling
LATIN = str.maketrans({"Đ": "D", "đ": "d", "Ø": "O", "ø": "o", "Ł": "L", "ł": "l", "ı": "i", "Ð": "D", "ð": "d",
                       "ß": "ss", "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "Þ": "TH", "þ": "th"})
DEVANAGARI_VOWELS = {"A", "AA", "I", "II", "U", "UU", "E", "AI", "O", "AU"}
FULLWIDTH = {c: c + 0xFEE0 for c in range(0x21, 0x7F)}


@cache
def settings() -> dict[str, Any]:
    with open(catalog.HERE / "bulk_generate.toml", "rb") as f:
        return tomllib.load(f)


def _devanagari(text: str) -> str:
    """A plain romanisation of Devanagari from the letters' Unicode names (राठौर → RATHAUR)."""
    out, inherent = "", False   # inherent: the last letter is a consonant still carrying its 'a'
    for ch in text + " ":
        name = unicodedata.name(ch, "")
        if "DEVANAGARI LETTER " in name:
            sound = name.split("LETTER ", 1)[1].split()[-1]
            out, inherent = out + sound, sound not in DEVANAGARI_VOWELS
        elif "VOWEL SIGN" in name or "VIRAMA" in name:
            out = out[:-1] if inherent else out
            out += name.split("VOWEL SIGN ", 1)[1].split()[-1] if "VOWEL SIGN" in name else ""
            inherent = False
        elif "ANUSVARA" in name or "CANDRABINDU" in name:
            out, inherent = out + "N", False
        elif "DEVANAGARI" not in name:   # a word ends: its last 'a' is not spoken
            out, inherent = (out[:-1] if inherent else out) + " ", False
    return re.sub(r"([A-Z])\1", r"\1", out)


def romanise(text: str) -> str:
    """Capitals A–Z and single spaces only: Hoàng Đức → HOANG DUC, da Cunha → DA CUNHA."""
    if any("DEVANAGARI" in unicodedata.name(ch, "") for ch in text):
        text = _devanagari(text)
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", text.translate(LATIN)) if not unicodedata.combining(ch))
    return " ".join("".join(ch if ch.isascii() and ch.isalpha() else " " for ch in plain).upper().split())


def to_fullwidth(text: str) -> str:
    """ASCII made full-width, spaces dropped (霞が関1丁目 → 霞が関１丁目)."""
    return text.replace(" ", "").translate(FULLWIDTH)


@cache
def _municipalities() -> tuple[places.Municipality, ...]:
    return tuple(m for p in places.prefectures() for m in places.municipalities(p.code))


@dataclass
class Person:
    nationality: str
    locale: str
    names: tuple[str, ...]           # family name first, in capitals
    sex: str
    birth_date: dt.date
    municipality: str                # 5-digit code
    street: str                      # full-width
    email: str
    mobile: str
    card_number: str | None = None   # None: abroad, no card (COE)
    status: str | None = None        # the current status of residence
    period: str | None = None
    stay_expires_on: dt.date | None = None

    @property
    def card_name(self) -> str:
        return " ".join(self.names)

    @property
    def typed_name(self) -> str:
        return ",".join(self.names)

    def record(self) -> dict[str, Any] | None:
        """The residence record of the person (putResidenceRecord's body); None without a card."""
        if self.card_number is None:
            return None
        expires = self.stay_expires_on.isoformat() if self.stay_expires_on else None
        return {"residence_card_number": self.card_number, "name": self.card_name, "nationality": self.nationality,
                "sex": self.sex, "birth_date": self.birth_date.isoformat(), "address_municipality": self.municipality,
                "address_street": self.street, "status_of_residence": self.status, "period_of_stay": self.period,
                "stay_expires_on": expires, "card_valid_until": expires}


class PersonMaker:
    """Persons and the Japanese text around them, every draw from `rng` (and Fakers seeded from it)."""

    def __init__(self, rng: random.Random, today: dt.date) -> None:
        self.rng, self.today = rng, today
        self.cards: set[str] = set()
        self.serial = 0
        self._fakers: dict[str, Faker] = {}
        self.ja = self.faker(settings()["japanese_locale"])

    def faker(self, locale: str) -> Faker:
        if locale not in self._fakers:
            fk = Faker(locale)
            fk.seed_instance(self.rng.getrandbits(32))
            self._fakers[locale] = fk
        return self._fakers[locale]

    # -- the person ------------------------------------------------------------------------------------
    def person(self, procedure: str, status: str) -> Person:
        rng, conf = self.rng, settings()
        nat = rng.choices(conf["nationalities"], weights=[n["weight"] for n in conf["nationalities"]])[0]
        sex = rng.choice(["male", "female"])
        names = self.names(nat["locale"], sex)
        low, high = conf["ages"]
        born = self.today - dt.timedelta(days=rng.randint(low * 365 + 5, high * 365))
        self.serial += 1
        email = f"{names[-1]}.{names[0]}.{self.serial}@{conf['mail_domain']}".lower()
        mobile = f"0{rng.choice('789')}0{rng.randint(0, 10**8 - 1):08d}"
        person = Person(nat["code"], nat["locale"], names, sex, born, self.municipality(), self.street(), email, mobile)
        if procedure in ("extension_of_stay", "change_of_status"):
            self.give_stay(person, procedure, status)
        return person

    def names(self, locale: str, sex: str, limit: int = 104) -> tuple[str, ...]:
        """Family name first; Chinese names in their Latin spelling; at most `limit` characters typed."""
        fk = self.faker(locale)
        for _ in range(20):
            if locale == "zh_CN":
                parts = [fk.last_romanized_name(), fk.first_romanized_name()]
            else:
                given = fk.first_name_male() if sex == "male" else fk.first_name_female()
                middle = [fk.middle_name()] if locale == "vi_VN" and hasattr(fk, "middle_name") else []
                parts = [fk.last_name(), *middle, given]
            words = tuple(w for p in parts for w in romanise(p).split())
            if words and len(",".join(words)) <= limit:
                return words
        raise RuntimeError(f"no romanisable name from the {locale} locale")

    def give_stay(self, person: Person, procedure: str, status: str) -> None:
        rng, conf = self.rng, settings()
        person.card_number = self.card_number()
        person.period = rng.choice(conf["periods"])
        if procedure == "extension_of_stay":
            person.status = status
            person.stay_expires_on = self.today + dt.timedelta(days=rng.randint(*conf["extension_days"]))
        else:
            person.status = rng.choice([s for s in conf["change_from"] if s != status and eligibility.is_online_status(s)])
            person.stay_expires_on = self.today + dt.timedelta(days=rng.randint(*conf["change_days"]))

    def card_number(self) -> str:
        """在留カード番号 (AB12345678CD), never twice."""
        while True:
            letters = "".join(self.rng.choices(string.ascii_uppercase, k=4))
            number = f"{letters[:2]}{self.rng.randint(0, 10**8 - 1):08d}{letters[2:]}"
            if number not in self.cards:
                self.cards.add(number)
                return number

    # -- places and Japanese text ---------------------------------------------------------------------
    def municipality(self) -> str:
        return self.rng.choice(_municipalities()).code

    def street(self, field: str = "residence_street") -> str:
        """A street address in Japan, full-width (芝大門３５丁目１１番１３号シティ３８０)."""
        fk = self.ja
        for _ in range(20):
            text = f"{fk.town()}{fk.chome()}{fk.ban()}{fk.gou()}"
            if self.rng.random() < 0.3:
                text += f"{fk.building_name()}{fk.building_number()}"
            if (value := self.checked(field, to_fullwidth(text))) is not None:
                return value
        raise RuntimeError(f"no street address for {field}")

    def checked(self, field: str, value: str) -> str | None:
        """The value when the field's validator takes it (no 外字, not too long), else None."""
        try:
            validate(catalog.field(field), value)
        except Invalid:
            return None
        return value

    def company(self) -> str:
        return self.ja.company()

    def japanese_name(self) -> str:
        return self.ja.name()

    def job(self) -> str:
        return self.ja.job()

    def text(self, limit: int) -> str:
        chars = max(10, min(limit, 80))
        return self.ja.text(max_nb_chars=chars).replace("\n", "")[:limit].strip()

    def city_abroad(self, person: Person) -> str:
        """A city of the person's country in Latin letters (their nationality's name when none is)."""
        fk = self.faker(person.locale)
        for _ in range(5):
            if city := romanise(fk.city()).title():
                return city
        return catalog.list_label("nationalities", person.nationality)

    def day(self, key: str) -> dt.date:
        """A plausible date for a field: birth dates of relatives, past events, days ahead."""
        rng = self.rng
        if "birth" in key:
            return self.today - dt.timedelta(days=rng.randint(365, 365 * 60))
        if any(word in key for word in ("expir", "entry_date", "departure", "reentry", "_to")):
            return self.today + dt.timedelta(days=rng.randint(30, 900))
        return self.today - dt.timedelta(days=rng.randint(30, 3650))

    def expiry_outside_window(self) -> dt.date:
        """A stay ending more than 3 months ahead: too early for an extension (WZBAM113E)."""
        return add_months(self.today, 4) + dt.timedelta(days=self.rng.randint(0, 150))
