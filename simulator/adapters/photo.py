"""The face-photo check (顔写真, manual screen S17): the system's codes in its own order, WZBAM146E
0 bytes, 147E over 50 KB, 148E extension not jpg/jpeg, 149E first two bytes not the JPEG SOI marker
FF D8; then rasim's RASIM451E when Pillow cannot decode the file as a JPEG (the seeds name no code for
that). Decoding is bounded: the header's size is checked against MAX_PIXELS before anything is
decoded, and the decode itself runs in libjpeg's 1/8 scale (draft), which still reads every
entropy-coded block, so a truncated or corrupt file is found, while the output buffer stays small.
Also the stand-in for the agency's 「顔写真不要者用データ」 (FAQ Q4-7): a plain grey JPEG in static/."""
from __future__ import annotations

import hashlib
import io
from pathlib import Path

from PIL import Image

MAX_PHOTO_BYTES = 51200                  # 「50キロバイト」 read as 50 × 1024 bytes
MAX_PIXELS = 40_000_000                  # header width × height above this is refused undecoded
EXTENSIONS = (".jpg", ".jpeg")           # compared case-insensitively
SOI = b"\xff\xd8"                        # JPEG start-of-image marker
FORMATS = ("JPEG", "MPO")                # MPO: Pillow's name for a multi-picture JPEG (decoded: its first frame)

EXEMPT_PATH = Path(__file__).resolve().parent.parent / "web" / "static" / "photo-exempt.jpg"
PHOTO_EXEMPT_SHA256 = "fca38abb3cfd8c3595f70ea6f13519ee45d4c2776397dce5cd9835c260ae12d4"


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


def decodes_as_jpeg(data: bytes, max_pixels: int = MAX_PIXELS) -> bool:
    """True when Pillow reads `data` as a JPEG of at most `max_pixels` and decodes all of it. Never raises:
    every failure (UnidentifiedImageError, OSError for truncation, SyntaxError for bad markers,
    DecompressionBombError, or the warning when warnings are errors, ValueError, struct.error...) is False.
    Relies on Pillow's default ImageFile.LOAD_TRUNCATED_IMAGES = False."""
    try:
        with Image.open(io.BytesIO(data), formats=["JPEG"]) as image:
            width, height = image.size
            if image.format not in FORMATS or width <= 0 or height <= 0 or width * height > max_pixels:
                return False
            image.draft(image.mode, (1, 1))     # DCT scaling: at most 1/8 of each dimension is kept
            image.load()
    except Exception:
        return False
    return True


def photo_exempt_image() -> bytes:
    """rasim's stand-in for the agency's published dummy image for applicants exempt from the photo."""
    return EXEMPT_PATH.read_bytes()


def is_photo_exempt_image(data: bytes) -> bool:
    return hashlib.sha256(data).hexdigest() == PHOTO_EXEMPT_SHA256
