"""Status words of the card OS, APDU by APDU, as a client sees them."""
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from virtual_card.apdu import build
from virtual_card.cardinfo import INFO_AID
from virtual_card.cardos import JPKI_ATR
from virtual_card.client import digest_info
from virtual_card.jpki import JPKI_AID

SELECT_JPKI = build(0x00, 0xA4, 0x04, 0x0C, JPKI_AID)


def sel_ef(fid: int) -> bytes:
    return build(0x00, 0xA4, 0x02, 0x0C, fid.to_bytes(2, "big"))


def sw(resp: bytes) -> str:
    return resp[-2:].hex().upper()


def run(card, *apdus: bytes) -> bytes:
    resp = b""
    for a in apdus:
        resp = card.transmit(a)
    return resp


def test_atr_is_the_real_cards():
    assert JPKI_ATR == bytes.fromhex("3BE000FF8131FE4514")


def test_select_applications_and_unknown(card):
    assert sw(card.transmit(SELECT_JPKI)) == "9000"
    assert sw(card.transmit(build(0, 0xA4, 0x04, 0x0C, INFO_AID))) == "9000"
    assert sw(card.transmit(build(0, 0xA4, 0x04, 0x0C, b"\xa0\x00\x00\x00\x01"))) == "6A82"
    assert sw(card.transmit(build(0, 0xA4, 0x04, 0x00, JPKI_AID))) == "9000"  # FCI requested: none given


def test_select_ef_needs_an_application(card):
    assert sw(card.transmit(sel_ef(0x000A))) == "6A82"
    assert sw(run(card, SELECT_JPKI, sel_ef(0x000A))) == "9000"
    assert sw(card.transmit(sel_ef(0x1234))) == "6A82"


def test_select_wrong_parameters(card):
    assert sw(card.transmit(build(0, 0xA4, 0x08, 0x0C, b"\x00\x01"))) == "6A86"
    assert sw(card.transmit(build(0, 0xA4, 0x04, 0x55, JPKI_AID))) == "6A86"
    assert sw(run(card, SELECT_JPKI, build(0, 0xA4, 0x02, 0x0C, b"\x00"))) == "6700"


def test_unknown_instruction_and_class(card):
    assert sw(card.transmit(bytes.fromhex("00CA0000"))) == "6D00"
    assert sw(card.transmit(bytes.fromhex("B0A4040C"))) == "6E00"
    assert sw(card.transmit(bytes.fromhex("002A0080"))) == "6E00"  # sign needs CLA 80
    assert sw(card.transmit(b"\x00")) == "6700"


def test_read_certificate_in_chunks_like_clients_do(card, store):
    expected = store.certificate("good", "auth")
    head = run(card, SELECT_JPKI, sel_ef(0x000A), build(0, 0xB0, 0, 0, ne=4))
    assert sw(head) == "9000"
    size = int.from_bytes(head[2:4], "big") + 4  # 30 82 LL LL, as card-jpki.c computes it
    assert size == len(expected)
    data = bytearray(head[:-2])
    while len(data) < size:
        n = min(256, size - len(data))
        resp = card.transmit(build(0, 0xB0, len(data) >> 8, len(data) & 0xFF, ne=n))
        assert sw(resp) == "9000"
        data += resp[:-2]
    assert bytes(data) == expected
    x509.load_der_x509_certificate(bytes(data))


def test_read_past_end_and_beyond(card, store):
    size = len(store.certificate("good", "auth"))
    run(card, SELECT_JPKI, sel_ef(0x000A))
    tail = card.transmit(build(0, 0xB0, (size - 10) >> 8, (size - 10) & 0xFF, ne=0x100))
    assert sw(tail) == "6282" and len(tail) == 12
    at_end = card.transmit(build(0, 0xB0, size >> 8, size & 0xFF, ne=1))
    assert sw(at_end) == "6282" and len(at_end) == 2
    beyond = card.transmit(build(0, 0xB0, (size + 1) >> 8, (size + 1) & 0xFF, ne=1))
    assert sw(beyond) == "6B00"


def test_read_binary_errors(card):
    assert sw(card.transmit(build(0, 0xB0, 0, 0, ne=4))) == "6986"  # nothing selected
    run(card, SELECT_JPKI, sel_ef(0x0018))
    assert sw(card.transmit(build(0, 0xB0, 0, 0, ne=4))) == "6981"  # a PIN file
    run(card, sel_ef(0x0017))
    assert sw(card.transmit(build(0, 0xB0, 0, 0, ne=4))) == "6981"  # a key file
    run(card, sel_ef(0x000A))
    assert sw(card.transmit(build(0, 0xB0, 0x81, 0, ne=4))) == "6A86"  # SFI addressing
    assert sw(card.transmit(bytes.fromhex("00B00000"))) == "6700"  # no Le


def test_le_zero_means_256(card):
    resp = run(card, SELECT_JPKI, sel_ef(0x000A), build(0, 0xB0, 0, 0, ne=256))
    assert len(resp) == 258 and sw(resp) == "9000"


def test_verify_counts_down_then_blocks(card):
    run(card, SELECT_JPKI, sel_ef(0x0018))
    assert sw(card.transmit(build(0, 0x20, 0, 0x80))) == "63C3"
    assert sw(card.transmit(build(0, 0x20, 0, 0x80, b"0000"))) == "63C2"
    assert sw(card.transmit(build(0, 0x20, 0, 0x80, b"0000"))) == "63C1"
    assert sw(card.transmit(build(0, 0x20, 0, 0x80, b"0000"))) == "63C0"
    assert sw(card.transmit(build(0, 0x20, 0, 0x80, b"1234"))) == "6983"  # right PIN, too late
    assert sw(card.transmit(build(0, 0x20, 0, 0x80))) == "63C0"


def test_right_pin_resets_counter(card):
    run(card, SELECT_JPKI, sel_ef(0x001B))
    assert sw(card.transmit(build(0, 0x20, 0, 0x80, b"WRONG1"))) == "63C4"
    assert sw(card.transmit(build(0, 0x20, 0, 0x80, b"ABC123"))) == "9000"
    assert sw(card.transmit(build(0, 0x20, 0, 0x80))) == "63C5"


def test_verify_wrong_state_and_params(card):
    assert sw(card.transmit(build(0, 0x20, 0, 0x80, b"1234"))) == "6985"  # no PIN EF selected
    run(card, SELECT_JPKI, sel_ef(0x000A))
    assert sw(card.transmit(build(0, 0x20, 0, 0x80, b"1234"))) == "6985"  # a certificate EF
    run(card, sel_ef(0x0018))
    assert sw(card.transmit(build(0, 0x20, 0, 0x81, b"1234"))) == "6A86"
    assert sw(card.transmit(build(0, 0x20, 0, 0x80, b"1" * 17))) == "6700"
    assert sw(card.transmit(build(0, 0x20, 0, 0x80))) == "63C3"  # neither counted


def sign_apdu(data: bytes) -> bytes:
    return build(0x80, 0x2A, 0x00, 0x80, data, ne=256)


def test_sign_refused_until_matching_pin(card, store):
    di = digest_info(b"challenge")
    run(card, SELECT_JPKI, sel_ef(0x0017))
    assert sw(card.transmit(sign_apdu(di))) == "6982"
    run(card, sel_ef(0x001B), build(0, 0x20, 0, 0x80, b"ABC123"), sel_ef(0x0017))
    assert sw(card.transmit(sign_apdu(di))) == "6982"  # sign PIN does not open the auth key
    run(card, sel_ef(0x0018), build(0, 0x20, 0, 0x80, b"1234"), sel_ef(0x0017))
    resp = card.transmit(sign_apdu(di))
    assert sw(resp) == "9000" and len(resp) == 258
    cert = x509.load_der_x509_certificate(store.certificate("good", "auth"))
    cert.public_key().verify(resp[:-2], b"challenge", padding.PKCS1v15(), hashes.SHA256())
    run(card, sel_ef(0x001A))
    resp = card.transmit(sign_apdu(di))
    assert sw(resp) == "9000"  # sign PIN verified earlier in this session


def test_sign_state_and_params(card):
    assert sw(card.transmit(sign_apdu(b"x"))) == "6985"
    run(card, SELECT_JPKI, sel_ef(0x0018), build(0, 0x20, 0, 0x80, b"1234"))
    assert sw(card.transmit(sign_apdu(b"x"))) == "6985"  # a PIN EF is selected, not a key
    run(card, sel_ef(0x0017))
    assert sw(card.transmit(build(0x80, 0x2A, 0x9E, 0x9A, b"x", ne=256))) == "6A86"
    assert sw(card.transmit(sign_apdu(b"x" * 246))) == "6700"
    assert sw(card.transmit(sign_apdu(b"x" * 245))) == "9000"


@pytest.mark.parametrize("clear", ["reset", "other_app", "mf"])
def test_security_state_cleared(card, clear):
    run(card, SELECT_JPKI, sel_ef(0x0018), build(0, 0x20, 0, 0x80, b"1234"))
    if clear == "reset":
        card.reset()
    elif clear == "other_app":
        card.transmit(build(0, 0xA4, 0x04, 0x0C, INFO_AID))
    else:
        card.transmit(build(0, 0xA4, 0x00, 0x0C, b"\x3f\x00"))
    resp = run(card, SELECT_JPKI, sel_ef(0x0017), sign_apdu(b"x"))
    assert sw(resp) == "6982"


def test_reselecting_same_application_keeps_state(card):
    run(card, SELECT_JPKI, sel_ef(0x0018), build(0, 0x20, 0, 0x80, b"1234"))
    assert sw(run(card, SELECT_JPKI, sel_ef(0x0017), sign_apdu(b"x"))) == "9000"


def test_card_info_needs_its_pin(card):
    run(card, build(0, 0xA4, 0x04, 0x0C, INFO_AID), sel_ef(0x0002))
    assert sw(card.transmit(build(0, 0xB0, 0, 0, ne=7))) == "6982"
    run(card, sel_ef(0x0011), build(0, 0x20, 0, 0x80, b"1234"), sel_ef(0x0002))
    resp = card.transmit(build(0, 0xB0, 0, 0, ne=7))
    assert sw(resp) == "9000" and resp[:2] == b"\xff\x20"


def test_internal_error_is_6f00_not_a_crash(card, monkeypatch):
    monkeypatch.setattr(card, "_select", lambda cmd: 1 / 0)
    assert sw(card.transmit(SELECT_JPKI)) == "6F00"


@pytest.mark.parametrize("data", [digest_info(b"m"), digest_info(b"m", hashes.SHA512()), b"raw bytes"])
def test_fast_and_raw_signing_agree(store, data):
    from virtual_card import rsa_raw

    key = store.jpki_contents("good").auth_key
    k = key.key_size // 8
    assert rsa_raw.sign_pkcs1_v15(key, data) == rsa_raw._raw(key, data, k)
