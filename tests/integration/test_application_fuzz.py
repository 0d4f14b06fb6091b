"""Mutated JPEGs and PDFs sent through the API end to end (attachPhoto, attachDocuments): truncated, wrong
magic, bytes flipped, huge dimensions in the frame header, zip-bomb streams. Every answer is a coded
refusal that stores nothing, or an acceptance (for a PDF the system cannot read as it should: flagged for
the bureau, FAQ Q4-2) — never a 500 — and the request's Python heap stays within about twice the file.
The pure checks are fuzzed on their own in tests/unit/test_upload_fuzz.py; this is the HTTP path.
Bounded: a fixed seed, a few dozen examples per property, well under a minute."""
from __future__ import annotations

import io
import tracemalloc
import uuid
import zlib
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from simulator.adapters.db_applications import Application, StoredFile
from simulator.adapters.migrate import upgrade
from simulator.web.app import create_app
from tests.support.api import Api
from tests.support.application_flow import Flow, jpeg, lawyer, pdf, person, snapshot, without_card

SETTINGS = settings(max_examples=30, deadline=None, database=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])
PHOTO_CODES = {"WZBAM146E", "WZBAM147E", "WZBAM148E", "WZBAM149E", "RASIM451E"}
DOCUMENT_CODES = {"WZBAM183E", "WZBAM184E", "WZBAM185E"}
HEAP_HEADROOM = 6 * 1024 * 1024   # the app's own allocations in one request (SQLAlchemy, Flask, Hypothesis)


@pytest.fixture(scope="module")
def world(tmp_path_factory, database_server):  # noqa: ANN001, ANN201
    tmp = tmp_path_factory.mktemp("files")
    if database_server is None:
        url = f"sqlite:///{tmp}/rasim.sqlite3"
    else:
        from tests.support.postgres import create_database

        url = create_database(database_server, f"f_{uuid.uuid4().hex[:12]}")
    upgrade(url)
    app = create_app({"RASIM_DATABASE_URL": url, "RASIM_VAR_DIR": str(tmp / "var"), "SECRET_KEY": "test",
                      "TESTING": True})
    api = Api(app.test_client())
    api.set_clock("2024-04-01T09:00:00")
    person(api)
    f = Flow(api, lawyer(api))
    row = f.acquisition(without_card(api), "2024-03-20")   # an adult: a photo is needed
    yield {"app": app, "f": f, "id": row["id"]}
    app.extensions["rasim.engine"].dispose()


def empty_slot(w: dict) -> None:
    """The application without photo and documents again (test plumbing: documents are attached once)."""
    with w["app"].extensions["rasim.sessions"].begin() as db:
        db.execute(update(Application).where(Application.id == w["id"])
                   .values(photo_state="none", document_state="none", photo_file_id=None, document_file_id=None))


def send(w: dict, kind: str, data: bytes, filename: str) -> tuple[Any, int]:
    """Upload `data`; the answer, checked for its shape (a refusal stores nothing), and the Python heap's
    peak during the request."""
    empty_slot(w)
    before = snapshot(w["app"])
    tracemalloc.start()
    try:
        r = (w["f"].photo if kind == "photo" else w["f"].documents)(w["id"], data, filename)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert r.status_code < 500, (kind, filename, data[:40], r.get_data(as_text=True)[:300])
    assert r.mimetype == "application/json"
    if r.status_code >= 400:
        codes = {e["code"] for e in r.get_json()["errors"]}
        assert codes <= (PHOTO_CODES if kind == "photo" else DOCUMENT_CODES), (codes, data[:40])
        assert snapshot(w["app"]) == before, "a refusal stored something"
    else:
        assert r.status_code == 200
        assert r.get_json()[f"{kind if kind == 'photo' else 'document'}_state"] == "registered"
    assert peak <= 2 * len(data) + HEAP_HEADROOM, (kind, len(data), peak)
    return r, peak


def stored_document(w: dict) -> StoredFile:
    with w["app"].extensions["rasim.sessions"]() as db:
        app = db.get(Application, w["id"])
        return db.get(StoredFile, app.document_file_id)


# --- the files to mutate -------------------------------------------------------------------------------------

JPEG = jpeg(300, 400)


def sof_offset(data: bytes) -> int:
    """Where the start-of-frame segment begins (FF C0 or FF C2)."""
    for marker in (b"\xff\xc0", b"\xff\xc2"):
        at = data.find(marker)
        if at > 0:
            return at
    raise AssertionError("no SOF marker")


def with_dimensions(data: bytes, width: int, height: int) -> bytes:
    at = sof_offset(data)
    return data[:at + 5] + height.to_bytes(2, "big") + width.to_bytes(2, "big") + data[at + 9:]


def progressive_jpeg() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (320, 240), (10, 120, 200)).save(buf, "JPEG", progressive=True, quality=60)
    return buf.getvalue()


def bomb_pdf(inflated: int) -> bytes:
    """A one-page PDF whose content stream inflates to `inflated` bytes of zeros (never decoded by the
    check: the system reads the trailer, cross-references, encryption and the page tree only)."""
    import pikepdf

    doc = pikepdf.new()
    doc.add_blank_page()
    compressed = zlib.compress(b"\0" * inflated, 9)
    doc.pages[0].Contents = doc.make_stream(compressed, Filter=pikepdf.Name.FlateDecode)
    buf = io.BytesIO()
    doc.save(buf, compress_streams=False)
    return buf.getvalue()


def object_stream_bomb() -> bytes:
    """The page tree reached through a compressed object stream that holds a huge nested array: qpdf must
    inflate it and parse every token (the memory cap of the child process is what bounds it)."""
    import pikepdf

    doc = pikepdf.new()
    doc.add_blank_page()
    doc.Root.Junk = pikepdf.Array([pikepdf.Array() for _ in range(200_000)])
    buf = io.BytesIO()
    doc.save(buf, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buf.getvalue()


def end_of(data: bytes) -> int:
    """Where the last line, %%EOF, begins: a cut before it loses the cross-reference offset."""
    return data.rindex(b"\n%%EOF")


PDF = pdf(2)
BOMB = bomb_pdf(64 * 1024 * 1024)
OBJSTM_BOMB = object_stream_bomb()


# --- photos ----------------------------------------------------------------------------------------------------

def test_the_valid_files_are_accepted(world) -> None:  # noqa: ANN001
    send(world, "photo", JPEG, "face.jpg")
    send(world, "photo", progressive_jpeg(), "face.jpeg")
    r, _ = send(world, "document", PDF, "documents.pdf")
    assert r.status_code == 200 and stored_document(world).error_file is False


@pytest.mark.parametrize(("width", "height"), [(65535, 65535), (65535, 1), (0, 400), (300, 0), (20000, 20000)])
def test_huge_or_empty_dimensions_in_the_frame_header(world, width: int, height: int) -> None:  # noqa: ANN001
    r, _ = send(world, "photo", with_dimensions(JPEG, width, height), "face.jpg")
    assert r.status_code == 422 and r.get_json()["errors"][0]["code"] == "RASIM451E"


@SETTINGS
@given(cut=st.integers(min_value=0, max_value=len(JPEG) - 1))
def test_truncated_jpegs(world, cut: int) -> None:  # noqa: ANN001
    r, _ = send(world, "photo", JPEG[:cut], "face.jpg")
    assert r.status_code == 422, cut   # every cut loses the end of the image (or all of it)


@SETTINGS
@given(magic=st.binary(min_size=2, max_size=2).filter(lambda b: b != b"\xff\xd8"))
def test_jpegs_with_the_wrong_magic(world, magic: bytes) -> None:  # noqa: ANN001
    r, _ = send(world, "photo", magic + JPEG[2:], "face.jpg")
    assert r.status_code == 422 and r.get_json()["errors"][0]["code"] == "WZBAM149E"


@SETTINGS
@given(flips=st.lists(st.tuples(st.integers(min_value=2, max_value=len(JPEG) - 1), st.integers(1, 255)),
                      min_size=1, max_size=8),
       name=st.sampled_from(["face.jpg", "face.JPEG", "face.png", "face"]),
       tail=st.binary(max_size=64))
def test_jpegs_with_bytes_flipped(world, flips: list[tuple[int, int]], name: str, tail: bytes) -> None:  # noqa: ANN001
    data = bytearray(JPEG)
    for at, mask in flips:
        data[at] ^= mask
    r, _ = send(world, "photo", bytes(data) + tail, name)
    if not name.lower().endswith((".jpg", ".jpeg")):
        assert r.get_json()["errors"][0]["code"] == "WZBAM148E"


@SETTINGS
@given(width=st.integers(1, 65535), height=st.integers(1, 65535), cut=st.integers(0, 200))
def test_jpegs_declaring_any_size(world, width: int, height: int, cut: int) -> None:  # noqa: ANN001
    data = with_dimensions(JPEG, width, height)
    send(world, "photo", data[:len(data) - cut], "face.jpg")


# --- documents ---------------------------------------------------------------------------------------------------

@SETTINGS
@given(cut=st.integers(min_value=0, max_value=len(PDF) - 1))
def test_truncated_pdfs(world, cut: int) -> None:  # noqa: ANN001
    r, _ = send(world, "document", PDF[:cut], "documents.pdf")
    if cut < len(b"%PDF-"):
        assert r.get_json()["errors"][0]["code"] == ("WZBAM183E" if cut == 0 else "WZBAM185E")
    elif cut < end_of(PDF):   # a PDF without its end: accepted without a word, flagged for the bureau
        assert r.status_code == 200 and stored_document(world).error_file, cut
    else:   # only the %%EOF line lost: qpdf reads it as it is
        assert r.status_code == 200


@SETTINGS
@given(magic=st.binary(min_size=1, max_size=5).filter(lambda b: not b"%PDF-".startswith(b)))
def test_pdfs_with_the_wrong_magic(world, magic: bytes) -> None:  # noqa: ANN001
    r, _ = send(world, "document", magic + PDF[len(magic):], "documents.pdf")
    assert r.status_code == 422 and r.get_json()["errors"][0]["code"] == "WZBAM185E"


@SETTINGS
@given(flips=st.lists(st.tuples(st.integers(min_value=5, max_value=len(PDF) - 1), st.integers(1, 255)),
                      min_size=1, max_size=12))
def test_pdfs_with_bytes_flipped(world, flips: list[tuple[int, int]]) -> None:  # noqa: ANN001
    data = bytearray(PDF)
    for at, mask in flips:
        data[at] ^= mask
    send(world, "document", bytes(data), "documents.pdf")


def test_a_zip_bomb_content_stream_is_accepted_without_inflating_it(world) -> None:  # noqa: ANN001
    assert len(BOMB) < 200_000
    r, peak = send(world, "document", BOMB, "documents.pdf")
    assert r.status_code == 200 and peak < 2 * len(BOMB) + HEAP_HEADROOM


def test_a_nested_array_bomb_in_an_object_stream(world) -> None:  # noqa: ANN001
    r, _ = send(world, "document", OBJSTM_BOMB, "documents.pdf")
    assert r.status_code == 200   # accepted; whether flagged depends on what the capped child could read


@SETTINGS
@given(cut=st.integers(min_value=len(b"%PDF-") + 1, max_value=end_of(BOMB) - 1), flip=st.integers(0, 255))
def test_mutated_zip_bombs(world, cut: int, flip: int) -> None:  # noqa: ANN001
    data = bytearray(BOMB[:cut])
    data[max(len(b"%PDF-"), len(data) // 2)] ^= flip
    r, _ = send(world, "document", bytes(data), "documents.pdf")
    assert r.status_code == 200 and stored_document(world).error_file, cut   # truncated: flagged
