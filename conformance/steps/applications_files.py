"""Individual applications, the files of a row (FAQ Q4): the photo, the documents (PDF) and the receipt
method. Photos and PDFs are made here, of any exact size: a JPEG padded with a comment segment, a
hand-written PDF padded with a stream (pikepdf only for the encrypted and restricted ones)."""
from __future__ import annotations

import io
import uuid

from pytest_bdd import parsers, step, then

from conformance.client import Reply
from conformance.steps.applications_common import PHOTO_EXEMPT_PATH, RECEIPT_METHODS, _application_id, _as, _owner
from conformance.steps.world import World, expect_ok


# -- the photo ---------------------------------------------------------------------------------------------------

def jpeg_bytes() -> bytes:
    """A small JPEG photo (grey, 240 × 320), a different one each call."""
    from PIL import Image

    shade = uuid.uuid4().int % 60
    buf = io.BytesIO()
    Image.new("RGB", (240, 320), (150 + shade, 160, 170)).save(buf, "JPEG", quality=85)
    return buf.getvalue()


def pad_jpeg(base: bytes, size: int) -> bytes:
    """`base` grown to exactly `size` bytes with comment segments (FF FE) after SOI."""
    pad = size - len(base)
    assert pad == 0 or pad >= 4, f"cannot make a JPEG of {size} bytes from one of {len(base)}"
    out = bytearray(base[:2])
    while pad > 0:
        chunk = min(pad - 4, 65533)
        if 0 < pad - 4 - chunk < 4:
            chunk -= 4
        out += b"\xff\xfe" + (chunk + 2).to_bytes(2, "big") + b" " * chunk
        pad -= chunk + 4
    return bytes(out + base[2:])


def jpeg_of_size(size: int) -> bytes:
    return pad_jpeg(jpeg_bytes(), size)


def png_bytes() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (240, 320), (180, 170, 160)).save(buf, "PNG")
    return buf.getvalue()


def _attach_photo(world: World, who: str, applicant: str, filename: str, data: bytes) -> Reply:
    app_id = _application_id(world, applicant)
    reply = world.record(_as(world, who, lambda t: world.client.attach_photo(t, app_id, filename, data)))
    if reply.ok:
        world.scratch["photo"] = data
    return reply


def _size(text: str) -> int:
    return int(text.replace(",", ""))


@step(parsers.parse("「{who}」が「{applicant}」の申請に顔写真を添付する"))
def attach_photo(world: World, who: str, applicant: str) -> None:
    _attach_photo(world, who, applicant, "顔写真.jpg", jpeg_of_size(8000))


@step(parsers.re(r"「(?P<who>[^」]+)」が「(?P<applicant>[^」]+)」の申請に(?P<size>[\d,]+)バイトの顔写真「(?P<filename>[^」]+)」を添付する"))
def attach_photo_sized(world: World, who: str, applicant: str, size: str, filename: str) -> None:
    _attach_photo(world, who, applicant, filename, jpeg_of_size(_size(size)))


@step(parsers.parse("「{who}」が「{applicant}」の申請にPNG形式の画像を顔写真「{filename}」として添付する"))
def attach_png(world: World, who: str, applicant: str, filename: str) -> None:
    _attach_photo(world, who, applicant, filename, png_bytes())


@step(parsers.parse("「{who}」が対象システムの公開する顔写真不要者用データを「{applicant}」の申請に添付する"))
def attach_photo_exempt_image(world: World, who: str, applicant: str) -> None:
    """FAQ Q4-7: the dummy image of the ISA website; each system publishes its own (rasim: /static/photo-exempt.jpg)."""
    got = world.client.download(PHOTO_EXEMPT_PATH)
    assert got.ok and got.content[:2] == b"\xff\xd8", f"{PHOTO_EXEMPT_PATH}: HTTP {got.status} {got.content_type}"
    _attach_photo(world, who, applicant, "photo-exempt.jpg", got.content)


@then(parsers.parse("「{applicant}」の申請の顔写真確認で添付した顔写真が表示される"))
def photo_shown(world: World, applicant: str) -> None:
    app_id = _application_id(world, applicant)
    got = _as(world, _owner(world, applicant), lambda t: world.client.photo(t, app_id))
    assert got.ok, f"getPhoto: HTTP {got.status}"
    assert got.content == world.scratch.get("photo"), "the photo shown is not the one attached"


# -- the documents -----------------------------------------------------------------------------------------------

def _pdf(filler: int, objects_at: int = 0) -> bytes:
    """A one-page PDF (ISO 32000-1) whose filler stream is `filler` bytes; `objects_at` shifts the offsets of
    the cross-reference table (a file that needs repair: not ISO 32000-1)."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>",
            b"<< /Length %d >>\nstream\n" % filler + b"%" * filler + b"\nendstream"]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % (off + objects_at)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref + objects_at)
    return bytes(out)


def pdf_of_size(size: int) -> bytes:
    filler = max(0, size - len(_pdf(0)))
    for _ in range(5):
        data = _pdf(filler)
        if len(data) == size:
            return data
        filler += size - len(data)
    raise AssertionError(f"cannot make a PDF of {size} bytes")


def secured_pdf(kind: str) -> bytes:
    """A PDF that the agency cannot view (FAQ Q4-2): password, print or copy restriction, or not ISO 32000-1."""
    if kind == "ISO 32000-1に準拠しない":
        return _pdf(3000, objects_at=7)
    import pikepdf

    allow = {"パスワード付き": pikepdf.Permissions(), "印刷禁止": pikepdf.Permissions(print_lowres=False, print_highres=False),
             "コピー禁止": pikepdf.Permissions(extract=False, accessibility=False)}[kind]
    user = "secret" if kind == "パスワード付き" else ""
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(pdf_of_size(4000))) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(owner="owner-" + uuid.uuid4().hex[:8], user=user, allow=allow))
    return out.getvalue()


def _attach_documents(world: World, who: str, applicant: str, filename: str, data: bytes) -> Reply:
    app_id = _application_id(world, applicant)
    return world.record(_as(world, who, lambda t: world.client.attach_documents(t, app_id, filename, data)))


@step(parsers.parse("「{who}」が「{applicant}」の申請に資料(PDF)を添付する"))
def attach_documents(world: World, who: str, applicant: str) -> None:
    _attach_documents(world, who, applicant, "資料.pdf", pdf_of_size(4000))


@step(parsers.re(r"「(?P<who>[^」]+)」が「(?P<applicant>[^」]+)」の申請に(?P<size>[\d,]+)バイトのPDFファイルを資料として添付する"))
def attach_documents_sized(world: World, who: str, applicant: str, size: str) -> None:
    _attach_documents(world, who, applicant, "資料.pdf", pdf_of_size(_size(size)))


@step(parsers.parse("「{who}」が「{applicant}」の申請にPDFの資料をファイル名「{filename}」で添付する"))
def attach_documents_named(world: World, who: str, applicant: str, filename: str) -> None:
    _attach_documents(world, who, applicant, filename, pdf_of_size(4000))


@step(parsers.re(r"「(?P<who>[^」]+)」が「(?P<applicant>[^」]+)」の申請に(?P<kind>パスワード付き|印刷禁止|コピー禁止|"
                 r"ISO 32000-1に準拠しない)のPDFファイルを資料として添付する"))
def attach_secured(world: World, who: str, applicant: str, kind: str) -> None:
    _attach_documents(world, who, applicant, "資料.pdf", secured_pdf(kind))


@then(parsers.parse("証跡には「{applicant}」の申請の資料が当庁で確認できないエラーファイルとして記録されている"))
def error_file_recorded(world: World, applicant: str) -> None:
    app_id = _application_id(world, applicant)
    entries = expect_ok(world.client.audit_entries(action="application.documents_attached",
                                                   target=f"application:{app_id}"), "listAuditEntries")["entries"]
    assert entries, f"no audit entry of the documents of application {app_id}"
    assert entries[0]["detail"].get("error_file") is True, entries[0]


# -- receipt method ---------------------------------------------------------------------------------------------

@step(parsers.parse("「{who}」が「{applicant}」の申請の受領方法に「{method}」を選ぶ"))
def choose_receipt_method(world: World, who: str, applicant: str, method: str) -> None:
    app_id = _application_id(world, applicant)
    world.record(_as(world, who, lambda t: world.client.set_receipt_method(
        t, app_id, card_receipt_method=RECEIPT_METHODS[method])))
