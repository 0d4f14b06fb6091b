from virtual_card.apdu import Command, build, parse


def test_parse_four_short_cases():
    assert parse(bytes.fromhex("00A40000")) == Command(0, 0xA4, 0, 0)
    assert parse(bytes.fromhex("00B0000000")) == Command(0, 0xB0, 0, 0, ne=256)
    assert parse(bytes.fromhex("00A4020C020001")) == Command(0, 0xA4, 2, 0x0C, b"\x00\x01")
    assert parse(bytes.fromhex("802A0080020102FF")) == Command(0x80, 0x2A, 0, 0x80, b"\x01\x02", 255)


def test_parse_extended_cases():
    assert parse(bytes.fromhex("00B00000000000")) == Command(0, 0xB0, 0, 0, ne=65536)
    assert parse(bytes.fromhex("00B00000000400")) == Command(0, 0xB0, 0, 0, ne=1024)
    assert parse(bytes.fromhex("802A0080000002AABB0000")) == Command(0x80, 0x2A, 0, 0x80, b"\xaa\xbb", 65536)


def test_parse_rejects_inconsistent_lengths():
    assert parse(b"\x00\xa4") is None
    assert parse(bytes.fromhex("00A4020C0300")) is None
    assert parse(bytes.fromhex("00A4020C00")) == Command(0, 0xA4, 2, 0x0C, ne=256)
    assert parse(bytes.fromhex("00A4020C000000")) is not None  # extended Le 0 = 65536


def test_build_roundtrip():
    raw = build(0x80, 0x2A, 0, 0x80, b"abc", ne=256)
    assert raw == bytes.fromhex("802A008003616263") + b"\x00"
    assert parse(raw) == Command(0x80, 0x2A, 0, 0x80, b"abc", 256)
