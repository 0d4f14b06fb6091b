"""The face-photo check (顔写真, manual screen S17): the system's codes in its own order, WZBAM146E
0 bytes, 147E over 50 KB, 148E extension not jpg/jpeg, 149E first two bytes not the JPEG SOI marker
FF D8; then rasim's RASIM451E when Pillow cannot decode the file as a JPEG (the seeds name no code for
that), or could only at a cost in memory out of proportion to a 50 KB photo.

Decoding is bounded. The frame header is read here, walking the markers as libjpeg does, before Pillow
is called: more than MAX_PIXELS is refused. A single-scan JPEG is then decoded in libjpeg's 1/8 scale
(draft), which still reads every entropy-coded block, so a truncated file is found, while the output
stays at 1/64 of the pixels. A progressive (or lossless, hierarchical, or non-interleaved) JPEG is
different: libjpeg keeps every DCT coefficient of the image, 2 bytes a sample, whatever the scale and
however little data follows, so its padded size × components × 2 must be within MAX_COEFFICIENT_BYTES.

Also the stand-in for the agency's 「顔写真不要者用データ」 (FAQ Q4-7): a plain grey JPEG in static/."""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

MAX_PHOTO_BYTES = 51200                  # 「50キロバイト」 read as 50 × 1024 bytes
MAX_PIXELS = 40_000_000                  # frame width × height above this is refused undecoded
MAX_COEFFICIENT_BYTES = 32 * 1024 * 1024  # libjpeg's whole-image coefficient buffer, for multi-scan files
EXTENSIONS = (".jpg", ".jpeg")           # compared case-insensitively
SOI = b"\xff\xd8"                        # JPEG start-of-image marker
SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}     # start-of-frame markers
SEQUENTIAL = {0xC0, 0xC1, 0xC9}          # baseline, extended (Huffman), extended (arithmetic)
STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM and RSTn: markers without a length
SOS, EOI = 0xDA, 0xD9
MCU_PADDING = 32                         # an MCU is at most 32 × 32 pixels (sampling factor 4)
FORMATS = ("JPEG", "MPO")                # MPO: Pillow's name for a multi-picture JPEG (decoded: its first frame)

EXEMPT_PATH = Path(__file__).resolve().parent.parent / "web" / "static" / "photo-exempt.jpg"
PHOTO_EXEMPT_SHA256 = "fca38abb3cfd8c3595f70ea6f13519ee45d4c2776397dce5cd9835c260ae12d4"


@dataclass(frozen=True)
class Frame:
    """What the frame header (SOFn) and the first scan header (SOS) say."""
    marker: int
    width: int
    height: int
    components: int
    first_scan_components: int | None       # None: no scan header was reached

    @property
    def whole_image_buffer(self) -> bool:
        """True when libjpeg keeps all coefficients: not sequential, or a first scan of fewer components."""
        scan = self.first_scan_components
        return self.marker not in SEQUENTIAL or (scan is not None and scan < self.components)

    def coefficient_bytes(self) -> int:
        def padded(n: int) -> int:
            return -(-n // MCU_PADDING) * MCU_PADDING
        return padded(self.width) * padded(self.height) * max(self.components, 1) * 2


def photo_problem(filename: str, data: bytes, max_bytes: int = MAX_PHOTO_BYTES) -> str | None:
    """The code of the first problem with an uploaded face photo, or None when it is acceptable."""
    if len(data) == 0:
        return "WZBAM146E"
    if len(data) > max_bytes:
        return "WZBAM147E"
    if not has_jpeg_extension(filename):
        return "WZBAM148E"
    if bytes(data[:2]) != SOI:
        return "WZBAM149E"
    if not decodes_as_jpeg(data):
        return "RASIM451E"
    return None


def has_jpeg_extension(filename: str) -> bool:
    return filename.lower().endswith(EXTENSIONS)


def within_bounds(frame: Frame, max_pixels: int = MAX_PIXELS) -> bool:
    if not 0 < frame.width * frame.height <= max_pixels:
        return False
    return not frame.whole_image_buffer or frame.coefficient_bytes() <= MAX_COEFFICIENT_BYTES


def decodes_as_jpeg(data: bytes, max_pixels: int = MAX_PIXELS) -> bool:
    """True when `data` is a JPEG within bounds that Pillow decodes to the end. Never raises: every failure
    (UnidentifiedImageError, OSError for truncation, SyntaxError for bad markers, DecompressionBombError,
    or the warning when warnings are errors, ValueError, struct.error...) is False.
    Relies on Pillow's default ImageFile.LOAD_TRUNCATED_IMAGES = False."""
    try:
        frame = read_frame(data)
        if frame is None or frame.first_scan_components is None or not within_bounds(frame, max_pixels):
            return False                    # libjpeg cannot start without both headers either
        with Image.open(io.BytesIO(data), formats=["JPEG"]) as image:
            if image.format not in FORMATS or image.size != (frame.width, frame.height):
                return False                # Pillow read another frame header than libjpeg will use
            image.draft(image.mode, (1, 1))     # DCT scaling: 1/8 of each dimension (when at least 8)
            image.load()
    except Exception:
        return False
    return True


def read_frame(data: bytes) -> Frame | None:
    """The first frame header and the component count of the first scan, walking the markers from SOI as
    libjpeg's next_marker does (bytes other than FF between segments, and FF fill bytes, are skipped);
    None when there is no frame header before the first scan or the end of the image."""
    frame: Frame | None = None
    i, end = 2, len(data)
    while i < end:
        while i < end and data[i] != 0xFF:
            i += 1
        while i < end and data[i] == 0xFF:
            i += 1
        if i >= end:
            break
        marker = data[i]
        i += 1
        if marker == 0x00 or marker in STANDALONE:
            continue
        if marker in (EOI, 0xD8):           # the end, or a second SOI (which libjpeg refuses)
            break
        if i + 2 > end:
            break
        length = int.from_bytes(data[i:i + 2], "big")
        if marker in SOF and frame is None:
            if i + 8 > end:
                return None
            height, width = int.from_bytes(data[i + 3:i + 5], "big"), int.from_bytes(data[i + 5:i + 7], "big")
            frame = Frame(marker, width, height, data[i + 7], None)
        elif marker == SOS:
            if frame is None or i + 3 > end:
                return frame
            return Frame(frame.marker, frame.width, frame.height, frame.components, data[i + 2])
        i += max(length, 2)
    return frame


def photo_exempt_image() -> bytes:
    """rasim's stand-in for the agency's published dummy image for applicants exempt from the photo."""
    return EXEMPT_PATH.read_bytes()


def is_photo_exempt_image(data: bytes) -> bool:
    return hashlib.sha256(data).hexdigest() == PHOTO_EXEMPT_SHA256
