"""The pure rules of the procedure catalogue (003 §4.1, §8.1): keywords split on ASCII and full-width spaces, all
of them found (AND), synonyms, the stable sort of equal 受付開始日時, and the pages of [手続き一覧]."""
from __future__ import annotations

import datetime as dt

import pytest

from simulator.domain import procedure_catalogue as pc


def proc(key: str, name: str, when: str, description: str = "") -> pc.OnlineProcedure:
    return pc.OnlineProcedure(key, name, "application", "", "", dt.datetime.fromisoformat(when), None, description)


CATALOGUE = [proc("a", "在留資格変更許可申請", "2025-10-15T00:00"), proc("b", "在留資格取得許可申請", "2025-10-15T00:00"),
             proc("c", "受領方法変更申出", "2025-08-18T09:30"), proc("d", "ＣＯＥの申請", "2025-10-20T00:00", "説明に更新")]


def keys(procs: list[pc.OnlineProcedure]) -> list[str]:
    return [p.key for p in procs]


def test_keywords_split_on_ascii_and_full_width_spaces_and_all_must_match() -> None:
    assert pc.keywords(" 在留資格　変更  許可 ") == ["在留資格", "変更", "許可"]
    assert keys(pc.search(CATALOGUE, "在留資格　変更")) == ["a"]
    assert keys(pc.search(CATALOGUE, "変更")) == ["a", "c"]
    assert keys(pc.search(CATALOGUE, "")) == ["a", "b", "c", "d"]


def test_full_width_letters_match_and_the_description_is_searched() -> None:
    assert keys(pc.search(CATALOGUE, "coe")) == ["d"]
    assert keys(pc.search(CATALOGUE, "更新")) == ["d"]


def test_synonyms_only_when_asked() -> None:
    groups = pc.synonym_groups(["受領 受取", "延長 更新"])
    assert keys(pc.search(CATALOGUE, "受取")) == []
    assert keys(pc.search(CATALOGUE, "受取", groups)) == ["c"]
    assert keys(pc.search(CATALOGUE, "受取 申出", groups)) == ["c"]


def test_equal_times_keep_the_catalogue_order_in_both_directions() -> None:
    assert keys(pc.ordered(CATALOGUE, "desc")) == ["d", "a", "b", "c"]
    assert keys(pc.ordered(CATALOGUE, "asc")) == ["c", "a", "b", "d"]
    with pytest.raises(ValueError):
        pc.ordered(CATALOGUE, "random")


def test_pages() -> None:
    many = [proc(str(i), f"手続{i}", "2025-01-01T00:00") for i in range(12)]
    first, last = pc.paginate(many, 1, 10), pc.paginate(many, 9, 10)
    assert (first.pages, len(first.items), last.page, len(last.items)) == (2, 10, 2, 2)
    assert pc.paginate([], 1, 20).pages == 1
    with pytest.raises(ValueError):
        pc.paginate(many, 1, 15)


def test_the_two_date_formats_of_the_seed() -> None:
    when = dt.datetime(2025, 8, 18, 9, 30)
    assert pc.list_time(when) == "2025年08月18日 09時30分"
    assert pc.period_time(when) == "2025年8月18日9時30分"
