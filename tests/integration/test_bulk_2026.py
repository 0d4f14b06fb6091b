"""一括申請, edition 2026 (003 §5.3.3–§5.3.5) over the API: a row's photo (縦4:横3, replaced) and PDFs (20 files
and 25 MB with the photo; a restricted PDF refused), [削除]; [申込む] refused while a row is 要確認 and then
each row an application in 申請完了 with its files, the 一括申請番号 and 一括申請件数, and the mails per
applicant (申込完了, 受付仮番号 to the user and the applicant, the 申請受付番号 the next day)."""
from __future__ import annotations

from typing import Any

import pytest

from simulator.adapters.db_applications import Application, Attachment, BulkInput, StoredFile
from tests.support.api import Api, use_edition
from tests.support.application_flow import Unchanged, jpeg, lawyer, pdf, rows
from tests.support.bulk_flow import Bulk, csv_of, professor, row_values

CARDS = ["AB12345678CD", "AB12345679CD"]
NAMES = ["HOUMU MIDDLE TAROU", "SATO HANAKO"]



@pytest.fixture
def tokens(app: Any, api: Api) -> dict[str, str]:
    """A lawyer and a scrivener (registered as the 2024 system registers them), then the 2026 system."""
    from tests.support.application_flow import scrivener

    made = {"lawyer": lawyer(api), "scrivener": scrivener(api)}
    use_edition(app, "2026")
    return made


@pytest.fixture
def b(api: Api, tokens: dict[str, str]) -> Bulk:
    return Bulk(api, tokens["lawyer"])


@pytest.fixture
def read(b: Bulk, api: Api) -> dict[str, Any]:
    """Two sound rows read (both 要確認 for their photos only)."""
    people = [professor(api, c, n) for c, n in zip(CARDS, NAMES, strict=True)]
    first = row_values(people[0], step2_1={"applicant_email": "taro@example.jp"})
    second = row_values(people[1], step2_1={"applicant_email": "hanako@example.jp"})
    return b.upload(csv_of([first, second])).get_json()


def row_url(bulk: dict[str, Any], line: int, what: str = "") -> str:
    return f"/api/v1/bulk-inputs/{bulk['id']}/rows/{line}" + what


def photo(b: Bulk, bulk: dict, line: int, data: bytes, filename: str = "face.jpg", expect: int | None = 200) -> Any:
    return b.api.call("PUT", row_url(bulk, line, f"/photo?filename={filename}"), None, token=b.token, data=data,
                      content_type="image/jpeg", expect=expect)


def document(b: Bulk, bulk: dict, line: int, data: bytes, filename: str = "資料.pdf", expect: int | None = 201) -> Any:
    return b.api.call("POST", row_url(bulk, line, f"/documents?filename={filename}"), None, token=b.token, data=data,
                      content_type="application/pdf", expect=expect)


def submit(b: Bulk, bulk: dict, expect: int | None = 201) -> Any:
    return b.api.call("POST", f"/api/v1/bulk-inputs/{bulk['id']}/submission", {}, token=b.token, expect=expect)


def row(answer: Any, line: int) -> dict[str, Any]:
    return next(r for r in answer.get_json()["read_result"] if r["line"] == line)


def test_a_photo_of_4_to_3_makes_the_row_normal_and_a_second_replaces_it(app: Any, b: Bulk, read: dict) -> None:
    assert [r["status_label"] for r in read["read_result"]] == ["要確認", "要確認"]
    r = photo(b, read, 2, jpeg(300, 400))
    assert row(r, 2)["status_label"] == "正常" and row(r, 2)["photo"]["filename"] == "face.jpg"
    assert (r.get_json()["accepted"], r.get_json()["defective"]) == (1, 1)
    r = photo(b, read, 2, jpeg(600, 800), filename="face2.jpeg")
    assert row(r, 2)["photo"]["filename"] == "face2.jpeg" and row(r, 2)["files"] == 1
    assert len(rows(app, StoredFile)) == 1   # the first photo is gone


@pytest.mark.parametrize(("data", "filename", "code"), [
    (jpeg(400, 400), "face.jpg", "RASIM455E"),       # square
    (jpeg(400, 300), "face.jpg", "RASIM455E"),       # 3:4 (landscape)
    (jpeg(300, 400), "face.png", "WZBAM148E"),
    (b"", "face.jpg", "WZBAM146E"),
    (b"GIF89a....", "face.jpg", "WZBAM149E"),
], ids=["square", "landscape", "png-name", "empty", "not-jpeg"])
def test_a_photo_the_rules_refuse_stores_nothing(app: Any, b: Bulk, read: dict, data: bytes, filename: str,
                                                  code: str) -> None:
    with Unchanged(app):
        assert Api.codes(photo(b, read, 2, data, filename, expect=422)) == [code]


def test_documents_up_to_20_files_with_the_photo_and_delete(app: Any, b: Bulk, read: dict) -> None:
    photo(b, read, 2, jpeg(300, 400))
    one = pdf()
    for _ in range(19):
        r = document(b, read, 2, one)
    assert row(r, 2)["files"] == 20 and len(row(r, 2)["documents"]) == 19
    with Unchanged(app):
        assert Api.codes(document(b, read, 2, one, expect=422)) == ["RASIM456E"]
    gone = row(r, 2)["documents"][0]["file_id"]
    r = b.api.call("DELETE", row_url(read, 2, f"/files/{gone}"), token=b.token, expect=200)
    assert row(r, 2)["files"] == 19
    document(b, read, 2, one)   # room again
    # another row's file is not this row's
    b.api.call("DELETE", row_url(read, 3, f"/files/{row(r, 2)['photo']['file_id']}"), token=b.token, expect=404)


def test_25_mb_together_with_the_photo(app: Any, b: Bulk, read: dict) -> None:
    overhead = len(pdf(padding=1)) - 1
    big = pdf(padding=(25 * 1024 * 1024 - 400) // 2 - overhead)   # two of them leave 400 bytes
    document(b, read, 2, big)
    document(b, read, 2, big)
    face = jpeg(300, 400)
    assert 25 * 1024 * 1024 - 2 * len(big) < len(face)
    with Unchanged(app):
        assert Api.codes(photo(b, read, 2, face, expect=413)) == ["RASIM457E"]
        assert Api.codes(document(b, read, 2, pdf(), expect=413)) == ["RASIM457E"]


def test_a_restricted_or_broken_pdf_is_refused_in_2026_and_no_pdf_is_185E(app: Any, b: Bulk, read: dict) -> None:
    with Unchanged(app):
        assert Api.codes(document(b, read, 2, pdf(encrypt=True), expect=422)) == ["RASIM458E"]
        assert Api.codes(document(b, read, 2, b"%PDF-1.7 not really", expect=422)) == ["RASIM458E"]
        assert Api.codes(document(b, read, 2, b"GIF89a not a pdf", expect=422)) == ["WZBAM185E"]
        assert Api.codes(document(b, read, 2, pdf(), filename="資料.docx", expect=422)) == ["WZBAM185E"]


def test_apply_is_refused_while_a_row_needs_checking_then_every_row_is_filed(app: Any, api: Api, b: Bulk,
                                                                           read: dict) -> None:
    photo(b, read, 2, jpeg(300, 400))
    document(b, read, 2, pdf())
    with Unchanged(app):
        r = submit(b, read, expect=409)
    assert [(e["code"], e.get("field")) for e in r.get_json()["errors"]] == [
        ("RASIM459E", "bulk_input_id"), ("WZBAM179E", "line:3")]
    photo(b, read, 3, jpeg(300, 400))
    done = submit(b, read).get_json()
    assert done["state"] == "submitted" and done["count"] == 2
    assert done["bulk_number"].startswith("B2024") and len(done["bulk_number"]) == 15
    made = sorted(rows(app, Application), key=lambda a: a.id)
    # 処理待ち until the 申請受付番号 (rasim reading of 003 §7.1), then 申請完了
    assert [a.state for a in made] == ["pending", "pending"] and all(a.provisional_number for a in made)
    assert [a.photo_state for a in made] == ["registered", "registered"]
    assert [a.document_state for a in made] == ["registered", "none"]
    assert all(x.application_id and x.bulk_input_id is None for x in rows(app, Attachment))
    # mails per applicant: 申込完了 to the user, 受付仮番号 to the user and to the applicant
    assert len(api.mails(to="lawyer@example.jp", kind="application_completed")) == 2
    assert len(api.mails(to="lawyer@example.jp", kind="application_received")) == 2
    for email in ("taro@example.jp", "hanako@example.jp"):
        assert len(api.mails(to=email, kind="application_received")) == 1
        assert api.mails(to=email, kind="receipt_number_issued") == []
    completed = api.mails(to="lawyer@example.jp", kind="application_completed")[0]
    assert done["bulk_number"] in completed["body"] and completed["from"].endswith("@rasens-immi.moj.go.jp")
    # applied once: not again, not resumed, no more files
    submit(b, read, expect=404)
    b.api.call("GET", "/api/v1/bulk-inputs/saved", token=b.token, expect=404)
    photo(b, read, 2, jpeg(300, 400), expect=404)
    api.advance(days=1)
    for email in ("lawyer@example.jp", "taro@example.jp", "hanako@example.jp"):
        assert api.mails(to=email, kind="receipt_number_issued"), email
    assert [a.state for a in rows(app, Application)] == ["submitted", "submitted"]


def test_a_person_filed_meanwhile_refuses_the_whole_118E(app: Any, api: Api, b: Bulk, read: dict) -> None:
    for line in (2, 3):
        photo(b, read, line, jpeg(300, 400))
    again = b.upload(csv_of([row_values(professor(api, CARDS[0], NAMES[0]))])).get_json()   # replaces the saved
    assert [x.id for x in rows(app, BulkInput)] == [again["id"]]
    photo(b, again, 2, jpeg(300, 400))
    submit(b, again)
    other = b.upload(csv_of([row_values(professor(api, CARDS[0], NAMES[0]))])).get_json()
    assert [e["code"] for e in other["read_result"][0]["errors"]] == ["WZBAM118E"]


def test_files_of_another_users_upload_are_unknown(app: Any, api: Api, b: Bulk, read: dict,
                                                   tokens: dict[str, str]) -> None:
    other = Bulk(api, tokens["scrivener"])
    with Unchanged(app):
        photo(other, read, 2, jpeg(300, 400), expect=404)
        document(other, read, 2, pdf(), expect=404)
        submit(other, read, expect=404)
