"""Choosing a procedure and My Page, edition 2026 (seed 003): [オンライン申請手続き] — [手続き一覧] with its sort and
page size (§4.1), [キーワードで探す] (§8.1: words separated by spaces, all of them; 類義語検索) —, [手続き説明] and
[同意する] (§4.1, §6.2), the favourites (§9.2) and [利用者詳細] (§9.3).

Words: a procedure is named by its 手続き名 as [手続き一覧] prints it; 「手続き一覧」 is the last list or search
result shown; a list of names is written 「A」「B」… in the order shown."""
from __future__ import annotations

import re
from typing import Any

from pytest_bdd import parsers, step, then, when

from conformance.steps.applications_common import _as, _procedure
from conformance.steps.world import World, expect_ok

SORTS = {"受付開始日時 降順": "desc", "受付開始日時 昇順": "asc"}
FAVOURITE_LABELS = {"★ お気に入り登録済": True, "★ お気に入り登録": False}
KINDS = {"一人ずつの申請": "application", "一括申請": "bulk"}


def _names(quoted: str) -> list[str]:
    return re.findall(r"「([^」]+)」", quoted)


def _shown(world: World) -> dict[str, Any]:
    found = world.scratch.get("procedure_list")
    assert found is not None, "no 手続き一覧 has been shown in this scenario"
    return found


def _key(world: World, who: str, name: str) -> str:
    """The key of the procedure named so, from the whole 手続き一覧 (every page)."""
    page, seen = 1, []
    while True:
        found = expect_ok(_as(world, who, lambda t, n=page: world.client.search_procedures(t, page=n, per_page=20)),
                          "searchProcedures")
        for p in found["procedures"]:
            if p["name"] == name:
                return p["key"]
            seen.append(p["name"])
        if found["page"] >= found["pages"]:
            break
        page += 1
    raise AssertionError(f"no procedure 「{name}」 in 手続き一覧: {seen}")


def _list(world: World, who: str, **params: Any) -> None:
    reply = world.record(_as(world, who, lambda t: world.client.search_procedures(t, **params)))
    world.scratch["procedure_list"] = expect_ok(reply, "searchProcedures")


# -- [手続き一覧] and [キーワードで探す] --------------------------------------------------------------------------

@when(parsers.parse("「{who}」が手続き一覧を表示する"))
def show_list(world: World, who: str) -> None:
    _list(world, who)


@when(parsers.re(r"「(?P<who>[^」]+)」が手続き一覧を「(?P<sort>受付開始日時 (?:降順|昇順))」「(?P<per>\d+)件ずつ表示」の"
                 r"(?P<page>\d+)ページ目で表示する"))
def show_list_page(world: World, who: str, sort: str, per: str, page: str) -> None:
    _list(world, who, sort=SORTS[sort], per_page=int(per), page=int(page))


@when(parsers.re(r"「(?P<who>[^」]+)」がキーワード「(?P<words>[^」]+)」で(?P<syn>類義語検索を行って)?手続きを検索する"))
def search(world: World, who: str, words: str, syn: str | None) -> None:
    _list(world, who, keywords=words, synonyms=bool(syn))


@then(parsers.re(r"手続き一覧に表示される手続きは(?P<names>(?:「[^」]+」)+)の順である"))
def list_is(world: World, names: str) -> None:
    got = [p["name"] for p in _shown(world)["procedures"]]
    assert got == _names(names), f"手続き一覧: {got}"


@then(parsers.parse("検索結果は{n:d}件である"))
def hits(world: World, n: int) -> None:
    found = _shown(world)
    assert found["total"] == n, f"検索結果 {found['total']} 件: {[p['name'] for p in found['procedures']]}"


@then(parsers.parse("手続き一覧は{pages:d}ページあり、このページには{n:d}件の手続きが表示される"))
def pages_of(world: World, pages: int, n: int) -> None:
    found = _shown(world)
    assert (found["pages"], len(found["procedures"])) == (pages, n), found


@then(parsers.parse("手続き一覧の手続き「{name}」の受付開始は「{when}」、受付終了は「{until}」である"))
def accepts(world: World, name: str, when: str, until: str) -> None:
    rows = [p for p in _shown(world)["procedures"] if p["name"] == name]
    assert rows, f"「{name}」 is not in 手続き一覧"
    assert rows[0]["accepts_from_text"] == when, rows[0]
    assert (rows[0]["accepts_until_text"] or "随時") == until, rows[0]


@then("手続き一覧のどの手続きも受付終了は「随時」である")
def all_anytime(world: World) -> None:
    rows = _shown(world)["procedures"]
    assert rows and all(p["accepts_until"] is None for p in rows), rows


# -- [手続き説明] and [同意する] -------------------------------------------------------------------------------

@step(parsers.parse("「{who}」が手続き「{name}」の手続き説明を表示する"))
def show_detail(world: World, who: str, name: str) -> None:
    key = _key(world, who, name)
    reply = world.record(_as(world, who, lambda t: world.client.procedure(t, key)))
    world.scratch["procedure"] = expect_ok(reply, "getProcedure")
    assert world.scratch["procedure"]["name"] == name, world.scratch["procedure"]


def _detail(world: World) -> dict[str, Any]:
    proc = world.scratch.get("procedure")
    assert proc, "no 手続き説明 has been shown in this scenario"
    return proc


@then(parsers.parse("手続き説明の問い合わせ先は「{name}」、電話番号は「{phone}」である"))
def contact(world: World, name: str, phone: str) -> None:
    c = _detail(world)["contact"]
    assert (c["name"], c["phone"]) == (name, phone), c


@then(parsers.parse("手続き説明のダウンロードファイル1は「{file}」である"))
def download(world: World, file: str) -> None:
    files = _detail(world)["downloads"]
    assert files and files[0]["name"] == file and files[0]["url"], files


@then(parsers.parse("手続き説明の説明は「{text}」である"))
def description(world: World, text: str) -> None:
    assert _detail(world)["description"] == text, _detail(world)


@when(parsers.parse("「{who}」が手続き「{name}」の手続き説明で「同意する」を押す"))
def agree(world: World, who: str, name: str) -> None:
    key = _key(world, who, name)
    reply = world.record(_as(world, who, lambda t: world.client.agree_procedure(t, key)))
    world.scratch["agreement"] = reply.json if reply.ok else None
    world.scratch["agreement_by"] = who


@then(parsers.re(r"「(?P<procedure>[^」]+)」の(?P<kind>一人ずつの申請|一括申請)の入力に進む"))
def leads_to(world: World, procedure: str, kind: str) -> None:
    out = world.scratch.get("agreement")
    assert out, f"[同意する] was refused: {world.last_reply().describe()}"
    assert out["kind"] == KINDS[kind] and out["files"] == _procedure(procedure), out
    assert out["url"], f"the target serves no input screen for it: {out}"


@then(parsers.parse("「{who}」が手続き「{name}」の利用規約に同意したことが記録されている"))
def agreement_audited(world: World, who: str, name: str) -> None:
    p = world.person(who)
    key = _key(world, who, name)
    entries = expect_ok(world.client.audit_entries(action="procedure.terms_accepted", target=p.auth_id),
                        "listAuditEntries")["entries"]
    assert any((e.get("detail") or {}).get("procedure") == key for e in entries), entries


# -- お気に入り (§9.2) ------------------------------------------------------------------------------------------

@step(parsers.parse("「{who}」が手続き「{name}」をお気に入りに登録する"))
def add_favourite(world: World, who: str, name: str) -> None:
    key = _key(world, who, name)
    world.record(_as(world, who, lambda t: world.client.add_favourite_procedure(t, key)))


@when(parsers.parse("「{who}」が手続き「{name}」をお気に入りから削除する"))
def delete_favourite(world: World, who: str, name: str) -> None:
    key = _key(world, who, name)
    world.record(_as(world, who, lambda t: world.client.delete_favourite_procedure(t, key)))


@then(parsers.re(r"「(?P<who>[^」]+)」の手続き説明で手続き「(?P<name>[^」]+)」は"
                 r"「(?P<label>★ お気に入り登録済|★ お気に入り登録)」と表示される"))
def favourite_mark(world: World, who: str, name: str, label: str) -> None:
    key = _key(world, who, name)
    proc = expect_ok(_as(world, who, lambda t: world.client.procedure(t, key)), "getProcedure")
    assert proc["favourite"] is FAVOURITE_LABELS[label], proc


@then(parsers.re(r"「(?P<who>[^」]+)」のお気に入り手続き一覧は(?P<names>(?:「[^」]+」)+)である"))
def favourites_are(world: World, who: str, names: str) -> None:
    got = expect_ok(_as(world, who, world.client.favourite_procedures), "listFavouriteProcedures")["procedures"]
    assert [p["name"] for p in got] == _names(names), got
    assert all(p["accepts_from_text"] and p["accepts_until"] is None for p in got), got


@step(parsers.parse("「{who}」のお気に入り手続き一覧は空である"))
def favourites_empty(world: World, who: str) -> None:
    got = expect_ok(_as(world, who, world.client.favourite_procedures), "listFavouriteProcedures")["procedures"]
    assert got == [], got


# -- [利用者詳細] (§9.3) ---------------------------------------------------------------------------------------

@when(parsers.parse("「{who}」が利用者詳細を表示する"))
def show_user_detail(world: World, who: str) -> None:
    reply = world.record(_as(world, who, world.client.user_detail))
    world.scratch["user_detail"] = expect_ok(reply, "getUserDetail")["rows"]


@then(parsers.re(r"利用者詳細の項目は(?P<names>(?:「[^」]+」)+)の順である"))
def user_detail_rows(world: World, names: str) -> None:
    rows = world.scratch["user_detail"]
    assert [r["label"] for r in rows] == _names(names), rows


@then(parsers.re(r"利用者詳細の「(?P<label>利用者ID|メールアドレス|氏名 \(英字\))」は「(?P<who>[^」]+)」の(?:もの|利用者ID|"
                 r"メールアドレス|氏名)である"))
def user_detail_value(world: World, label: str, who: str) -> None:
    p = world.person(who)
    expected = {"利用者ID": p.auth_id, "メールアドレス": p.email, "氏名 (英字)": p.name}[label]
    rows = {r["label"]: r["value"] for r in world.scratch["user_detail"]}
    assert rows.get(label) == expected, (label, rows)


@then(parsers.parse("利用者詳細の「{label}」は「{value}」である"))
def user_detail_is(world: World, label: str, value: str) -> None:
    rows = {r["label"]: r["value"] for r in world.scratch["user_detail"]}
    assert rows.get(label) == value, (label, rows)
