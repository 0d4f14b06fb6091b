"""The electronic COE as a PDF: one A4 page with the paper COE's items and without the photo (FAQ Q8-2;
004 §2.14), set in the non-embedded HeiseiMin-W3 with UniJIS-UCS2-H, every line one UTF-16BE `Tj`
that `text_of` reads back."""
from __future__ import annotations

import io

import pikepdf
from pikepdf import Array, Dictionary, Name

PAGE_WIDTH, PAGE_HEIGHT = 595, 842     # A4 in points
MARGIN = 56
VALUE_X = 220                          # the value column; labels start at MARGIN
TITLE_SIZE, ITEM_SIZE, FOOTER_SIZE = 16.0, 10.5, 9.0
ITEM_LEADING, FOOTER_LEADING = 20.0, 13.0
TITLE_Y = PAGE_HEIGHT - 80
FIRST_ITEM_Y = TITLE_Y - 50
FOOTER_Y = 56                          # the baseline of the footer's last line

# UniJIS-UCS2-H maps U+0020-U+007E to Adobe-Japan1 CIDs 1-95, the proportional Roman glyphs; their widths in
# HeiseiMin-W3 (1/1000 em). CIDs 231-632 are the half-width forms (500); every other CID is 1000 wide (DW).
PROPORTIONAL = tuple(int(w) for w in """
    250 333 408 500 500 833 778 180 333 333 500 564 250 333 250 278 500 500 500 500 500 500 500 500 500 500 278
    278 564 564 564 444 921 722 667 667 722 611 556 722 722 333 389 722 611 889 722 722 556 722 667 556 611 722
    722 944 722 722 611 333 500 333 469 500 333 444 500 444 500 444 333 500 500 278 278 500 278 778 500 500 500
    500 333 389 278 500 500 722 500 500 444 480 200 480 333""".split())
HALF_WIDTH_KATAKANA = range(0xFF61, 0xFFA0)


def render_coe(title: str, items: list[tuple[str, str]], footer: str = "") -> bytes:
    """The COE: the title centred at the top, each item as label and value in two columns (a value too
    wide for its column goes on over the next lines), the footer's lines at the bottom of the page."""
    lines: list[tuple[float, float, float, str]] = []     # (x, y, size, text) in drawing order
    lines.append((max(MARGIN, (PAGE_WIDTH - _width(_drawable(title), TITLE_SIZE)) / 2), TITLE_Y, TITLE_SIZE, title))
    y = FIRST_ITEM_Y
    for label, value in items:
        labels = _wrap(label, ITEM_SIZE, VALUE_X - MARGIN - ITEM_SIZE)
        values = _wrap(value, ITEM_SIZE, PAGE_WIDTH - MARGIN - VALUE_X)
        lines += [(MARGIN, y - i * ITEM_LEADING, ITEM_SIZE, text) for i, text in enumerate(labels)]
        lines += [(VALUE_X, y - i * ITEM_LEADING, ITEM_SIZE, text) for i, text in enumerate(values)]
        y -= max(len(labels), len(values)) * ITEM_LEADING
    below = [piece for line in footer.splitlines() for piece in _wrap(line, FOOTER_SIZE, PAGE_WIDTH - 2 * MARGIN)]
    top = FOOTER_Y + (len(below) - 1) * FOOTER_LEADING
    lines += [(MARGIN, top - i * FOOTER_LEADING, FOOTER_SIZE, text) for i, text in enumerate(below)]

    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(PAGE_WIDTH, PAGE_HEIGHT))
    page.obj.Resources = Dictionary(Font=Dictionary(F1=pdf.make_indirect(_font(pdf))))
    content = b"".join(f"BT /F1 {size:g} Tf 1 0 0 1 {x:.2f} {y:.2f} Tm <{_encode(text).hex().upper()}> Tj ET\n".encode()
                       for x, y, size, text in lines)
    page.obj.Contents = pdf.make_stream(content)
    pdf.docinfo[Name.Title] = title
    pdf.docinfo[Name.Producer] = "rasim"
    buf = io.BytesIO()
    pdf.save(buf, deterministic_id=True)
    return buf.getvalue()


def text_of(data: bytes) -> list[str]:
    """The text drawn on the pages, in drawing order: one entry per `Tj` or `TJ`, decoded from UTF-16BE."""
    found: list[str] = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for operands, operator in pikepdf.parse_content_stream(page, "Tj TJ"):
                if str(operator) == "Tj":
                    raw = bytes(operands[0])
                else:
                    raw = b"".join(bytes(part) for part in operands[0] if isinstance(part, pikepdf.String))
                found.append(raw.decode("utf-16-be", errors="replace"))
    return found


def _font(pdf: pikepdf.Pdf) -> Dictionary:
    descriptor = Dictionary(Type=Name.FontDescriptor, FontName=Name("/HeiseiMin-W3"), Flags=6,
                            FontBBox=Array([-123, -257, 1001, 910]), ItalicAngle=0, Ascent=723, Descent=-241,
                            CapHeight=709, StemV=69)
    cid_font = Dictionary(Type=Name.Font, Subtype=Name.CIDFontType0, BaseFont=Name("/HeiseiMin-W3"),
                          CIDSystemInfo=Dictionary(Registry=pikepdf.String("Adobe"), Ordering=pikepdf.String("Japan1"),
                                                   Supplement=2),
                          FontDescriptor=pdf.make_indirect(descriptor), DW=1000,
                          W=Array([1, Array(list(PROPORTIONAL)), 231, 632, 500]))
    return Dictionary(Type=Name.Font, Subtype=Name.Type0, BaseFont=Name("/HeiseiMin-W3"),
                      Encoding=Name("/UniJIS-UCS2-H"), DescendantFonts=Array([pdf.make_indirect(cid_font)]))


def _drawable(text: str) -> str:
    """The text as UCS-2 can carry it: a character outside the BMP (or a lone surrogate) becomes '?'."""
    return "".join(c if ord(c) < 0xD800 or 0xE000 <= ord(c) <= 0xFFFF else "?" for c in text)


def _encode(text: str) -> bytes:
    return _drawable(text).encode("utf-16-be")


def _char_width(c: str) -> int:
    code = ord(c)
    if 0x20 <= code <= 0x7E:
        return PROPORTIONAL[code - 0x20]
    return 500 if code in HALF_WIDTH_KATAKANA else 1000


def _width(text: str, size: float) -> float:
    return sum(_char_width(c) for c in text) * size / 1000


def _wrap(text: str, size: float, room: float) -> list[str]:
    """The text cut, between any two characters, into lines no wider than room (each at least one
    character); joined, the lines give the text back. An empty text is one empty line."""
    text = _drawable(text)
    pieces: list[str] = []
    start, used = 0, 0.0
    for i, c in enumerate(text):
        w = _char_width(c) * size / 1000
        if i > start and used + w > room:
            pieces.append(text[start:i])
            start, used = i, 0.0
        used += w
    pieces.append(text[start:])
    return pieces
