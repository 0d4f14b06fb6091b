"""The card-info AP (券面事項入力補助AP): the basic four facts and the My Number.

EF 0011 is its PIN (4 digits, 3 tries; the same digits as the JPKI authentication PIN on
cards issued the usual way). EF 0002 holds the basic four as BER-TLV::

    FF20 { DF21 header, DF22 name (UTF-8), DF23 address (UTF-8), DF24 birth YYYYMMDD, DF25 sex }

EF 0001 holds the My Number as ``D0 0C <12 digits>``. Both need the PIN. The system must never
read EF 0001 (FAQ Q2-8), so every READ BINARY of it goes to a read log.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from .files import Application, BinaryFile, PinFile, ReadHook
from .model import BasicFour
from .tlv import parse_all, tlv

INFO_AID = bytes.fromhex("D3921000310001010408")
EF_MY_NUMBER = 0x0001
EF_BASIC_FOUR = 0x0002
EF_INFO_PIN = 0x0011
INFO_PIN = "info"
INFO_PIN_TRIES = 3

_TAG_ALL = b"\xff\x20"
_TAG_HEADER, _TAG_NAME, _TAG_ADDRESS, _TAG_BIRTH, _TAG_SEX = (
    b"\xdf\x21", b"\xdf\x22", b"\xdf\x23", b"\xdf\x24", b"\xdf\x25")


def encode_basic_four(b: BasicFour) -> bytes:
    fields = [
        (_TAG_NAME, b.name.encode("utf-8")),
        (_TAG_ADDRESS, b.address.encode("utf-8")),
        (_TAG_BIRTH, f"{b.date_of_birth:%Y%m%d}".encode("ascii")),
        (_TAG_SEX, b.sex.encode("ascii")),
    ]
    body = b"".join(tlv(tag, value) for tag, value in fields)
    header = tlv(_TAG_HEADER, b"\x01" + len(body).to_bytes(2, "big"))  # our own: version, body size
    return tlv(_TAG_ALL, header + body)


def decode_basic_four(data: bytes) -> BasicFour:
    outer = parse_all(data)
    if not outer or outer[0][0] != _TAG_ALL:
        raise ValueError("not a basic-four record")
    fields = dict(parse_all(outer[0][1]))
    birth = fields[_TAG_BIRTH].decode("ascii")
    return BasicFour(
        name=fields[_TAG_NAME].decode("utf-8"),
        address=fields[_TAG_ADDRESS].decode("utf-8"),
        date_of_birth=date(int(birth[:4]), int(birth[4:6]), int(birth[6:8])),
        sex=fields[_TAG_SEX].decode("ascii"),
    )


def encode_my_number(number: str) -> bytes:
    if len(number) != 12 or not number.isdigit():
        raise ValueError("a My Number is 12 digits")
    return (b"\xd0\x0c" + number.encode("ascii")).ljust(16, b"\xff")


def decode_my_number(data: bytes) -> str:
    if len(data) < 14 or data[:2] != b"\xd0\x0c":
        raise ValueError("not a My Number record")
    return data[2:14].decode("ascii")


def build_info_application(basic_four: BasicFour, my_number: str,
                           on_my_number_read: ReadHook | Callable[[int, int, int], None]) -> Application:
    app = Application(INFO_AID, "card-info")
    app.add(PinFile(EF_INFO_PIN, INFO_PIN))
    app.add(BinaryFile(EF_MY_NUMBER, encode_my_number(my_number), read_pin=INFO_PIN,
                       on_read=on_my_number_read))
    app.add(BinaryFile(EF_BASIC_FOUR, encode_basic_four(basic_four), read_pin=INFO_PIN))
    return app


def my_number_check_digit(first11: str) -> str:
    """Check digit of a My Number (個人番号), per the ministerial ordinance's formula."""
    digits = [int(c) for c in reversed(first11)]
    total = sum(d * (n + 1 if n <= 6 else n - 5) for n, d in enumerate(digits, start=1))
    r = total % 11
    return "0" if r <= 1 else str(11 - r)
