"""Bulk filing over the API, edition 2024 (004 §2.5, §2.11; FAQ Q4-23–Q4-26): the file refused as a whole
with its code (WZBAM141E–145E, 001E) and nothing stored; STEP3's ticks; the worker turning sound rows into
入力完了(申請未了) and the others into one エラー(一括登録) item with its 登録エラー内容; the mail a few minutes
later, once; 169E, delete; one application at a time per person (118E); the offline validator agreeing
with the server on a file with a defect of every kind."""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from simulator.adapters.db_applications import Application, BulkInput
from simulator.domain import bulk_format
from simulator.services.bulk_offline import validate_file
from tests.support.api import Api, use_edition
from tests.support.application_flow import Unchanged, lawyer, rows
from tests.support.bulk_flow import STEP1, Bulk, csv_of, layout, professor, row_values

CARDS = ["AB12345678CD", "AB12345679CD", "AB12345680CD", "AB12345681CD"]
NAMES = ["HOUMU MIDDLE TAROU", "SATO HANAKO", "NGUYEN VAN AN", "TRAN THI BINH"]



@pytest.fixture
def people(api: Api) -> list[dict[str, Any]]:
    return [professor(api, c, n) for c, n in zip(CARDS, NAMES, strict=True)]


@pytest.fixture
def b(api: Api) -> Bulk:
    return Bulk(api, lawyer(api))


def codes(r: Any) -> list[str]:
    return [e["code"] for e in r.get_json()["errors"]]


# --- the file as a whole -----------------------------------------------------------------------------------

def test_a_file_not_ending_in_csv_is_refused_145E(app, b: Bulk, people: list) -> None:  # noqa: ANN001
    with Unchanged(app):
        assert codes(b.upload(csv_of([row_values(people[0])]), filename="教授.xlsx", expect=422)) == ["WZBAM145E"]


def test_a_file_larger_than_the_limit_is_refused_144E_without_reading_it(app, b: Bulk) -> None:  # noqa: ANN001
    big = b"x" * (5 * 1024 * 1024 + 1)
    with Unchanged(app):
        r = b.upload(big, expect=413)
    assert codes(r) == ["WZBAM144E"]


@pytest.mark.parametrize("data", [b"\x81\x00\xff\xfe garbage", "名前,年齢\r\n太郎,3\r\n".encode("cp932"),
                                  b'"unterminated,quote\r\n'])
def test_what_is_no_bulk_file_is_refused_141E(app, b: Bulk, data: bytes) -> None:  # noqa: ANN001
    with Unchanged(app):
        assert codes(b.upload(data, expect=422)) == ["WZBAM141E"]


def test_an_empty_upload_is_001E(app, b: Bulk) -> None:  # noqa: ANN001
    assert codes(b.upload(b"", expect=422)) == ["WZBAM001E"]


def test_the_file_of_another_status_or_a_row_of_another_procedure_is_143E(app, b: Bulk, people: list) -> None:  # noqa: ANN001
    engineer = bulk_format.layout("lawyer", "extension_of_stay", "engineer_specialist_humanities_international")
    with Unchanged(app):
        assert codes(b.upload(bulk_format.write_rows(engineer, [["在留期間更新許可申請"]]), expect=422)) == ["WZBAM143E"]
        other = row_values(people[1], step1={"status_of_residence": "instructor"})
        r = b.upload(csv_of([row_values(people[0]), other]), expect=422)
        assert codes(r) == ["WZBAM143E"]
        assert r.get_json()["errors"][0]["reason"] == "line 3: status_of_residence differs from STEP1"   # rasim
        # the header only: no applicant
        assert codes(b.upload(csv_of([]), expect=422)) == ["WZBAM143E"]


def test_more_than_300_persons_is_142E_and_300_is_taken(app, b: Bulk, people: list) -> None:  # noqa: ANN001
    lay = layout()
    cells = bulk_format.row_cells(lay, row_values(people[0]))
    with Unchanged(app):
        assert codes(b.upload(bulk_format.write_rows(lay, [cells] * 301), expect=422)) == ["WZBAM142E"]
    assert b.upload(bulk_format.write_rows(lay, [cells] * 300)).get_json()["rows"] == 300


def test_utf8_with_a_bom_and_the_kept_rules_row_are_read(app, b: Bulk, people: list) -> None:  # noqa: ANN001
    data = csv_of([row_values(people[0])], encoding="utf-8-sig", rules=True)
    assert data.startswith(b"\xef\xbb\xbf")
    done = b.file(data)
    assert (done["rows"], done["accepted"], done["defective"]) == (1, 1, 0)


def test_step1_is_checked_as_for_an_individual_input(app, b: Bulk, people: list) -> None:  # noqa: ANN001
    data = csv_of([row_values(people[0])])
    assert codes(b.upload(data, expect=None, status_of_residence="temporary_visitor")) == ["WZBAM117E"]
    assert codes(b.upload(data, expect=None, procedure="work_qualification_certificate")) == ["RASIM400E"]


# --- STEP3 and the worker ----------------------------------------------------------------------------------

def test_step3_needs_both_ticks_and_is_pressed_once(app, b: Bulk, people: list) -> None:  # noqa: ANN001
    bulk = b.upload(csv_of([row_values(people[0])])).get_json()
    assert bulk["state"] == "uploaded"
    assert codes(b.confirm(bulk["id"], {}, expect=400)) == ["WZBAM110E", "WZBAM122E"]
    assert codes(b.confirm(bulk["id"], {"bulk_confirmed": True, "kept_copy": False}, expect=422)) == ["WZBAM122E"]
    assert b.show(bulk["id"])["state"] == "uploaded"
    assert not rows(app, Application)
    b.confirm(bulk["id"])
    assert codes(b.confirm(bulk["id"], expect=409)) == ["RASIM454E"]


def test_another_users_upload_is_unknown(app, api: Api, b: Bulk, people: list) -> None:  # noqa: ANN001
    bulk = b.upload(csv_of([row_values(people[0])])).get_json()
    api.put_certificate(number="172015200123", kind="scrivener", name="行政花子", birth_date="1985-05-06",
                        valid_until="2030-03-31")
    other = Bulk(api, api.login(api.register_agent(email="s@example.jp", agent_certificate_number="172015200123",
                                                   name="行政花子", birth_date="1985-05-06")))
    assert codes(other.confirm(bulk["id"], expect=404)) == ["RASIM404E"]
    assert api.call("GET", f"/api/v1/bulk-inputs/{bulk['id']}", token=other.token, expect=404)


def test_sound_rows_become_applications_and_defective_ones_one_error_item(app, api: Api, b: Bulk, people: list,
                                                                          ) -> None:  # noqa: ANN001
    sound = [row_values(people[0]), row_values(people[2])]
    half_width = row_values(people[1], step2_1={"home_town": "Hanoi"})                    # 008E
    other_person = row_values(people[3] | {"name": "SOMEONE ELSE"})                        # 236E, six items
    done = b.file(csv_of([sound[0], half_width, sound[1], other_person]))
    assert (done["rows"], done["accepted"], done["defective"]) == (4, 2, 2)
    made = {a.id: a for a in rows(app, Application)}
    assert sorted(a.state for a in made.values()) == ["bulk_error", "input_complete", "input_complete"]
    assert {made[i].residence_card_number for i in done["application_ids"]} == {CARDS[0], CARDS[2]}
    item = made[done["error_application_id"]]
    assert (item.photo_state, item.document_state, item.applicant_name) == ("blank", "blank", "")
    listed = {r["id"]: r for r in b.api.call("GET", "/api/v1/applications", token=b.token).get_json()["rows"]}
    assert listed[item.id]["state_label"] == "エラー(一括登録)" and listed[item.id]["photo_label"] == ""
    assert listed[item.id]["receipt_number"] is None and listed[item.id]["receipt_prefix"] == "東オンEI"

    detail = b.errors(item.id).get_json()
    prov = detail["provisional_number"]
    assert [(e["branch"], e["line"]) for e in detail["entries"]] == [(f"{prov}-01", 3), (f"{prov}-03", 5)]
    first, second = detail["entries"]
    assert first["errors"] == [{"line": 3, "column": "身分事項_本国における居住地", "code": "WZBAM008E",
                                "message": "本国における居住地は全角で入力してください。"}]
    assert [e["code"] for e in second["errors"]] == ["WZBAM236E"] * 6
    assert all("WZBAM" not in e["message"] for e in first["errors"] + second["errors"])   # S26 shows no code


def test_the_error_mail_comes_a_few_minutes_later_and_once(app, api: Api, b: Bulk, people: list) -> None:  # noqa: ANN001
    b.file(csv_of([row_values(people[0], step2_1={"home_town": "Hanoi"})]))
    assert api.mails(kind="bulk_registration_error") == []
    api.advance(minutes=2, seconds=59)
    assert api.mails(kind="bulk_registration_error") == []
    api.advance(seconds=1)
    api.advance(days=1)
    sent = api.mails(kind="bulk_registration_error")
    assert len(sent) == 1 and sent[0]["to"] == "lawyer@example.jp"
    assert "「エラー(一括登録)」" in sent[0]["body"] and "入力完了: 0人、エラー: 1人" in sent[0]["body"]


def test_no_mail_when_every_row_is_sound(app, api: Api, b: Bulk, people: list) -> None:  # noqa: ANN001
    b.file(csv_of([row_values(people[0])]))
    api.advance(days=1)
    assert api.mails(kind="bulk_registration_error") == []


def test_169E_for_a_row_that_is_no_error_item_and_the_error_item_can_be_deleted(app, b: Bulk, people: list) -> None:  # noqa: ANN001
    done = b.file(csv_of([row_values(people[0]), row_values(people[1], step2_1={"home_town": "Hanoi"})]))
    assert codes(b.errors(done["application_ids"][0], expect=409)) == ["WZBAM169E"]
    item = done["error_application_id"]
    b.api.call("DELETE", f"/api/v1/applications/{item}", token=b.token, expect=200)
    assert b.errors(item, expect=404)
    assert [a.state for a in rows(app, Application)] == ["input_complete"]


def test_a_person_twice_or_already_in_progress_is_118E(app, b: Bulk, people: list) -> None:  # noqa: ANN001
    done = b.file(csv_of([row_values(people[0]), row_values(people[0])]))
    assert (done["accepted"], done["defective"]) == (1, 1)
    again = b.file(csv_of([row_values(people[0]), row_values(people[1])]))   # Q4-25: completed rows are not re-entered
    assert (again["accepted"], again["defective"]) == (1, 1)
    entry = b.errors(again["error_application_id"]).get_json()["entries"][0]
    assert entry["line"] == 2 and [e["code"] for e in entry["errors"]] == ["WZBAM118E"]


def test_the_worker_stores_a_batch_whole_or_not_at_all(app, b: Bulk, people: list, monkeypatch) -> None:  # noqa: ANN001
    from simulator.services import application_input

    bulk = b.upload(csv_of([row_values(people[0]), row_values(people[1]), row_values(people[2])])).get_json()
    real, made = application_input.make_application, []

    def fails_at_the_third(*args: Any, **kw: Any) -> Any:
        made.append(1)
        if len(made) == 3:
            raise RuntimeError("the worker died")
        return real(*args, **kw)

    monkeypatch.setattr(application_input, "make_application", fails_at_the_third)
    b.confirm(bulk["id"])
    # the due event fires in the next unit of work and dies at the third row: the request itself is answered
    assert b.show(bulk["id"])["state"] == "queued" and len(made) == 3
    assert not rows(app, Application)
    assert rows(app, BulkInput)[0].state == "queued"
    monkeypatch.setattr(application_input, "make_application", real)
    assert b.show(bulk["id"])["state"] == "processed"   # again, from the start
    assert b.show(bulk["id"])["accepted"] == 3 and len(rows(app, Application)) == 3


# --- one function for the server and the offline validator -------------------------------------------------

def test_the_offline_validator_reports_what_the_server_registers(app, api: Api, b: Bulk, people: list) -> None:  # noqa: ANN001
    """A file with a defect of every kind the checks know: a field rule (008E), a required field (001E), a
    when-rule (101E), a list value (005E), a date (111E), a length (003E), one of two (105E), the person (236E),
    the dates against the record (113E), one at a time (118E) — the server's 登録エラー内容 and `validate_file`
    name the same lines, columns and codes."""
    extra = [professor(api, "AB12345690CD", "DATE ONE", stay_expires_on="2025-12-31")]   # too early: 113E
    file_rows = [
        row_values(people[0]),
        row_values(people[1], step2_1={"home_town": "Hanoi"}),
        row_values(people[2], step2_1={"nationality": None}),
        row_values(people[3], step2_2={"criminal_record": "yes"}),
        row_values(people[3], step2_1={"sex_applicant": "男性"}),
        row_values(people[3], step2_1={"birth_date_applicant": "1990-02-30"}),
        row_values(people[3], step2_1={"occupation": "あ" * 41}),
        row_values(people[3], step2_2={"mobile_applicant": None}),
        row_values(people[3] | {"name": "SOMEONE ELSE"}),
        row_values(extra[0]),
        row_values(people[0]),
    ]
    data = csv_of(file_rows)
    use_edition(app, "2026")   # 003 §5.3.1: the same file read at upload, 正常 / 要確認 per row
    read = b.upload(data).get_json()
    use_edition(app, "2024")
    records = [p for p in people + extra]
    offline = validate_file(data, "教授.csv", STEP1, "2024", "lawyer",
                            [{k: v for k, v in r.items() if k not in ("id", "address_label")} for r in records],
                            dt.date(2024, 4, 1))
    done = b.file(data)
    server = [e for entry in b.errors(done["error_application_id"]).get_json()["entries"] for e in entry["errors"]]
    assert offline["defects"] == server
    assert [e for r in read["read_result"] for e in r["errors"]] == server
    # every row 要確認: the first, sound, only for the photo its applicant must have (no file holds photos)
    assert [r["status_label"] for r in read["read_result"]] == ["要確認"] * 11   # last: 118E
    assert [e["code"] for e in read["read_result"][0]["file_errors"]] == ["WZBAM179E"]
    found = {d["code"] for d in server}
    assert {"WZBAM008E", "WZBAM001E", "WZBAM101E", "WZBAM005E", "WZBAM111E", "WZBAM003E", "WZBAM105E",
            "WZBAM236E", "WZBAM113E", "WZBAM118E"} <= found, found
    assert len({d["line"] for d in server}) == len(file_rows) - 1 and done["accepted"] == 1


# --- edition 2026: read at upload, fixed online, the last upload saved ---------------------------------------

def test_2026_reads_the_file_at_upload_and_a_row_is_fixed_online(app, api: Api, b: Bulk, people: list) -> None:  # noqa: ANN001
    use_edition(app, "2026")
    bad = row_values(people[1], step2_1={"home_town": "Hanoi"})
    first = b.upload(csv_of([row_values(people[0]), bad])).get_json()
    assert first["state"] == "read" and (first["accepted"], first["defective"]) == (0, 2)
    assert [(r["line"], r["status"], r["status_label"]) for r in first["read_result"]] == [
        (2, "needs_check", "要確認"), (3, "needs_check", "要確認")]   # row 2 only for its photo (WZBAM179E)
    assert [(len(r["errors"]), len(r["file_errors"])) for r in first["read_result"]] == [(0, 1), (1, 1)]
    assert first["read_result"][1]["errors"][0]["code"] == "WZBAM008E"
    assert not rows(app, Application)   # nothing is an application before 申込む
    still = bad | {"step2_1": bad["step2_1"] | {"home_town": "Ｈａｎｏｉ", "occupation": "あ" * 41}}
    r = b.api.call("PUT", f"/api/v1/bulk-inputs/{first['id']}/rows/3", {"values": still}, token=b.token, expect=200)
    assert [e["code"] for e in r.get_json()["read_result"][1]["errors"]] == ["WZBAM003E"]   # 申込詳細 again
    fixed = bad | {"step2_1": bad["step2_1"] | {"home_town": "ハノイ市"}}
    r = b.api.call("PUT", f"/api/v1/bulk-inputs/{first['id']}/rows/3", {"values": fixed}, token=b.token, expect=200)
    assert [row["errors"] for row in r.get_json()["read_result"]] == [[], []]
    assert b.api.call("GET", "/api/v1/bulk-inputs/saved", token=b.token, expect=200).get_json()["id"] == first["id"]
    second = b.upload(csv_of([row_values(people[2])])).get_json()   # a new upload replaces the saved one
    assert b.api.call("GET", "/api/v1/bulk-inputs/saved", token=b.token, expect=200).get_json()["id"] == second["id"]
    assert [x.id for x in rows(app, BulkInput)] == [second["id"]]


def test_the_layout_of_a_choice_and_the_choice_refused_422(app, b: Bulk) -> None:  # noqa: ANN001
    got = b.api.call("GET", "/api/v1/bulk-layouts?procedure=extension_of_stay&status_of_residence=professor",
                     token=b.token, expect=200).get_json()
    assert [c["header"] for s in got["sheets"] for c in s["columns"]] == layout().headers
    assert got["max_rows"] == 300 and got["encoding"] == "cp932"
    refused = b.api.call("GET", "/api/v1/bulk-layouts?procedure=&status_of_residence=", token=b.token, expect=422)
    assert codes(refused) == ["WZBAM001E", "WZBAM001E"]
