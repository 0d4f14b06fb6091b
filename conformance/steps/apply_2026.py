"""一人ずつの在留申請, edition 2026 (seed 003 §4.2): a required item left empty stops the input at its screen
(§4.2.1); the face photo is a JPEG of 縦4:横3 (§4.2.2), the rule of the bulk rows (§5.3.3); the photo and the PDFs
together at most 20 files and 25 MB (§4.2.3); 申込む answers the 整理番号 and the パスワード, each mailed on its
own before the 受付仮番号 mail (§4.2.4, §1.7). Photos of any height : width are made here."""
from __future__ import annotations

import io
import uuid

from pytest_bdd import parsers, step, then

from conformance.steps.applications_common import SCREENS, _application_id, _as, _input, _owner, _row
from conformance.steps.applications_files import _attach_documents, _attach_photo, pdf_of_size
from conformance.steps.world import World, expect_ok


def jpeg_of_ratio(tall: int, wide: int, unit: int = 80) -> bytes:
    """A JPEG photo of height : width = tall : wide (e.g. 4:3 → 240 × 320), a different one each call."""
    from PIL import Image

    shade = uuid.uuid4().int % 60
    buf = io.BytesIO()
    Image.new("RGB", (wide * unit, tall * unit), (150 + shade, 160, 170)).save(buf, "JPEG", quality=60)
    return buf.getvalue()


@step(parsers.re(r"「(?P<who>[^」]+)」が「(?P<applicant>[^」]+)」の申請に縦(?P<tall>\d+):横(?P<wide>\d+)の顔写真"
                 r"「(?P<filename>[^」]+)」を添付する"))
def attach_photo_of_ratio(world: World, who: str, applicant: str, tall: str, wide: str, filename: str) -> None:
    unit = 80 if max(int(tall), int(wide)) < 10 else 20   # at most 320 pixels a side: well under 50 KB
    _attach_photo(world, who, applicant, filename, jpeg_of_ratio(int(tall), int(wide), unit))


@then(parsers.parse("「{applicant}」の申請には顔写真が登録されていない"))
def no_photo(world: World, applicant: str) -> None:
    row = _row(world, applicant)
    assert row["photo_state"] == "none", f"the photo was registered after all: {row['photo_state']}"


@then(parsers.re(r"入力途中の申請情報は(?P<screen>身分事項2\(STEP2-2\)|活動に関する事項\(STEP2-3\))に進んでいない"))
def input_not_past(world: World, screen: str) -> None:
    inp = _input(world)
    shown = expect_ok(_as(world, inp["user"], lambda t: world.client.application_input(t)), "getApplicationInput")
    done = {s["step"] for s in shown["steps"] if s["done"]}
    assert SCREENS[screen] not in done and shown["next_step"] != SCREENS[screen], \
        f"the input went on to {screen}: next {shown['next_step']}, done {sorted(done)}"


@step(parsers.re(r"「(?P<who>[^」]+)」が「(?P<applicant>[^」]+)」の申請にPDFを(?P<count>\d+)ファイル添付する"))
def attach_many_documents(world: World, who: str, applicant: str, count: str) -> None:
    """Each accepted, one after another (a refusal stops the scenario here)."""
    for i in range(int(count)):
        expect_ok(_attach_documents(world, who, applicant, f"資料{i + 1}.pdf", pdf_of_size(3000 + i)), "attachDocuments")


@then(parsers.re(r"「(?P<applicant>[^」]+)」の申請の申込詳細に顔写真(?P<photos>\d+)ファイルと資料(?P<documents>\d+)ファイルが"
                 r"表示される"))
def detail_files(world: World, applicant: str, photos: str, documents: str) -> None:
    app_id = _application_id(world, applicant)
    shown = expect_ok(_as(world, _owner(world, applicant), lambda t: world.client.submission(t, app_id)),
                      "getSubmission")
    assert (len(shown["photo"]), len(shown["documents"])) == (int(photos), int(documents)), \
        f"photo {shown['photo']}, documents {shown['documents']}"


@then(parsers.re(r"「(?P<who>[^」]+)」には「(?P<applicant>[^」]+)」の申請の整理番号とパスワードが別々のメールで届き、"
                 r"その後に申請受付仮番号のメールが届いている"))
def reference_mails_first(world: World, who: str, applicant: str) -> None:
    done = expect_ok(world.last_reply(), "submitApplication")
    number, password, provisional = done.get("reference_number"), done.get("password"), done.get("provisional_number")
    assert number and password and provisional, f"申込む answered no 整理番号, パスワード or 受付仮番号: {done}"
    mails = world.client.mails(to=world.person(who).email)

    def first(kind: str, text: str) -> int:
        found = [i for i, m in enumerate(mails) if m["kind"] == kind and text in m["body"]]
        assert len(found) == 1, f"{len(found)} mails of kind {kind} with {text}"
        return found[0]
    at = [first("procedure_reference_number", number), first("procedure_password", password),
          first("application_received", provisional)]
    assert at == sorted(at), f"the mails came in another order: 整理番号 {at[0]}, パスワード {at[1]}, 受付仮番号 {at[2]}"
    assert password not in mails[at[0]]["body"] and number not in mails[at[1]]["body"], "both in one mail"
