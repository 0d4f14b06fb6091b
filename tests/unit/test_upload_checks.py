"""Examples for the upload adapters: every code of the face-photo check (simulator/adapters/photo.py),
every reason of the documents check (simulator/adapters/pdf.py) and the capped streaming receipt
(simulator/adapters/uploads.py). The files are built here with Pillow and pikepdf."""
from __future__ import annotations

import hashlib
import io
import random
import stat
import warnings
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageFile

from simulator.adapters import pdf as pdf_check
from simulator.adapters import uploads
from simulator.adapters.pdf import PdfInspection, inspect_pdf, inspect_pdf_in_process
from simulator.adapters.photo import (MAX_COEFFICIENT_BYTES, MAX_PIXELS, PHOTO_EXEMPT_SHA256, Frame,
                                      is_photo_exempt_image, photo_exempt_image, photo_problem, read_frame)

SOF_MARKERS = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


# --- building files ----------------------------------------------------------------------------------

def jpeg(size: tuple[int, int] = (90, 120), quality: int = 85, progressive: bool = False, seed: int = 0) -> bytes:
    """A JPEG of random pixels (so that its entropy-coded data is long enough to truncate)."""
    noise = random.Random(seed).randbytes(size[0] * size[1] * 3)
    out = io.BytesIO()
    Image.frombytes("RGB", size, noise).save(out, "JPEG", quality=quality, progressive=progressive)
    return out.getvalue()


def padded(data: bytes, total: int) -> bytes:
    """`data` with a COM segment after SOI, so that it is exactly `total` bytes and still a valid JPEG."""
    filler = total - len(data) - 4
    assert 0 <= filler <= 65533
    return data[:2] + b"\xff\xfe" + (filler + 2).to_bytes(2, "big") + b"\x00" * filler + data[2:]


def with_dimensions(data: bytes, width: int, height: int) -> bytes:
    """`data` with its SOF header claiming width × height (the entropy-coded data is left as it is)."""
    i = 2
    while i + 4 <= len(data) and data[i] == 0xFF:
        marker, length = data[i + 1], int.from_bytes(data[i + 2:i + 4], "big")
        if marker in SOF_MARKERS:
            return data[:i + 5] + height.to_bytes(2, "big") + width.to_bytes(2, "big") + data[i + 9:]
        i += 2 + length
    raise AssertionError("no SOF marker")


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (30, 40), (200, 200, 200)).save(out, "PNG")
    return out.getvalue()


def pdf_file(path: Path, pages: int = 2, encryption: pikepdf.Encryption | None = None) -> Path:
    with pikepdf.new() as doc:
        for _ in range(pages):
            doc.add_blank_page(page_size=(595, 842))
        doc.save(path, encryption=encryption if encryption is not None else False)
    return path


def owner_only(**allow: bool) -> pikepdf.Encryption:
    return pikepdf.Encryption(owner="owner-secret", user="", allow=pikepdf.Permissions(**allow))


# --- face photo ----------------------------------------------------------------------------------------

def test_a_valid_jpeg_is_accepted() -> None:
    assert photo_problem("photo.jpg", jpeg()) is None


@pytest.mark.parametrize("name", ["photo.JPG", "photo.jpeg", "PHOTO.JPEG", "写真.Jpg", "a.b.jpg"])
def test_jpg_and_jpeg_are_accepted_in_any_case(name: str) -> None:
    assert photo_problem(name, jpeg()) is None


def test_a_progressive_jpeg_is_accepted() -> None:
    assert photo_problem("photo.jpg", jpeg(progressive=True)) is None


def test_zero_bytes_is_146e_before_anything_else() -> None:
    assert photo_problem("photo.jpg", b"") == "WZBAM146E"
    assert photo_problem("photo.png", b"") == "WZBAM146E"


def test_exactly_50_kb_is_accepted_and_one_byte_more_is_147e() -> None:
    at_limit = padded(jpeg(), 51200)
    assert len(at_limit) == 51200
    assert photo_problem("photo.jpg", at_limit) is None
    over = padded(jpeg(), 51201)
    assert photo_problem("photo.jpg", over) == "WZBAM147E"
    assert photo_problem("photo.png", over) == "WZBAM147E"     # the size comes before the extension


def test_the_size_limit_is_a_parameter() -> None:
    data = jpeg()
    assert photo_problem("photo.jpg", data, max_bytes=len(data)) is None
    assert photo_problem("photo.jpg", data, max_bytes=len(data) - 1) == "WZBAM147E"


@pytest.mark.parametrize("name", ["photo.png", "photo", "photo.jpg.png", "photo.jpe", "photo.jpgx", "jpg", "photo.jpg "])
def test_an_extension_other_than_jpg_or_jpeg_is_148e(name: str) -> None:
    assert photo_problem(name, jpeg()) == "WZBAM148E"


def test_the_extension_comes_before_the_signature() -> None:
    assert photo_problem("photo.png", png()) == "WZBAM148E"


def test_png_bytes_named_jpg_are_149e() -> None:
    assert photo_problem("photo.jpg", png()) == "WZBAM149E"


@pytest.mark.parametrize("head", [b"\xff", b"\xd8\xff", b"\x00\xd8", b"\xff\xd9"])
def test_first_two_bytes_other_than_ff_d8_are_149e(head: bytes) -> None:
    assert photo_problem("photo.jpg", head + jpeg()[2:]) == "WZBAM149E"


def test_a_truncated_jpeg_is_rasim451e() -> None:
    data = jpeg()
    assert photo_problem("photo.jpg", data[: len(data) // 2]) == "RASIM451E"
    assert photo_problem("photo.jpg", data[:2]) == "RASIM451E"


def test_a_truncated_progressive_jpeg_is_rasim451e() -> None:
    data = jpeg(progressive=True)
    assert photo_problem("photo.jpg", data[: len(data) // 2]) == "RASIM451E"


def test_garbage_after_the_signature_is_rasim451e() -> None:
    garbage = random.Random(1).randbytes(3000)
    assert photo_problem("photo.jpg", b"\xff\xd8" + garbage) == "RASIM451E"
    assert photo_problem("photo.jpg", b"\xff\xd8\xff" + garbage) == "RASIM451E"


def test_a_zero_dimension_is_rasim451e() -> None:
    assert photo_problem("photo.jpg", with_dimensions(jpeg(), 0, 120)) == "RASIM451E"


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """Records the size of every image Pillow starts decoding."""
    seen: list[tuple[int, int]] = []
    original = ImageFile.ImageFile.load

    def load(self: ImageFile.ImageFile):  # type: ignore[no-untyped-def]
        seen.append(self.size)
        return original(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    return seen


def test_a_header_claiming_60000_by_60000_is_rasim451e_without_decoding(loads: list) -> None:
    assert photo_problem("photo.jpg", with_dimensions(jpeg(), 60000, 60000)) == "RASIM451E"
    assert loads == []


def test_the_pixel_limit_is_checked_on_the_header_before_decoding(loads: list) -> None:
    assert MAX_PIXELS == 40_000_000
    over = with_dimensions(jpeg(), 8000, 5001)       # 40,008,000 pixels: under Pillow's own bomb limit
    assert photo_problem("photo.jpg", over) == "RASIM451E"
    assert loads == []
    at = with_dimensions(jpeg(), 8000, 5000)[:-2]    # exactly the limit: decoded, in 1/8 scale
    assert photo_problem("photo.jpg", at) == "RASIM451E"     # no EOI: its data ends before 8000 × 5000 is filled
    assert loads == [(1000, 625)]


def test_lying_dimensions_pass_when_libjpeg_recovers() -> None:
    """Pillow does not report libjpeg's warnings: short entropy-coded data followed by EOI decodes (the
    rest is filled in), so only what Pillow refuses is RASIM451E."""
    assert photo_problem("photo.jpg", with_dimensions(jpeg(), 800, 1200)) is None


def test_the_frame_and_first_scan_headers_are_read_without_pillow() -> None:
    assert read_frame(jpeg()) == Frame(0xC0, 90, 120, 3, 3)
    assert read_frame(jpeg(progressive=True)) == Frame(0xC2, 90, 120, 3, 3)     # first scan: the DC of all three
    assert read_frame(with_dimensions(jpeg(), 65535, 1)) == Frame(0xC0, 65535, 1, 3, 3)
    sof = b"\xff\xc0\x00\x11\x08\x00\x02\x00\x03\x03" + b"\x01\x11\x00\x02\x11\x00\x03\x11\x00"
    sos = b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00"
    assert read_frame(b"\xff\xd8" + sof + sos) == Frame(0xC0, 3, 2, 3, 1)
    assert read_frame(b"\xff\xd8junk\xff\xff" + sof + b"\xff\x00" + sos) == Frame(0xC0, 3, 2, 3, 1)   # as libjpeg skips
    assert read_frame(b"\xff\xd8" + sof) == Frame(0xC0, 3, 2, 3, None)
    assert read_frame(jpeg()[:20]) is None
    assert read_frame(b"\xff\xd8" + b"\x00" * 40) is None
    assert read_frame(b"\xff\xd8\xff\xda\x00\x02") is None


def test_which_frames_keep_a_whole_image_coefficient_buffer() -> None:
    assert not Frame(0xC0, 10, 10, 3, 3).whole_image_buffer              # baseline, interleaved
    assert Frame(0xC0, 10, 10, 3, 1).whole_image_buffer                  # baseline, one component a scan
    assert Frame(0xC2, 10, 10, 3, 3).whole_image_buffer                  # progressive
    assert Frame(0xC3, 10, 10, 1, 1).whole_image_buffer                  # lossless
    assert Frame(0xC2, 1, 1, 1, 1).coefficient_bytes() == 32 * 32 * 2      # padded to whole MCUs


def test_a_non_interleaved_jpeg_over_the_coefficient_budget_is_rasim451e(loads: list) -> None:
    sof = b"\xff\xc0\x00\x11\x08" + (3000).to_bytes(2, "big") + (3000).to_bytes(2, "big") + b"\x03"
    sof += b"\x01\x11\x00\x02\x11\x00\x03\x11\x00"
    sos = b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00"
    assert photo_problem("photo.jpg", b"\xff\xd8" + sof + sos + b"\x00" * 100 + b"\xff\xd9") == "RASIM451E"
    assert loads == []


def test_a_progressive_jpeg_is_held_to_the_coefficient_budget(loads: list) -> None:
    assert MAX_COEFFICIENT_BYTES == 32 * 1024 * 1024
    within = with_dimensions(jpeg(progressive=True), 2016, 2016)    # 2016 × 2016 × 3 × 2 = 24.4 MB
    assert photo_problem("photo.jpg", within) is None               # short data, then EOI: libjpeg fills in
    assert loads == [(252, 252)]
    over = with_dimensions(jpeg(progressive=True), 2400, 2400)      # 34.6 MB: refused undecoded
    assert photo_problem("photo.jpg", over) == "RASIM451E"
    assert loads == [(252, 252)]
    assert photo_problem("photo.jpg", with_dimensions(jpeg(), 2400, 2400)) is None      # baseline: no such buffer


def test_huge_dimensions_raise_no_pillow_warning() -> None:
    data = with_dimensions(jpeg(), 10000, 10000)           # 100 MP: Pillow itself would only warn
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert photo_problem("photo.jpg", data) == "RASIM451E"
    assert [w for w in caught if issubclass(w.category, Image.DecompressionBombWarning)] == []


def test_a_valid_jpeg_is_decoded_at_one_eighth_scale(loads: list) -> None:
    assert photo_problem("photo.jpg", jpeg(size=(800, 600)), max_bytes=10**6) is None
    assert loads == [(100, 75)]


def test_the_photo_exempt_image_is_the_static_file_and_itself_acceptable() -> None:
    data = photo_exempt_image()
    assert hashlib.sha256(data).hexdigest() == PHOTO_EXEMPT_SHA256
    assert is_photo_exempt_image(data)
    assert len(data) < 10 * 1024
    assert photo_problem("photo-exempt.jpg", data) is None
    with Image.open(io.BytesIO(data)) as image:
        assert (image.format, image.size) == ("JPEG", (300, 400))
        image = image.convert("L")
        low, high = image.getextrema()
    assert 200 <= low <= high <= 240 and high - low <= 2       # plain light grey: nothing drawn on it


def test_another_jpeg_is_not_the_photo_exempt_image() -> None:
    assert not is_photo_exempt_image(jpeg())
    assert not is_photo_exempt_image(photo_exempt_image() + b"\x00")
    assert not is_photo_exempt_image(b"")


# --- documents (PDF) -----------------------------------------------------------------------------------

CHECKS = [pytest.param(inspect_pdf, id="child"), pytest.param(inspect_pdf_in_process, id="in-process")]


@pytest.mark.parametrize("check", CHECKS)
def test_a_valid_pdf_is_accepted_and_not_flagged(check, tmp_path: Path) -> None:
    assert check(pdf_file(tmp_path / "a.pdf", pages=3)) == PdfInspection(True, False, (), 3)


@pytest.mark.parametrize("check", CHECKS)
def test_a_pdf_needing_a_password_is_flagged_encrypted(check, tmp_path: Path) -> None:
    path = pdf_file(tmp_path / "a.pdf", encryption=pikepdf.Encryption(owner="o", user="open-me"))
    assert check(path) == PdfInspection(True, True, ("encrypted",), None)


@pytest.mark.parametrize("check", CHECKS)
def test_any_encryption_is_flagged_even_without_a_user_password(check, tmp_path: Path) -> None:
    assert check(pdf_file(tmp_path / "a.pdf", encryption=owner_only())) == PdfInspection(True, True, ("encrypted",), 2)
    rc4 = pikepdf.Encryption(owner="o", user="", R=3, aes=False, metadata=False)
    assert check(pdf_file(tmp_path / "b.pdf", encryption=rc4)).reasons == ("encrypted",)


@pytest.mark.parametrize("check", CHECKS)
def test_print_restriction_is_flagged(check, tmp_path: Path) -> None:
    no_print = owner_only(print_lowres=False, print_highres=False)
    assert check(pdf_file(tmp_path / "a.pdf", encryption=no_print)) == PdfInspection(
        True, True, ("encrypted", "print_restricted"), 2)
    low_only = owner_only(print_highres=False)
    assert check(pdf_file(tmp_path / "b.pdf", encryption=low_only)).reasons == ("encrypted", "print_restricted")


@pytest.mark.parametrize("check", CHECKS)
def test_copy_restriction_is_flagged(check, tmp_path: Path) -> None:
    no_copy = owner_only(extract=False)
    assert check(pdf_file(tmp_path / "a.pdf", encryption=no_copy)) == PdfInspection(
        True, True, ("encrypted", "copy_restricted"), 2)
    both = owner_only(extract=False, print_lowres=False, print_highres=False)
    assert check(pdf_file(tmp_path / "b.pdf", encryption=both)).reasons == ("encrypted", "print_restricted",
                                                                            "copy_restricted")


@pytest.mark.parametrize("check", CHECKS)
def test_garbage_after_the_signature_is_not_iso_32000_1(check, tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    path.write_bytes(b"%PDF-" + random.Random(2).randbytes(4000))
    assert check(path) == PdfInspection(True, True, ("not_iso_32000_1",), None)


@pytest.mark.parametrize("check", CHECKS)
def test_a_pdf_needing_repair_is_not_iso_32000_1(check, tmp_path: Path) -> None:
    good = pdf_file(tmp_path / "good.pdf").read_bytes()
    end = good.rindex(b"startxref")
    broken_xref = tmp_path / "xref.pdf"
    broken_xref.write_bytes(good[:end] + b"startxref\n12\n%%EOF\n")
    assert check(broken_xref) == PdfInspection(True, True, ("not_iso_32000_1",), None)
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(good[: len(good) // 2])
    assert check(truncated).reasons == ("not_iso_32000_1",)


@pytest.mark.parametrize("check", CHECKS)
def test_a_qpdf_warning_while_reading_the_page_tree_is_not_iso_32000_1(check, tmp_path: Path) -> None:
    good = pdf_file(tmp_path / "good.pdf", pages=1).read_bytes()
    path = tmp_path / "a.pdf"
    path.write_bytes(good.replace(b"/Resources << >>", b"/Resources 99   "))    # must be a dictionary; same length
    assert check(path).reasons == ("not_iso_32000_1",)


@pytest.mark.parametrize("check", CHECKS)
@pytest.mark.parametrize("content", [b"", b"%PDF", b" %PDF-1.7\n", b"\xef\xbb\xbf%PDF-1.7", b"PK\x03\x04", b"%pdf-1.7"])
def test_a_file_not_starting_with_the_signature_is_not_a_pdf(check, content: bytes, tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    path.write_bytes(content + pdf_file(tmp_path / "b.pdf").read_bytes()[8:])
    assert check(path) == PdfInspection(False, False, (), None)


@pytest.mark.parametrize("check", CHECKS)
def test_a_missing_file_is_not_a_pdf(check, tmp_path: Path) -> None:
    assert check(tmp_path / "missing.pdf") == PdfInspection(False, False, (), None)
    assert check(tmp_path) == PdfInspection(False, False, (), None)


def test_a_child_that_cannot_start_or_finish_makes_the_file_not_iso(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = pdf_file(tmp_path / "a.pdf")
    monkeypatch.setattr(pdf_check, "TIMEOUT", 0.001)
    assert inspect_pdf(path) == PdfInspection(True, True, ("not_iso_32000_1",), None)
    monkeypatch.setattr(pdf_check, "TIMEOUT", 20.0)

    def no_fork() -> int:
        raise OSError("no more processes")

    monkeypatch.setattr(pdf_check.os, "fork", no_fork)
    assert inspect_pdf(path) == PdfInspection(True, True, ("not_iso_32000_1",), None)
    monkeypatch.delattr(pdf_check.os, "fork")          # the new-interpreter child, where there is no fork
    monkeypatch.setattr(pdf_check.sys, "executable", str(tmp_path / "no-python"))
    assert inspect_pdf(path) == PdfInspection(True, True, ("not_iso_32000_1",), None)


def test_a_child_out_of_memory_makes_the_file_not_iso(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = pdf_file(tmp_path / "a.pdf", pages=3000)
    assert inspect_pdf(path).pages == 3000
    # measured in a new interpreter: a fork may reuse what this process's allocator already holds
    monkeypatch.delattr(pdf_check.os, "fork")
    monkeypatch.setattr(pdf_check, "HEADROOM", -2 * path.stat().st_size)       # no room at all
    assert inspect_pdf(path) == PdfInspection(True, True, ("not_iso_32000_1",), None)


# --- streaming receipt -----------------------------------------------------------------------------------

class Recording(io.BytesIO):
    """A stream that records how much was asked of it, and may answer in shorter reads."""

    def __init__(self, data: bytes, short: int | None = None) -> None:
        super().__init__(data)
        self.asked: list[int] = []
        self.short = short

    def read(self, size: int | None = -1) -> bytes:
        self.asked.append(-1 if size is None else size)
        if self.short is not None and size is not None and size > self.short:
            size = self.short
        return super().read(size)


def test_exactly_the_limit_is_received(tmp_path: Path) -> None:
    data = random.Random(3).randbytes(1000)
    folder = tmp_path / "uploads"
    got = uploads.receive(io.BytesIO(data), limit=1000, folder=folder, chunk=64)
    assert (got.size, got.too_large, got.sha256) == (1000, False, hashlib.sha256(data).hexdigest())
    assert got.path is not None and got.path.parent == folder and got.path.read_bytes() == data
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(got.path.stat().st_mode) == 0o600


def test_one_byte_over_the_limit_is_too_large_and_leaves_nothing(tmp_path: Path) -> None:
    stream = Recording(random.Random(4).randbytes(5000))
    got = uploads.receive(stream, limit=1000, folder=tmp_path, chunk=64)
    assert got == uploads.Received(path=None, size=1001, sha256="", too_large=True)
    assert list(tmp_path.iterdir()) == []
    assert stream.tell() == 1001                 # reading stopped as soon as the limit was passed


def test_limit_plus_one_exactly_is_too_large(tmp_path: Path) -> None:
    got = uploads.receive(io.BytesIO(b"x" * 1001), limit=1000, folder=tmp_path)
    assert (got.too_large, got.size, got.path) == (True, 1001, None)
    assert list(tmp_path.iterdir()) == []


def test_an_empty_stream_is_an_empty_file(tmp_path: Path) -> None:
    got = uploads.receive(io.BytesIO(b""), limit=0, folder=tmp_path)
    assert (got.size, got.too_large, got.sha256) == (0, False, hashlib.sha256(b"").hexdigest())
    assert got.path is not None and got.path.read_bytes() == b""


def test_no_read_asks_for_more_than_one_chunk_and_short_reads_are_fine(tmp_path: Path) -> None:
    data = random.Random(5).randbytes(10_000)
    stream = Recording(data, short=7)
    got = uploads.receive(stream, limit=20_000, folder=tmp_path, chunk=100)
    assert max(stream.asked) <= 100 and min(stream.asked) > 0
    assert got.sha256 == hashlib.sha256(data).hexdigest() and got.path is not None and got.path.read_bytes() == data


def test_a_failing_stream_leaves_no_file_and_its_error_propagates(tmp_path: Path) -> None:
    class Broken(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            if self.tell() >= 300:
                raise ConnectionResetError("client went away")
            return super().read(size)

    with pytest.raises(ConnectionResetError):
        uploads.receive(Broken(b"y" * 1000), limit=10_000, folder=tmp_path, chunk=100)
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_is_used_as_it_is(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    got = uploads.receive(io.BytesIO(b"abc"), limit=10, folder=tmp_path)
    assert got.path is not None and got.path.parent == tmp_path
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o755


def test_keep_renames_into_place_and_discard_removes(tmp_path: Path) -> None:
    first = uploads.receive(io.BytesIO(b"kept"), limit=10, folder=tmp_path / "in")
    dest = uploads.keep(first, tmp_path / "store" / "doc.pdf")
    assert dest == tmp_path / "store" / "doc.pdf" and dest.read_bytes() == b"kept"
    assert first.path is not None and not first.path.exists()
    second = uploads.receive(io.BytesIO(b"gone"), limit=10, folder=tmp_path / "in")
    uploads.discard(second)
    assert list((tmp_path / "in").iterdir()) == []
    uploads.discard(second)                                  # twice is harmless


def test_nothing_to_keep_when_too_large(tmp_path: Path) -> None:
    got = uploads.receive(io.BytesIO(b"12345"), limit=4, folder=tmp_path)
    uploads.discard(got)
    with pytest.raises(ValueError):
        uploads.keep(got, tmp_path / "x")


@pytest.mark.parametrize("limit, chunk", [(-1, 10), (10, 0)])
def test_a_negative_limit_or_empty_chunk_is_a_programming_error(limit: int, chunk: int, tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        uploads.receive(io.BytesIO(b"a"), limit=limit, folder=tmp_path, chunk=chunk)
