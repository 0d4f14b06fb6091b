"""Property tests of the upload adapters: mutated JPEGs and PDFs (truncated anywhere, bytes flipped, magic
overwritten, random bytes spliced in or cut out, huge dimensions in the JPEG SOF marker) never make the
checks raise and only ever give the known codes and reasons; and checking a zip-bomb PDF or a JPEG
claiming huge dimensions keeps memory bounded, measured as the growth of the peak resident set
(ru_maxrss) in a fresh interpreter, of the process itself and of the PDF check's child.

The allowance: the peak may grow by 2 × the file (it is read, and mapped by qpdf) plus 30 MB in the
process that checks, which covers the interpreter's own growth (a few MB measured) and not the 100-200 MB
a decoded bomb costs; the child may grow by 2 × the file plus its cap's HEADROOM (32 MB) plus 8 MB
for what it allocates before the cap is measured."""
from __future__ import annotations

import hashlib
import io
import json
import random
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

import pikepdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from simulator.adapters import uploads
from simulator.adapters.pdf import HEADROOM, REASONS, PdfInspection, inspect_pdf, inspect_pdf_in_process
from simulator.adapters.photo import MAX_COEFFICIENT_BYTES, MAX_PIXELS, photo_problem

FAST = settings(max_examples=300, deadline=None, derandomize=True)
SLOW = settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
CODES = {None, "WZBAM146E", "WZBAM147E", "WZBAM148E", "WZBAM149E", "RASIM451E"}
SOF_MARKERS = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024
BOMB = 200 * MB                 # what the zip-bomb streams inflate to


def jpeg(progressive: bool) -> bytes:
    noise = random.Random(7).randbytes(48 * 64 * 3)
    out = io.BytesIO()
    Image.frombytes("RGB", (48, 64), noise).save(out, "JPEG", quality=80, progressive=progressive)
    return out.getvalue()


def with_dimensions(data: bytes, width: int, height: int) -> bytes:
    i = 2
    while i + 4 <= len(data) and data[i] == 0xFF:
        marker, length = data[i + 1], int.from_bytes(data[i + 2:i + 4], "big")
        if marker in SOF_MARKERS:
            return data[:i + 5] + height.to_bytes(2, "big") + width.to_bytes(2, "big") + data[i + 9:]
        i += 2 + length
    raise AssertionError("no SOF marker")


def pdf(object_streams: bool = False, encryption: pikepdf.Encryption | bool = False) -> bytes:
    out = io.BytesIO()
    with pikepdf.new() as doc:
        for _ in range(3):
            doc.add_blank_page()
        mode = pikepdf.ObjectStreamMode.generate if object_streams else pikepdf.ObjectStreamMode.disable
        doc.save(out, object_stream_mode=mode, encryption=encryption)
    return out.getvalue()


JPEGS = [jpeg(False), jpeg(True)]
PDFS = [pdf(), pdf(object_streams=True), pdf(encryption=pikepdf.Encryption(owner="o", user=""))]


@st.composite
def mutated(draw: st.DrawFn, bases: list[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(bases)))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["truncate", "flip", "flip", "splice", "cut", "magic"]))
        if op == "truncate":
            del data[at:]
        elif op == "flip" and at < len(data):
            data[at] ^= draw(st.integers(1, 255))
        elif op == "magic":
            data[:4] = draw(st.binary(min_size=0, max_size=6))
        elif op == "splice":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif op == "cut":
            del data[at:at + draw(st.integers(1, 64))]
    return bytes(data)


# --- face photo ----------------------------------------------------------------------------------------

@FAST
@given(mutated(JPEGS))
def test_a_mutated_jpeg_gives_a_known_code_in_the_system_order(data: bytes) -> None:
    code = photo_problem("photo.jpg", data)
    assert code in CODES
    if not data:
        assert code == "WZBAM146E"
    elif data[:2] != b"\xff\xd8":
        assert code == "WZBAM149E"
    else:
        assert code in (None, "RASIM451E")


@FAST
@given(st.sampled_from(JPEGS), st.integers(0, 65535), st.integers(0, 65535), st.integers(0, 3))
def test_huge_dimensions_in_the_sof_marker_are_never_accepted(base: bytes, width: int, height: int, cut: int) -> None:
    data = with_dimensions(base, width, height)
    data = data[: len(data) - cut]
    code = photo_problem("photo.jpg", data)
    assert code in (None, "RASIM451E")
    coefficients = -(-width // 32) * 32 * -(-height // 32) * 32 * 3 * 2
    progressive = base is JPEGS[1]
    if width * height > MAX_PIXELS or width == 0 or height == 0 or (progressive and coefficients > MAX_COEFFICIENT_BYTES):
        assert code == "RASIM451E"


@FAST
@given(st.text(max_size=30), st.sampled_from(JPEGS))
def test_the_extension_decides_148e(name: str, data: bytes) -> None:
    expected = None if name.lower().endswith((".jpg", ".jpeg")) else "WZBAM148E"
    assert photo_problem(name, data) == expected


@FAST
@given(st.binary(max_size=2000), st.text(max_size=12))
def test_random_bytes_never_raise(data: bytes, name: str) -> None:
    assert photo_problem(name, data) in CODES
    assert photo_problem(name, b"\xff\xd8\xff" + data) in CODES


# --- documents ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pdf-fuzz")


def assert_well_formed(result: PdfInspection, data: bytes) -> None:
    assert isinstance(result, PdfInspection)
    assert result.is_pdf == data.startswith(b"%PDF-")
    assert result.error_file == bool(result.reasons)
    assert result.reasons == tuple(r for r in REASONS if r in result.reasons)      # known, once each, in order
    assert result.pages is None or (type(result.pages) is int and result.pages >= 0)
    if not result.is_pdf:
        assert (result.error_file, result.pages) == (False, None)


@FAST
@given(mutated(PDFS))
def test_a_mutated_pdf_checked_in_process_never_raises(folder: Path, data: bytes) -> None:
    path = folder / "in-process.pdf"
    path.write_bytes(data)
    assert_well_formed(inspect_pdf_in_process(path), data)


@SLOW
@given(mutated(PDFS))
def test_a_mutated_pdf_checked_in_the_child_never_raises_and_agrees(folder: Path, data: bytes) -> None:
    path = folder / "child.pdf"
    path.write_bytes(data)
    result = inspect_pdf(path)
    assert_well_formed(result, data)
    assert result == inspect_pdf_in_process(path)


# --- streaming receipt ---------------------------------------------------------------------------------------

@FAST
@given(st.binary(max_size=3000), st.integers(0, 3000), st.integers(1, 500))
def test_receipt_is_capped_and_hashes_what_it_keeps(data: bytes, limit: int, chunk: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        got = uploads.receive(io.BytesIO(data), limit=limit, folder=Path(tmp) / "u", chunk=chunk)
        if len(data) > limit:
            assert (got.too_large, got.path, got.size) == (True, None, limit + 1)
            assert list((Path(tmp) / "u").iterdir()) == []
        else:
            assert (got.too_large, got.size, got.sha256) == (False, len(data), hashlib.sha256(data).hexdigest())
            assert got.path is not None and got.path.read_bytes() == data


# --- memory ------------------------------------------------------------------------------------------------------

def deflated(pieces: list[tuple[bytes, int]]) -> bytes:
    """zlib data of each piece repeated n times, compressed a megabyte at a time (never inflated here)."""
    squeeze = zlib.compressobj(9)
    out = []
    for piece, times in pieces:
        per_mb = max(1, MB // len(piece))
        while times > 0:
            n = min(times, per_mb)
            out.append(squeeze.compress(piece * n))
            times -= n
    out.append(squeeze.flush())
    return b"".join(out)


def classic(objects: list[bytes]) -> bytes:
    """A PDF with a classic cross-reference table of `objects` (numbered from 1; 1 is the catalog)."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def content_bomb() -> bytes:
    """A valid one-page PDF whose content stream inflates to 200 MB."""
    body = deflated([(b" ", BOMB)])
    return classic([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> /Contents 4 0 R >>",
                    b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream"])


def object_stream_bomb(filler: bytes, times: int) -> bytes:
    """A PDF whose page tree is in an object stream followed by `filler` × `times` (a cross-reference
    stream points into it): qpdf must inflate it, and parse it, to count the pages."""
    pages = b"<< /Type /Pages /Kids [3 0 R] /Count 1 /Filler ["
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>"
    header = b"3 0 2 %d " % len(page)
    body = deflated([(header + page, 1), (pages, 1), (filler, times), (b"] >>", 1)])
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    catalog = len(out)
    out += b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    stream = len(out)
    out += (b"4 0 obj\n<< /Type /ObjStm /N 2 /First %d /Length %d /Filter /FlateDecode >>\nstream\n"
            % (len(header), len(body)) + body + b"\nendstream\nendobj\n")
    xref = len(out)
    rows = [(0, 0, 65535), (1, catalog, 0), (2, 4, 1), (2, 4, 0), (1, stream, 0), (1, xref, 0)]
    table = b"".join(bytes([kind]) + a.to_bytes(4, "big") + b.to_bytes(2, "big") for kind, a, b in rows)
    out += (b"5 0 obj\n<< /Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(table)
            + table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref)
    return bytes(out)


HARNESS = """
import json, resource, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
what, path, warm = sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])
if what == "photo":
    from simulator.adapters.photo import photo_problem
    check = lambda p: photo_problem("photo.jpg", p.read_bytes(), max_bytes=1 << 30)
else:
    from simulator.adapters import pdf
    check = pdf.inspect_pdf if what == "pdf" else pdf.inspect_pdf_in_process

def own_peak():     # VmHWM starts afresh at exec; ru_maxrss of SELF would carry the forking pytest's
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmHWM:"))

def child_peak():   # the largest child so far; this process is smaller than a child, so it does not mask it
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024

check(warm)
me, children = own_peak(), child_peak()
result = check(path)
print(json.dumps({"result": str(result), "self": own_peak() - me, "child": max(0, child_peak() - children),
                  "rss": me}))
"""


def peak_growth(what: str, data: bytes, warm: bytes, folder: Path) -> dict:
    path, warm_path = folder / f"{what}.bin", folder / f"{what}-warm.bin"
    path.write_bytes(data)
    warm_path.write_bytes(warm)
    done = subprocess.run([sys.executable, "-c", HARNESS, str(ROOT), what, str(path), str(warm_path)],
                          capture_output=True, check=True, timeout=120)
    return json.loads(done.stdout)


def test_a_content_stream_bomb_is_accepted_without_being_inflated(folder: Path) -> None:
    data = content_bomb()
    assert len(data) < 1 * MB
    for what in ("pdf", "pdf-in-process"):
        grown = peak_growth(what, data, PDFS[0], folder)
        assert grown["result"] == str(PdfInspection(True, False, (), 1))
        assert grown["self"] < 2 * len(data) + 30 * MB
        assert grown["child"] < 2 * len(data) + HEADROOM + 8 * MB


@pytest.mark.parametrize("filler, times", [
    pytest.param(b" ", BOMB, id="200MB-of-spaces"),              # over qpdf's flate limit in the child
    pytest.param(b"[]", 7 * MB, id="7M-empty-arrays"),           # under it, but ~1 GB once parsed
])
def test_an_object_stream_bomb_is_not_iso_within_the_child_cap(folder: Path, filler: bytes, times: int) -> None:
    data = object_stream_bomb(filler, times)
    assert len(data) < 1 * MB
    grown = peak_growth("pdf", data, PDFS[0], folder)
    assert grown["result"] == str(PdfInspection(True, True, ("not_iso_32000_1",), None))
    assert grown["self"] < 2 * len(data) + 30 * MB
    assert grown["child"] < 2 * len(data) + HEADROOM + 8 * MB


def test_the_object_stream_bomb_is_a_real_one(folder: Path) -> None:
    """The same object stream, small enough to parse in process, gives its page: the bomb is well formed."""
    path = folder / "small-bomb.pdf"
    path.write_bytes(object_stream_bomb(b"[]", 1000))
    assert inspect_pdf_in_process(path) == PdfInspection(True, False, (), 1)


@pytest.mark.parametrize("width, height, progressive, expected", [
    pytest.param(60000, 60000, False, "RASIM451E", id="60000x60000"),      # refused on the header
    pytest.param(8000, 5000, False, None, id="8000x5000"),                 # at the limit: decoded in 1/8
    pytest.param(6000, 6000, True, "RASIM451E", id="6000x6000-progressive"),     # over the coefficient budget
    pytest.param(2000, 2000, True, None, id="2000x2000-progressive"),           # within it: decoded
])
def test_a_jpeg_claiming_huge_dimensions_is_checked_in_bounded_memory(folder: Path, width: int, height: int,
                                                                         progressive: bool, expected: str | None) -> None:
    data = with_dimensions(jpeg(progressive), width, height)
    grown = peak_growth("photo", data, jpeg(False), folder)
    assert grown["result"] == str(expected)
    assert grown["self"] < 2 * len(data) + 30 * MB
