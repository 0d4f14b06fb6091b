"""一括申請, edition 2026 (seed 003 §5.2–§5.3.5): the upload answers [一括申請読込結果] at once, 正常 or 要確認 per
row; a row is fixed on [申込詳細] (「修正する」), its photo and PDFs attached; [申込む] when every row is 正常 gives
the 一括申請番号 and 一括申請件数. The file is made as in bulk.py (from the target's getBulkLayout); a row is named
by its applicant, its line being the applicant's place in the file (the header is line 1)."""
from __future__ import annotations

import io
import re
from typing import Any

from pytest_bdd import parsers, then, when

from conformance.client import Reply
from conformance.steps.applications_common import _as
from conformance.steps.applications_files import jpeg_bytes, pdf_of_size, secured_pdf
from conformance.steps.bulk import ITEMS, _bulk
from conformance.steps.world import World, expect_ok

LABELS = ("正常", "要確認")


def _line(world: World, applicant: str) -> int:
    return _bulk(world)["applicants"].index(applicant) + 2


def _read(world: World) -> dict[str, Any]:
    """The 読込結果 as the target shows it now (getBulkInput; 再開する shows the same)."""
    bulk = _bulk(world)
    assert bulk["id"], "the upload was refused"
    shown = expect_ok(_as(world, bulk["user"], lambda t: world.client.bulk_input(t, bulk["id"])), "getBulkInput")
    assert "read_result" in shown, f"the upload was not read at once (edition 2026 answers 一括申請読込結果): {shown}"
    return shown


def _row(world: World, applicant: str) -> dict[str, Any]:
    line = _line(world, applicant)
    found = [r for r in _read(world)["read_result"] if r["line"] == line]
    assert found, f"the 読込結果 has no row for 「{applicant}」 (line {line})"
    return found[0]


def _keep(world: World, reply: Reply) -> Reply:
    return world.record(reply)


@then(parsers.re(r"一括申請読込結果は(?P<pairs>(?:、?「[^」]+」が「(?:正常|要確認)」)+)である"))
def read_statuses(world: World, pairs: str) -> None:
    for applicant, label in re.findall(r"「([^」]+)」が「([^」]+)」", pairs):
        row = _row(world, applicant)
        assert row["status_label"] == label, f"「{applicant}」: {row['status_label']} ({row['errors'] + row['file_errors']})"


@then(parsers.parse("一括申請読込結果の「{applicant}」の行には「{text}」と表示される"))
def read_shows(world: World, applicant: str, text: str) -> None:
    row = _row(world, applicant)
    messages = [e["message"] for e in row["errors"] + row["file_errors"]]
    assert any(text in m for m in messages), messages


@then(parsers.parse("一括申請読込結果の「{applicant}」の添付ファイルは{count:d}件である"))
def read_files(world: World, applicant: str, count: int) -> None:
    row = _row(world, applicant)
    assert row["files"] == count, row


@when(parsers.re(r"「(?P<user>[^」]+)」が一括申請読込結果の「(?P<applicant>[^」]+)」に(?P<shape>縦4:横3|縦横1:1)の顔写真を登録する"))
def row_photo(world: World, user: str, applicant: str, shape: str) -> None:
    data = jpeg_bytes()
    if shape == "縦横1:1":
        from PIL import Image

        buf = io.BytesIO()
        Image.new("RGB", (300, 300), (150, 160, 170)).save(buf, "JPEG", quality=85)
        data = buf.getvalue()
    bulk = _bulk(world)
    _keep(world, _as(world, user, lambda t: world.client.bulk_row_photo(t, bulk["id"], _line(world, applicant),
                                                                        "顔写真.jpg", data)))


def _attach(world: World, user: str, applicant: str, data: bytes) -> Reply:
    bulk = _bulk(world)
    return _keep(world, _as(world, user, lambda t: world.client.bulk_row_document(t, bulk["id"],
                                                                                 _line(world, applicant), "資料.pdf", data)))


@when(parsers.parse("「{user}」が一括申請読込結果の「{applicant}」に資料のPDFを{count:d}件添付する"))
def row_documents(world: World, user: str, applicant: str, count: int) -> None:
    for _ in range(count):
        if not _attach(world, user, applicant, pdf_of_size(2000)).ok:
            break   # the refusal stays the last answer


@when(parsers.parse("「{user}」が一括申請読込結果の「{applicant}」に「{kind}」のPDFを添付する"))
def row_secured_document(world: World, user: str, applicant: str, kind: str) -> None:
    _attach(world, user, applicant, secured_pdf(kind))


@when(parsers.parse("「{user}」が一括申請読込結果の「{applicant}」の申込詳細で「{item}」を「{value}」に修正する"))
def row_fix(world: World, user: str, applicant: str, item: str, value: str) -> None:
    assert item in ITEMS, f"the suite cannot change 「{item}」 in a bulk row; known: {', '.join(ITEMS)}"
    step, field, convert = ITEMS[item]
    row = _row(world, applicant)
    values = {k: dict(v) for k, v in row["values"].items()}
    values.setdefault(step, {})[field] = convert(value)
    bulk = _bulk(world)
    _keep(world, _as(world, user, lambda t: world.client.fix_bulk_row(t, bulk["id"], row["line"], values)))


@when(parsers.parse("「{user}」が一括申請を申込む"))
def apply(world: World, user: str) -> None:
    bulk = _bulk(world)
    reply = world.record(_as(world, user, lambda t: world.client.submit_bulk_input(t, bulk["id"])))
    if reply.ok:   # each applicant's application, for the list's steps
        apps = world.scratch.setdefault("applications", {})
        for applicant, app_id in zip(bulk["applicants"], reply.json["application_ids"], strict=True):
            apps[applicant] = {"id": app_id, "user": user}


@then(parsers.parse("一括申請番号と一括申請件数{count:d}件が示される"))
def applied(world: World, count: int) -> None:
    done = expect_ok(world.last_reply(), "submitBulkInput")
    assert done.get("bulk_number") and done.get("count") == count, done


@when(parsers.parse("「{user}」が前回保存された一括申請から再開する"))
def resume(world: World, user: str) -> None:
    world.record(_as(world, user, lambda t: world.client.saved_bulk_input(t)))


@then("最後にアップロードした一括申請の読込結果が示される")
def resumed_last(world: World) -> None:
    shown = expect_ok(world.last_reply(), "getSavedBulkInput")
    bulk = _bulk(world)
    assert shown["id"] == bulk["id"] and "read_result" in shown, (shown.get("id"), bulk["id"])
    assert [r["line"] for r in shown["read_result"]] == [n + 2 for n in range(len(bulk["applicants"]))]


@then("その前にアップロードした一括申請は残っていない")
def earlier_gone(world: World) -> None:
    """003 §5.2: 「前回アップロードした保存データは削除されます」 — the earlier upload is unknown now."""
    bulk = _bulk(world)
    earlier = [i for i in world.scratch.get("bulk_ids", []) if i and i != bulk["id"]]
    assert earlier, "no earlier upload in this scenario"
    for bulk_id in earlier:
        reply = _as(world, bulk["user"], lambda t, i=bulk_id: world.client.bulk_input(t, i))
        assert reply.status == 404, f"the earlier upload {bulk_id} is still there: {reply.describe()}"
