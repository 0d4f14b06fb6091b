"""The files the load users attach: a face photo (a JPEG well under the 50 KB of WZBAM147E) and the documents
(a one-page PDF). Made once per process."""
from __future__ import annotations

import io
from functools import cache


@cache
def photo() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (300, 400), (214, 222, 230))
    draw = ImageDraw.Draw(image)
    draw.ellipse((80, 70, 220, 250), fill=(224, 186, 160))    # a face
    draw.rectangle((50, 260, 250, 400), fill=(40, 50, 70))    # the shoulders
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=80)
    data = buf.getvalue()
    assert len(data) <= 50 * 1024, len(data)
    return data


@cache
def documents() -> bytes:
    import pikepdf

    doc = pikepdf.new()
    doc.add_blank_page(page_size=(595, 842))
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
