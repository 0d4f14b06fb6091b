"""The card's file system: applications (DFs selected by name) holding elementary files.

Three kinds of EF matter for the My Number Card: transparent binary files (certificates, the
basic four, the My Number), PIN files (VERIFY acts on the selected one) and key files
(COMPUTE DIGITAL SIGNATURE uses the selected one). Access rules sit on the file.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

# called after every READ BINARY of a watched file: (offset, bytes asked, status word)
ReadHook = Callable[[int, int, int], None]


@dataclass
class BinaryFile:
    fid: int
    data: bytes
    read_pin: str | None = None  # id of the PIN that must be verified first, or None
    on_read: ReadHook | None = None


@dataclass
class PinFile:
    fid: int
    pin_id: str


@dataclass
class KeyFile:
    fid: int
    key: RSAPrivateKey
    pin_id: str


ElementaryFile = BinaryFile | PinFile | KeyFile


@dataclass
class Application:
    """A DF selected by its application identifier (DF name)."""

    aid: bytes
    label: str
    files: dict[int, ElementaryFile] = field(default_factory=dict)

    def add(self, ef: ElementaryFile) -> None:
        self.files[ef.fid] = ef
