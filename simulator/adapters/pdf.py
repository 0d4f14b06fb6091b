"""The documents check (資料添付: one PDF of at most 10 MB). A file that does not start with `%PDF-` is
not a PDF (the caller refuses it with WZBAM185E). Any other file is accepted, but the system marks it
an error file, without a message, when it is encrypted, restricts printing or copying, or does not
conform to ISO 32000-1 (FAQ Q4-2); here: qpdf cannot open it without repair, or warns while reading
the page tree.

Only the trailer, the cross-reference table, the encryption dictionary and the page tree are read; no
content stream is decoded. That is not enough to bound memory: qpdf parses each object it reaches
whole, at some 50-150 bytes per token, and object streams must be inflated to reach the page tree, so a
small file can still cost gigabytes (`/X [[] [] …]` in a compressed object stream). The check therefore
runs in a child process whose address space is capped at its size after start-up plus 2 × the file
plus HEADROOM, with a CPU and a wall-clock limit; whatever goes wrong in the child (memory exhausted,
killed, timed out) makes the file not_iso_32000_1. The qpdf limits are set in the child only. Never
raises. Where the system can fork, the child is a fork (milliseconds, not a new interpreter): its cap
counts from the parent's mapped size, so memory the parent's allocator already holds free may be used
on top of the headroom — bounded still, less tightly than in a new interpreter."""
from __future__ import annotations

import io
import json
import os
import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

SIGNATURE = b"%PDF-"
ENCRYPTED = "encrypted"
PRINT_RESTRICTED = "print_restricted"
COPY_RESTRICTED = "copy_restricted"
NOT_ISO_32000_1 = "not_iso_32000_1"
REASONS = (ENCRYPTED, PRINT_RESTRICTED, COPY_RESTRICTED, NOT_ISO_32000_1)   # the order reasons are given in

HEADROOM = 32 * 1024 * 1024     # address space the child may grow by, beyond 2 × the file (mapped and read)
CPU_SECONDS = 10                # the child's RLIMIT_CPU
TIMEOUT = 20.0                  # seconds of wall-clock time before the child is killed
FLATE_MAX_MEMORY = 16 * 1024 * 1024     # qpdf's flate_max_memory in the child: one stream's inflated size
MAX_WARNINGS = 100                      # qpdf's doc_max_warnings in the child: it gives up after that many
PACKAGE_ROOT = Path(__file__).resolve().parents[2]
CHILD = "import sys; sys.path.insert(0, sys.argv.pop(1)); from simulator.adapters.pdf import _child_main; _child_main()"


@dataclass(frozen=True)
class PdfInspection:
    is_pdf: bool
    error_file: bool
    reasons: tuple[str, ...]
    pages: int | None


NOT_PDF = PdfInspection(is_pdf=False, error_file=False, reasons=(), pages=None)
BROKEN = PdfInspection(is_pdf=True, error_file=True, reasons=(NOT_ISO_32000_1,), pages=None)


def inspect_pdf(path: Path) -> PdfInspection:
    """What the system makes of an attached file, checked in a memory-capped child process (a fork where
    the system has one, a few milliseconds; else a new interpreter, about 0.1 s).
    An unreadable path counts as not a PDF; a child that cannot be started, as not_iso_32000_1."""
    try:
        with open(path, "rb") as f:
            head = f.read(len(SIGNATURE))
            size = os.fstat(f.fileno()).st_size
    except OSError:
        return NOT_PDF
    if head != SIGNATURE:
        return NOT_PDF
    if hasattr(os, "fork"):
        return _inspect_in_fork(Path(path), 2 * size + HEADROOM)
    command = [sys.executable, "-I", "-c", CHILD, str(PACKAGE_ROOT), str(Path(path).resolve()), str(2 * size + HEADROOM)]
    try:
        done = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              timeout=TIMEOUT, check=False)
        if done.returncode != 0:
            return BROKEN
        return _from_json(done.stdout)
    except Exception:
        return BROKEN


def _inspect_in_fork(path: Path, headroom: int) -> PdfInspection:
    """The child as a fork of this process (pikepdf already loaded: a few milliseconds instead of a new
    interpreter); it only checks, writes its answer to a pipe and leaves with os._exit."""
    import select
    import signal

    import pikepdf  # noqa: F401 - loaded before the fork, so the child need not import it

    try:
        read_end, write_end = os.pipe()
        pid = os.fork()
    except OSError:
        return BROKEN
    if pid == 0:   # the child
        code = 1
        try:
            os.close(read_end)
            quiet = os.open(os.devnull, os.O_WRONLY)
            os.dup2(quiet, 1)
            os.dup2(quiet, 2)
            pikepdf.settings.set_qpdf_limits(flate_max_memory=FLATE_MAX_MEMORY, doc_max_warnings=MAX_WARNINGS)
            _cap_resources(headroom)
            found = inspect_pdf_in_process(path)
            os.write(write_end, json.dumps({"reasons": list(found.reasons), "pages": found.pages}).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    chunks: list[bytes] = []
    try:
        while True:
            ready, _, _ = select.select([read_end], [], [], TIMEOUT)
            if not ready:
                os.kill(pid, signal.SIGKILL)
                break
            chunk = os.read(read_end, 65536)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_end)
        _, status = os.waitpid(pid, 0)
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        return BROKEN
    try:
        return _from_json(b"".join(chunks))
    except (ValueError, KeyError, TypeError):
        return BROKEN


def inspect_pdf_in_process(path: Path) -> PdfInspection:
    """The same check in this process, with no memory bound: what the child runs (and the fuzz tests)."""
    try:
        with open(path, "rb") as f:
            if f.read(len(SIGNATURE)) != SIGNATURE:
                return NOT_PDF
    except OSError:
        return NOT_PDF
    found: set[str] = set()
    pages: int | None = None
    try:
        import pikepdf

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
    except Exception as problem:
        if type(problem).__name__ == "PasswordError":
            found.add(ENCRYPTED)            # needs a user password: nothing more can be read
        else:
            found.add(NOT_ISO_32000_1)
            pages = None
    return _inspection(found, pages)


def _inspection(found: set[str], pages: int | None) -> PdfInspection:
    reasons = tuple(r for r in REASONS if r in found)
    return PdfInspection(is_pdf=True, error_file=bool(reasons), reasons=reasons, pages=pages)


def _from_json(raw: bytes) -> PdfInspection:
    answer = json.loads(raw)
    reasons, pages = answer["reasons"], answer["pages"]
    if not (isinstance(reasons, list) and set(reasons) <= set(REASONS)):
        return BROKEN
    if pages is not None and (type(pages) is not int or pages < 0):
        return BROKEN
    return _inspection(set(reasons), pages)


def _child_main() -> None:
    """In the child: argv is [-c, file, headroom bytes]. Only the answer goes to the saved stdout; qpdf's own
    output goes to /dev/null."""
    path, headroom = Path(sys.argv[1]), int(sys.argv[2])
    answer = os.fdopen(os.dup(1), "w")
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 1)
    os.dup2(quiet, 2)
    import pikepdf

    pikepdf.settings.set_qpdf_limits(flate_max_memory=FLATE_MAX_MEMORY, doc_max_warnings=MAX_WARNINGS)
    with pikepdf.new() as warm, io.BytesIO() as sink:    # first-use allocations before the cap is measured
        warm.add_blank_page()
        warm.save(sink)
        with pikepdf.open(io.BytesIO(sink.getvalue())) as again:
            len(again.pages)
    _cap_resources(headroom)
    found = inspect_pdf_in_process(path)
    answer.write(json.dumps({"reasons": list(found.reasons), "pages": found.pages}))
    answer.flush()


def _cap_resources(headroom: int) -> None:
    try:
        with open("/proc/self/status") as status:
            in_use = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
    except (OSError, StopIteration, ValueError):
        in_use = None                   # not Linux: the CPU and wall-clock limits still hold
    if in_use is not None:
        _lower(resource.RLIMIT_AS, in_use + headroom)
    _lower(resource.RLIMIT_CPU, CPU_SECONDS)


def _lower(which: int, value: int) -> None:
    soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    if soft == resource.RLIM_INFINITY or value < soft:
        resource.setrlimit(which, (value, hard))
