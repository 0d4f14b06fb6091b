"""[申込一覧] and [申込詳細] of the current system (seed 003 §7.1), through GET /api/v1/submissions and
/api/v1/submissions/{id}: [キーワードで探す] by 関連情報 (受付仮番号, 受付番号, 氏名), by 手続き名 (keywords separated by
spaces, all of them) and by 申込日 (YYYYMMDD), 並び替え, 表示数変更 and the pages, and 「修正する >」 on 申込詳細.

Words: an application is named by its applicant (「タロウ」の申請); a day is written as the base day 「D」 or
relative to it (「D+1日」) and sent as YYYYMMDD, anything else is sent as written; the last search is 「申込一覧」."""
from __future__ import annotations

from typing import Any

from pytest_bdd import given, parsers, then, when

from conformance.steps.applications_common import _application_id, _as, _row
from conformance.steps.applications_input import given_submitted
from conformance.steps.applications_people import new_applicant
from conformance.steps.world import World, expect_ok

SORTS = {"申込日時 降順": "applied_at_desc", "申込日時 昇順": "applied_at_asc"}
WHO = r"「(?P<who>[^」]+)」"
LAST = "list_2026"


def _day(world: World, text: str) -> str:
    """「D+1日」 → 20240402; anything not relative to 「D」 as written (to see it refused)."""
    if not text.startswith("D"):
        return text
    return world.when(text)[:10].replace("-", "")


def _search(world: World, who: str, **query: Any) -> None:
    kept = world.scratch.get(f"{LAST}:query", {})
    query = {**{k: v for k, v in kept.items() if k in ("sort", "per_page")}, **query}
    reply = world.record(_as(world, who, lambda t: world.client.submissions(t, **query)))
    world.scratch[f"{LAST}:query"] = query
    if reply.ok:
        world.scratch[LAST] = reply.json


def _found(world: World) -> dict[str, Any]:
    found = world.scratch.get(LAST)
    assert found is not None, "no 申込一覧 was shown in this scenario (or the last search was refused)"
    return found


def _ids(world: World, applicants: str) -> list[int]:
    return [_application_id(world, a) for a in applicants.replace("」「", "」、「").strip("「」").split("」、「")]


@given(parsers.re(WHO + r"が申請人(?P<n>\d+)人の「(?P<procedure>[^」]+)」をそれぞれ申請している"))
def many_submitted(world: World, who: str, n: str, procedure: str) -> None:
    for i in range(1, int(n) + 1):
        new_applicant(world, f"申請人{i}")
        given_submitted(world, who, f"申請人{i}", procedure, None)


@when(parsers.re(WHO + r"が申込一覧を関連情報「(?P<text>[^」]+)」で検索する"))
def by_related(world: World, who: str, text: str) -> None:
    _search(world, who, related=text)


@when(parsers.re(WHO + r"が申込一覧を関連情報に「(?P<applicant>[^」]+)」の申請の(?P<item>申請受付番号|申請受付仮番号)の"
                 r"下6桁を入れて検索する"))
def by_number(world: World, who: str, applicant: str, item: str) -> None:
    row = _row(world, applicant)
    number = row["receipt_number"] if item == "申請受付番号" else row["provisional_number"]
    assert number, f"「{applicant}」の申請 has no {item} yet"
    _search(world, who, related=number[-6:])


@when(parsers.re(WHO + r"が申込一覧を手続き名「(?P<words>[^」]+)」で検索する"))
def by_procedure_name(world: World, who: str, words: str) -> None:
    _search(world, who, procedure_name=words)


@when(parsers.re(WHO + r"が申込一覧を申込日「(?P<start>[^」]*)」から(?:「(?P<end>[^」]*)」まで)?で検索する"))
def by_day(world: World, who: str, start: str, end: str | None) -> None:
    _search(world, who, applied_from=_day(world, start), applied_to=_day(world, end or ""))


@when(parsers.re(WHO + r"が申込一覧を「(?P<order>申込日時 降順|申込日時 昇順)」で並び替える"))
def sorted_by(world: World, who: str, order: str) -> None:
    _search(world, who, sort=SORTS[order])


@when(parsers.re(WHO + r"が申込一覧を「(?P<n>\d+)件ずつ表示」にして(?P<page>\d+)ページ目を表示する"))
def paged(world: World, who: str, n: str, page: str) -> None:
    _search(world, who, per_page=n, page=page)


@then(parsers.re(r"申込一覧には(?P<applicants>「[^」]+」(?:「[^」]+」)*)の申請(?:だけ|がこの順に)が?表示される"))
def listed(world: World, applicants: str) -> None:
    shown = [r["id"] for r in _found(world)["rows"]]
    assert shown == _ids(world, applicants), f"申込一覧 shows the applications {shown}"


@then("申込一覧には申請が表示されない")
def nothing_listed(world: World) -> None:
    found = _found(world)
    assert found["total"] == 0 and found["rows"] == [], f"申込一覧 shows {found['total']} applications"


@then(parsers.re(r"申込一覧は全(?P<total>\d+)件、(?P<pages>\d+)ページ中(?P<page>\d+)ページ目で、(?P<rows>\d+)件が表示される"))
def page_shown(world: World, total: str, pages: str, page: str, rows: str) -> None:
    found = _found(world)
    got = (found["total"], found["pages"], found["page"], len(found["rows"]))
    assert got == (int(total), int(pages), int(page), int(rows)), f"total, pages, page, rows: {got}"


@then(parsers.re(r"申込一覧の行は申込日時の(?P<order>新しい|古い)順に並んでいる"))
def ordered(world: World, order: str) -> None:
    times = [r["applied_at"] for r in _found(world)["rows"]]
    assert len(times) > 1 and times == sorted(times, reverse=order == "新しい"), f"申込日時: {times}"


@then(parsers.re(WHO + r"の「(?P<applicant>[^」]+)」の申請の申込詳細に「修正する」が(?P<shown>ある|ない)"))
def correction_offered(world: World, who: str, applicant: str, shown: str) -> None:
    app_id = _application_id(world, applicant)
    detail = expect_ok(_as(world, who, lambda t: world.client.submission(t, app_id)), "getSubmission")
    assert detail["correctable"] is (shown == "ある"), f"処理状況 {detail['state_label']}: correctable {detail['correctable']}"


# -- the 申込 that are not residence applications (003 §7.2: 利用申出 and 定期報告 are corrected from [申込一覧]) --------

def _request_row(world: World, who: str, procedure: str) -> dict[str, Any]:
    from conformance.steps.submissions_2026 import _mine

    rid = _mine(world, who, procedure)["id"]
    rows = [r for r in _found(world)["rows"] if r.get("kind") == "procedure_request" and r["id"] == rid]
    assert rows, f"申込一覧 does not show the 「{procedure}」 of 「{who}」: {_found(world)['rows']}"
    return rows[0]


@then(parsers.re(r"申込一覧には" + WHO + r"の「(?P<procedure>利用申出|定期報告)」が「(?P<label>[^」]+)」として表示される"))
def request_listed(world: World, who: str, procedure: str, label: str) -> None:
    row = _request_row(world, who, procedure)
    assert (row["procedure_name"], row["state_label"]) == (procedure, label), f"the row shows {row}"


@then(parsers.re(WHO + r"の「(?P<procedure>利用申出|定期報告)」の申込詳細に「修正する」が(?P<shown>ある|ない)"))
def request_correction_offered(world: World, who: str, procedure: str, shown: str) -> None:
    row = _request_row(world, who, procedure)
    detail = expect_ok(_as(world, who, lambda t: world.client.submission_of_kind(t, row["kind"], row["id"])),
                       "getProcedureRequestSubmission")
    assert detail["correctable"] is (shown == "ある"), f"処理状況 {detail['state_label']}: correctable {detail['correctable']}"
