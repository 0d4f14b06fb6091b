"""The photo and the PDFs on one person's [申込] and 「申込む」 on [申込確認], edition 2026 (seed 003 §4.2.2 – §4.2.4):
the photo registered at once, each PDF by [添付する], [削除]; the photo and the PDFs together at most 20 files
and 25 MB; 「申込む」 completes and files the input in one go, or refuses and leaves the input and its files as
they were.

Words: 「[申込]で」 acts on the input in progress of the user; 「入力を確認の前まで進めている」 has every screen
of the input saved except the confirmation (STEP3)."""
from __future__ import annotations

from typing import Any

from pytest_bdd import given, parsers, step, then

from conformance.client import Reply
from conformance.steps.applications_common import CONFIRM_TICKS, _as, _input
from conformance.steps.applications_files import pdf_of_size
from conformance.steps.applications_input import APPLICATION, _run_input, _start_for
from conformance.steps.apply_2026 import jpeg_of_ratio
from conformance.steps.world import World, expect_ok

WHO = r"「(?P<who>[^」]+)」"


def _files(world: World, who: str) -> dict[str, Any]:
    return expect_ok(_as(world, who, lambda t: world.client.input_files(t)), "listApplicationInputFiles")


def _document(world: World, who: str, size: int, name: str = "資料.pdf") -> Reply:
    return world.record(_as(world, who, lambda t: world.client.attach_input_document(t, name, pdf_of_size(size))))


@given(parsers.re(APPLICATION + r"の申請情報の入力を確認の前まで進めている"))
def input_before_confirm(world: World, who: str, applicant: str, procedure: str, status: str | None) -> None:
    expect_ok(_start_for(world, who, applicant, procedure, status), "startApplicationInput")
    keys = [k for k, _f in _input(world)["steps"]]
    expect_ok(_run_input(world, upto=keys[keys.index("step3") - 1]), "the input up to STEP3")


@step(parsers.re(WHO + r"が\[申込\]で縦4:横3の顔写真「(?P<filename>[^」]+)」を添付する"))
def input_photo(world: World, who: str, filename: str) -> None:
    world.record(_as(world, who, lambda t: world.client.attach_input_photo(t, filename, jpeg_of_ratio(4, 3))))


@step(parsers.re(WHO + r"が\[申込\]でPDFを(?P<count>\d+)ファイル添付する"))
def input_documents(world: World, who: str, count: str) -> None:
    """Each accepted, one after another (a refusal stops the scenario here)."""
    for i in range(int(count)):
        expect_ok(_document(world, who, 3000 + i, f"資料{i + 1}.pdf"), "attachApplicationInputDocument")


@step(parsers.re(WHO + r"が\[申込\]で(?P<size>[\d,]+)バイトのPDFを添付する"))
def input_document_sized(world: World, who: str, size: str) -> None:
    _document(world, who, int(size.replace(",", "")))


@step(parsers.re(WHO + r"が\[申込\]で添付した資料を1つ削除する"))
def input_delete_one(world: World, who: str) -> None:
    documents = _files(world, who)["documents"]
    assert documents, "no document is attached to the input"
    world.record(_as(world, who, lambda t: world.client.delete_input_file(t, documents[0]["file_id"])))


@then(parsers.re(WHO + r"の\[申込\]の添付ファイルは顔写真(?P<photos>\d+)ファイルと資料(?P<documents>\d+)ファイルである"))
def input_files_are(world: World, who: str, photos: str, documents: str) -> None:
    got = _files(world, who)
    assert (int(got["photo"] is not None), len(got["documents"])) == (int(photos), int(documents)), got
    assert got["files"] == int(photos) + int(documents), got


@step(parsers.re(WHO + r"が申込確認で「申込む」を押す"))
def apply(world: World, who: str) -> None:
    inp = _input(world)
    reply = world.record(_as(world, who, lambda t: world.client.apply_application_input(t, CONFIRM_TICKS)))
    if reply.ok:
        world.scratch.setdefault("applications", {})[inp["applicant"]] = {"id": reply.json["id"], "user": who}


@then(parsers.re(r"入力途中の申請情報は確認の前のまま残っている"))
def input_kept(world: World) -> None:
    inp = _input(world)
    shown = expect_ok(_as(world, inp["user"], lambda t: world.client.application_input(t)), "getApplicationInput")
    assert shown["next_step"] == "step3", f"the input is no longer before its confirmation: {shown['next_step']}"
