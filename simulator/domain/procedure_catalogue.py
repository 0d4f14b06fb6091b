"""The procedure catalogue of the current system (003 §4.1 [オンライン申請手続き], §8.1 キーワードで探す): the rows of
catalog/online_procedures.csv for an edition, the keyword search (words separated by spaces, ASCII or full-width;
several words: all of them, AND; with 類義語検索 a word also matches its synonyms), the two orders of the sort
pulldown and the pages of [手続き一覧]. No Flask, no SQL."""
from __future__ import annotations

import datetime as dt
import math
import unicodedata
from dataclasses import dataclass

SORTS = ("desc", "asc")          # 「受付開始日時 降順」 (the default), 昇順
PAGE_SIZES = (10, 20)            # 「10件ずつ表示」 (the default); 20: rasim


@dataclass(frozen=True)
class OnlineProcedure:
    key: str
    name_ja: str
    kind: str                    # application | bulk | usage_request | periodic_report | receipt_method_change |
                                 # notification_system (the 電子届出システム's entry users must not pick)
    procedure: str               # the key of catalog/procedures.csv it files, where it files one
    start: str                   # the endpoint of its input screen; empty: none ([同意する] refuses)
    accepts_from: dt.datetime
    accepts_until: dt.datetime | None   # None: 「随時」
    description_ja: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_fax: str = ""
    contact_email: str = ""
    downloads: tuple[tuple[str, str], ...] = ()   # (name, url)

    @property
    def searchable(self) -> str:
        """What a keyword is looked for in: the name and the 説明 (rasim: 003 §8.1 does not say)."""
        return normalise(self.name_ja + "\n" + self.description_ja)


def of_row(row: dict[str, str]) -> OnlineProcedure:
    downloads = []
    n = 1
    while row.get(f"download_{n}_name"):
        downloads.append((row[f"download_{n}_name"], row.get(f"download_{n}_url", "")))
        n += 1
    return OnlineProcedure(
        key=row["key"], name_ja=row["name_ja"], kind=row["kind"], procedure=row.get("procedure", ""),
        start=row.get("start", ""), accepts_from=dt.datetime.fromisoformat(row["accepts_from"]),
        accepts_until=dt.datetime.fromisoformat(row["accepts_until"]) if row.get("accepts_until") else None,
        description_ja=row.get("description_ja", ""), contact_name=row.get("contact_name", ""),
        contact_phone=row.get("contact_phone", ""), contact_fax=row.get("contact_fax", ""),
        contact_email=row.get("contact_email", ""), downloads=tuple(downloads))


def normalise(text: str) -> str:
    """Full-width and half-width forms alike (ＣＯＥ = COE, （ = (), case ignored."""
    return unicodedata.normalize("NFKC", text).casefold()


def keywords(text: str) -> list[str]:
    """The words of the search box: separated by spaces, ASCII or full-width (str.split takes U+3000 too)."""
    return [w for w in normalise(text or "").split() if w]


def synonym_groups(rows: list[str]) -> list[frozenset[str]]:
    """Each catalogue row is one group of words that are synonyms of each other (space-separated)."""
    return [frozenset(keywords(r)) for r in rows if r.strip()]


def alternatives(word: str, groups: list[frozenset[str]]) -> set[str]:
    out = {word}
    for group in groups:
        if word in group:
            out |= group
    return out


def matches(proc: OnlineProcedure, words: list[str], groups: list[frozenset[str]] | None = None) -> bool:
    """Every word (or, with synonyms, one of its synonyms) is in the procedure's name or 説明."""
    text = proc.searchable
    return all(any(alt in text for alt in (alternatives(w, groups) if groups else {w})) for w in words)


def search(procs: list[OnlineProcedure], text: str, groups: list[frozenset[str]] | None = None) -> list[OnlineProcedure]:
    words = keywords(text)
    return [p for p in procs if matches(p, words, groups)] if words else list(procs)


def ordered(procs: list[OnlineProcedure], sort: str) -> list[OnlineProcedure]:
    """By 受付開始日時; equal times keep the catalogue's order (the seed's list shows them so)."""
    if sort not in SORTS:
        raise ValueError(sort)
    return sorted(procs, key=lambda p: p.accepts_from, reverse=sort == "desc")


@dataclass(frozen=True)
class Page:
    items: list[OnlineProcedure]
    total: int
    page: int
    pages: int
    per_page: int


def paginate(procs: list[OnlineProcedure], page: int, per_page: int) -> Page:
    """One page of [手続き一覧]; a page past the last shows the last (rasim), an empty list has one page."""
    if per_page not in PAGE_SIZES:
        raise ValueError(per_page)
    pages = max(1, math.ceil(len(procs) / per_page))
    page = min(max(1, page), pages)
    start = (page - 1) * per_page
    return Page(procs[start:start + per_page], len(procs), page, pages, per_page)


def list_time(when: dt.datetime) -> str:
    """As [手続き一覧] prints it: 「2025年10月20日 00時00分」."""
    return f"{when.year}年{when.month:02d}月{when.day:02d}日 {when.hour:02d}時{when.minute:02d}分"


def period_time(when: dt.datetime) -> str:
    """As [手続き説明] prints 受付時期: 「2025年8月18日9時30分」."""
    return f"{when.year}年{when.month}月{when.day}日{when.hour}時{when.minute:02d}分"
