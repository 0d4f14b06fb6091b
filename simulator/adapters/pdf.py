"""The documents check (資料添付: one PDF of at most 10 MB). A file that does not start with `%PDF-` is
not a PDF (the caller refuses it with WZBAM185E). Any other file is accepted, but the system marks it
an error file, without a message, when it is encrypted, restricts printing or copying, or does not
conform to ISO 32000-1 (FAQ Q4-2); here: qpdf cannot open it without repair, or warns while reading it.

Memory is bounded: only the trailer, the cross-reference table, the encryption dictionary and the
page tree are read; no content stream is decoded. Cross-reference and object streams must be inflated
to reach the page tree, so qpdf's Flate limit is set (when nobody has set one) to FLATE_MAX_MEMORY: a
zip-bomb there fails to decode and the file is not_iso_32000_1. Never raises."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pikepdf

SIGNATURE = b"%PDF-"
ENCRYPTED = "encrypted"
PRINT_RESTRICTED = "print_restricted"
COPY_RESTRICTED = "copy_restricted"
NOT_ISO_32000_1 = "not_iso_32000_1"
REASONS = (ENCRYPTED, PRINT_RESTRICTED, COPY_RESTRICTED, NOT_ISO_32000_1)   # the order reasons are given in

FLATE_MAX_MEMORY = 16 * 1024 * 1024     # bytes one Flate stream may inflate to (qpdf's flate_max_memory)
MAX_WARNINGS = 100                      # qpdf gives up on a file after this many warnings (doc_max_warnings)


@dataclass(frozen=True)
class PdfInspection:
    is_pdf: bool
    error_file: bool
    reasons: tuple[str, ...]
    pages: int | None


NOT_PDF = PdfInspection(is_pdf=False, error_file=False, reasons=(), pages=None)


def inspect_pdf(path: Path) -> PdfInspection:
    """What the system makes of an attached file; an unreadable path counts as not a PDF."""
    try:
        with open(path, "rb") as f:
            head = f.read(len(SIGNATURE))
    except OSError:
        return NOT_PDF
    if head != SIGNATURE:
        return NOT_PDF
    found: set[str] = set()
    pages: int | None = None
    try:
        bound_qpdf()
        with pikepdf.open(path, attempt_recovery=False, inherit_page_attributes=False) as pdf:
            if pdf.is_encrypted:
                found.add(ENCRYPTED)
            allow = pdf.allow
            if not (allow.print_lowres and allow.print_highres):
                found.add(PRINT_RESTRICTED)
            if not allow.extract:
                found.add(COPY_RESTRICTED)
            count = len(pdf.pages)
            if pdf.get_warnings():
                found.add(NOT_ISO_32000_1)
            pages = count
    except pikepdf.PasswordError:
        found.add(ENCRYPTED)            # needs a user password: nothing more can be read
    except Exception:
        found.add(NOT_ISO_32000_1)
        pages = None
    reasons = tuple(r for r in REASONS if r in found)
    return PdfInspection(is_pdf=True, error_file=bool(reasons), reasons=reasons, pages=pages)


def bound_qpdf() -> None:
    """Set qpdf's process-wide limits this check relies on, unless they were set already (0: unlimited)."""
    limits = pikepdf.settings.get_qpdf_limits()
    wanted = {"flate_max_memory": FLATE_MAX_MEMORY, "doc_max_warnings": MAX_WARNINGS}
    unset = {name: value for name, value in wanted.items() if not limits.get(name)}
    if unset:
        pikepdf.settings.set_qpdf_limits(**unset)
