"""The limits of a residence application's files (one person's or a bulk row's), edition 2026 (003 §4.2.3,
§5.3.3, §5.3.4, §4.2.2): at most `max_files` files and `max_bytes` bytes together, the face photo included
(so the photo and 19 PDFs at most); the photo's height to width 縦4:横3 within a tolerance.
Pure: sizes and dimensions in, a code out."""
from __future__ import annotations

TOO_MANY_FILES = "RASIM456E"
TOO_MANY_BYTES = "RASIM457E"
WRONG_ASPECT = "RASIM455E"


def limit_problem(kept: list[int], new_size: int, max_files: int, max_bytes: int) -> str | None:
    """`kept`: the sizes of the files that stay (a photo being replaced is not among them)."""
    if len(kept) + 1 > max_files:
        return TOO_MANY_FILES
    if sum(kept) + new_size > max_bytes:
        return TOO_MANY_BYTES
    return None


def aspect_problem(width: int, height: int, aspect: str, tolerance: float) -> str | None:
    """`aspect` "4:3" is height:width; a photo within `tolerance` (0.02: ±2 %) of it passes. An empty
    `aspect` checks nothing (the edition has no such rule)."""
    if not aspect:
        return None
    tall, wide = (int(x) for x in aspect.split(":"))
    if width <= 0 or height <= 0:
        return WRONG_ASPECT
    return None if abs(height * wide / (width * tall) - 1) <= tolerance else WRONG_ASPECT
