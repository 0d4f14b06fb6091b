"""Streaming receipt of an uploaded file with a hard cap: the body is read chunk by chunk into a
private temporary file, hashed on the way, and abandoned as soon as it exceeds the limit, so no more
than one chunk is ever held in memory and no more than limit + 1 bytes are read from the stream."""
from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK = 65536


@dataclass(frozen=True)
class Received:
    path: Path | None        # the temporary file; None when too large
    size: int                # bytes read (when too large: limit + 1 at most)
    sha256: str              # hex digest of the file; "" when too large
    too_large: bool


def receive(stream: BinaryIO, limit: int, folder: Path, chunk: int = CHUNK) -> Received:
    """Copy `stream` into a new file in `folder` (created with mode 0o700 if missing). A stream that fails
    part-way leaves no file behind and its exception propagates."""
    if limit < 0 or chunk <= 0:
        raise ValueError("limit must be >= 0 and chunk > 0")
    _private_folder(folder)
    fd, name = tempfile.mkstemp(prefix="upload-", suffix=".part", dir=folder)    # mode 0o600
    path = Path(name)
    digest = hashlib.sha256()
    size = 0
    try:
        with os.fdopen(fd, "wb") as out:
            while size <= limit:
                data = stream.read(min(chunk, limit + 1 - size))
                if not data:
                    break
                size += len(data)
                if size <= limit:
                    digest.update(data)
                    out.write(data)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if size > limit:
        path.unlink(missing_ok=True)
        return Received(path=None, size=size, sha256="", too_large=True)
    return Received(path=path, size=size, sha256=digest.hexdigest(), too_large=False)


def drain(stream: BinaryIO, most: int, chunk: int = CHUNK) -> int:
    """Read and drop up to `most` bytes of `stream`, one chunk in memory at a time; the bytes read.
    A server that answers a too-large upload before the client has sent it all must read the rest, or
    the client's socket is reset and it never sees the answer."""
    read = 0
    while read < most:
        data = stream.read(min(chunk, most - read))
        if not data:
            break
        read += len(data)
    return read


def discard(received: Received) -> None:
    if received.path is not None:
        received.path.unlink(missing_ok=True)


def keep(received: Received, dest: Path) -> Path:
    """Rename the received file to `dest` (atomic: os.replace, so `dest` must be on the same file system
    as the upload folder; an existing `dest` is replaced)."""
    if received.path is None:
        raise ValueError("nothing was received to keep")
    dest.parent.mkdir(parents=True, exist_ok=True)
    os.replace(received.path, dest)
    return dest


def _private_folder(folder: Path) -> None:
    try:
        folder.mkdir(mode=0o700, parents=True)
    except FileExistsError:
        return
    os.chmod(folder, 0o700)     # mkdir's mode is masked by the umask
