"""Reading the rest of a request body that the application did not read (WSGI middleware).

A too-large upload, or one refused before its body is looked at (no login, an unknown application), is
answered at once, while the client is still sending. gunicorn then reads at most 64 KB of what is left and
closes the connection; the client's next write fails and, depending on timing, the answer already sent
is lost ("Remote end closed connection without response"). So once the answer is written, the rest of
the body is read and dropped here, one chunk in memory at a time, at most DRAIN_MAX_BYTES and for at most
DRAIN_SECONDS (a bounded read); a bigger or slower body still has its connection closed."""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.wsgi import ClosingIterator

from simulator.adapters import uploads

# twice the largest upload either edition takes (25 MB of a 2026 bulk row's files), and the form around it
DRAIN_MAX_BYTES = 64 * 1024 * 1024
DRAIN_SECONDS = 30.0


class _CountedInput:
    """wsgi.input, counting what the application reads (read, readline, readlines, iteration: PEP 3333)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read() if size is None or size < 0 else self._stream.read(size)
        self.read_bytes += len(data)
        return data

    def readline(self, size: int = -1) -> bytes:
        data = self._stream.readline() if size is None or size < 0 else self._stream.readline(size)
        self.read_bytes += len(data)
        return data

    def readlines(self, hint: int = -1) -> list[bytes]:
        lines = self._stream.readlines(hint)
        self.read_bytes += sum(len(line) for line in lines)
        return lines

    def __iter__(self) -> Any:
        return iter(self.readline, b"")


class BodyDrain:
    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        counted = _CountedInput(environ["wsgi.input"])
        environ["wsgi.input"] = counted
        return ClosingIterator(self.app(environ, start_response), [lambda: drain_rest(environ, counted)])


def left_to_read(environ: dict[str, Any], read_bytes: int) -> int | None:
    """What remains of the body after `read_bytes`: by Content-Length; None for a body that ends by itself
    (chunked, wsgi.input_terminated) or a Content-Length that is not a number."""
    length = environ.get("CONTENT_LENGTH") or ""
    if length.isdigit():
        return max(int(length) - read_bytes, 0)
    if environ.get("wsgi.input_terminated"):
        return None
    return 0     # no Content-Length and a server that does not end the stream: reading would block


def drain_rest(environ: dict[str, Any], counted: _CountedInput) -> None:
    remaining = left_to_read(environ, counted.read_bytes)
    if remaining == 0 or (remaining is not None and remaining > DRAIN_MAX_BYTES):
        return
    most = DRAIN_MAX_BYTES if remaining is None else remaining
    deadline = time.monotonic() + DRAIN_SECONDS
    try:
        while most > 0 and time.monotonic() < deadline:
            read = uploads.drain(counted, min(most, uploads.CHUNK * 16))
            if read == 0:
                break
            most -= read
    except (OSError, ValueError):
        pass      # the client went away: nothing left to answer
